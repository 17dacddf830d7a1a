/**
 * QTI 1.2 as Canvas imports it (a `questestinterop` document; Canvas reads each item's `question_type` from its
 * metadata): multiple_choice_question, multiple_answers_question, numerical_question (exact: the answer is both
 * bounds) and, for ordering, matching_question (each segment matched to its position). Every item scores 0–100
 * and shows the explanation as general feedback. Text is HTML, escaped as XML.
 */
import type { Language } from '../render/messages';
import { escapeHtml, explanationHtml, ordinal, questionHtml } from './lms-text';
import type { Question, Quiz } from './types';

const x = escapeHtml;
const mattext = (html: string): string => `<material><mattext texttype="text/html">${x(html)}</mattext></material>`;
const field = (label: string, entry: string): string => `<qtimetadatafield><fieldlabel>${label}</fieldlabel><fieldentry>${x(entry)}</fieldentry></qtimetadatafield>`;

const QUESTION_TYPE = {
  choice: 'multiple_choice_question',
  choices: 'multiple_answers_question',
  number: 'numerical_question',
  order: 'matching_question',
} as const;

function label(q: Question, i: number): string {
  return `${q.id}_${i}`;
}

function presentationAndScoring(q: Question, lang: Language): { presentation: string; conditions: string[] } {
  const choiceHtml = (i: number): string => `<p>${x(q.choices![i]!.text[lang])}</p>`;
  const choices = (): string => q.choices!.map((_, i) => `<response_label ident="${label(q, i)}">${mattext(choiceHtml(i))}</response_label>`).join('');
  const set = (score: number): string => `<setvar action="Set" varname="SCORE">${score}</setvar>`;
  switch (q.answer.type) {
    case 'choice':
      return {
        presentation: `<response_lid ident="response1" rcardinality="Single"><render_choice>${choices()}</render_choice></response_lid>`,
        conditions: [`<respcondition continue="No"><conditionvar><varequal respident="response1">${label(q, q.answer.index)}</varequal></conditionvar>${set(100)}</respcondition>`],
      };
    case 'choices': {
      const right = new Set(q.answer.indices);
      const all = q.choices!.map((_, i) => (right.has(i) ? `<varequal respident="response1">${label(q, i)}</varequal>` : `<not><varequal respident="response1">${label(q, i)}</varequal></not>`));
      return {
        presentation: `<response_lid ident="response1" rcardinality="Multiple"><render_choice>${choices()}</render_choice></response_lid>`,
        conditions: [`<respcondition continue="No"><conditionvar><and>${all.join('')}</and></conditionvar>${set(100)}</respcondition>`],
      };
    }
    case 'number':
      return {
        presentation: `<response_str ident="response1" rcardinality="Single"><render_fib fibtype="Decimal"><response_label ident="answer1"/></render_fib></response_str>`,
        conditions: [
          `<respcondition continue="No"><conditionvar><or><varequal respident="response1">${q.answer.value}</varequal><and><vargte respident="response1">${q.answer.value}</vargte><varlte respident="response1">${q.answer.value}</varlte></and></or></conditionvar>${set(100)}</respcondition>`,
        ],
      };
    case 'order': {
      const n = q.answer.indices.length;
      const positions = Array.from({ length: n }, (_, p) => `<response_label ident="${q.id}_pos${p + 1}">${mattext(`<p>${x(ordinal(p + 1, lang))}</p>`)}</response_label>`).join('');
      // One response per shown item: which position it takes.
      const lids = q.choices!.map((_, i) => `<response_lid ident="response_${label(q, i)}">${mattext(choiceHtml(i))}<render_choice>${positions}</render_choice></response_lid>`);
      const conditions = q.answer.indices.map(
        (shown, position) =>
          `<respcondition><conditionvar><varequal respident="response_${label(q, shown)}">${q.id}_pos${position + 1}</varequal></conditionvar><setvar action="Add" varname="SCORE">${(100 / n).toFixed(2)}</setvar></respcondition>`,
      );
      return { presentation: lids.join(''), conditions };
    }
  }
}

function item(quiz: Quiz, q: Question, lang: Language): string {
  const { presentation, conditions } = presentationAndScoring(q, lang);
  return [
    `      <item ident="${q.id}" title="${x(`${q.id} ${q.kind}`)}">`,
    `        <itemmetadata><qtimetadata>${field('question_type', QUESTION_TYPE[q.answer.type])}${field('points_possible', '1.0')}</qtimetadata></itemmetadata>`,
    `        <presentation>${mattext(questionHtml(quiz, q, lang))}${presentation}</presentation>`,
    '        <resprocessing>',
    '          <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>',
    '          <respcondition continue="Yes"><conditionvar><other/></conditionvar><displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>',
    ...conditions.map((c) => `          ${c}`),
    '        </resprocessing>',
    `        <itemfeedback ident="general_fb"><flow_mat>${mattext(explanationHtml(q, lang))}</flow_mat></itemfeedback>`,
    '      </item>',
  ].join('\n');
}

export function quizToQti12(quiz: Quiz, lang: Language, title = 'tcplab quiz'): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.imsglobal.org/xsd/ims_qtiasiv1p2 http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd">',
    `  <assessment ident="tcplab_quiz_${quiz.seed}" title="${x(title)}">`,
    `    <qtimetadata>${field('cc_maxattempts', '1')}</qtimetadata>`,
    '    <section ident="root_section">',
    ...quiz.questions.map((q) => item(quiz, q, lang)),
    '    </section>',
    '  </assessment>',
    '</questestinterop>',
    '',
  ].join('\n');
}
