/**
 * Moodle XML (docs.moodle.org/en/Moodle_XML_format): multichoice (single and multiple answer), numerical with
 * tolerance 0, and ordering (qtype_ordering, in Moodle since 4.4) with the segments in their right order; the
 * explanation as general feedback, and each wrong choice's feedback. Text is HTML, escaped as XML.
 */
import type { Language } from '../render/messages';
import { escapeHtml, explanationHtml, fraction, questionHtml } from './lms-text';
import type { Question, Quiz } from './types';

const xml = escapeHtml;
const text = (content: string): string => `<text>${xml(content)}</text>`;

function answer(fractionValue: string, content: string, feedback: string, extra = ''): string {
  return `    <answer fraction="${fractionValue}" format="html">${text(content)}<feedback format="html">${text(feedback)}</feedback>${extra}</answer>`;
}

function body(q: Question, lang: Language): { type: string; parts: string[] } {
  const choice = (i: number): string => xml(q.choices![i]!.text[lang]);
  const feedback = (i: number): string => (q.choices![i]!.feedback ? `<p>${xml(q.choices![i]!.feedback![lang])}</p>` : '');
  switch (q.answer.type) {
    case 'number':
      return { type: 'numerical', parts: [answer('100', String(q.answer.value), '', '<tolerance>0</tolerance>')] };
    case 'choice': {
      const right = q.answer.index;
      return {
        type: 'multichoice',
        parts: [
          '    <single>true</single><shuffleanswers>true</shuffleanswers><answernumbering>abc</answernumbering>',
          ...q.choices!.map((_, i) => answer(i === right ? '100' : '0', `<p>${choice(i)}</p>`, feedback(i))),
        ],
      };
    }
    case 'choices': {
      const right = new Set(q.answer.indices);
      const wrong = q.choices!.length - right.size;
      return {
        type: 'multichoice',
        parts: [
          '    <single>false</single><shuffleanswers>true</shuffleanswers><answernumbering>abc</answernumbering>',
          ...q.choices!.map((_, i) => answer(right.has(i) ? fraction(1, right.size) : fraction(-1, wrong), `<p>${choice(i)}</p>`, feedback(i))),
        ],
      };
    }
    case 'order':
      return {
        type: 'ordering',
        parts: [
          '    <layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype><selectcount>0</selectcount><gradingtype>ABSOLUTE_POSITION</gradingtype><showgrading>SHOW</showgrading><numberingstyle>none</numberingstyle>',
          // In their right order: Moodle shuffles them for the student.
          ...q.answer.indices.map((shown) => answer('1', `<p>${choice(shown)}</p>`, '')),
        ],
      };
  }
}

export function quizToMoodleXml(quiz: Quiz, lang: Language, category = 'tcplab'): string {
  const questions = quiz.questions.map((q) => {
    const { type, parts } = body(q, lang);
    return [
      `  <question type="${type}">`,
      `    <name>${text(`${q.id} ${q.kind}`)}</name>`,
      `    <questiontext format="html">${text(questionHtml(quiz, q, lang))}</questiontext>`,
      `    <generalfeedback format="html">${text(explanationHtml(q, lang))}</generalfeedback>`,
      '    <defaultgrade>1</defaultgrade><penalty>0</penalty><hidden>0</hidden>',
      ...parts,
      '  </question>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<quiz>',
    `  <question type="category"><category>${text(`$course$/${category}`)}</category></question>`,
    ...questions,
    '</quiz>',
    '',
  ].join('\n');
}
