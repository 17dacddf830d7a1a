import { parse as parseGift } from 'gift-pegjs';
import { generateQuiz, QUESTION_KINDS, quizToGift, quizToMoodleXml, scenario, scenarioQuizSource, type Question, type Quiz } from '../src';
import { parseXml, type XmlElement } from './svg-reader';

/**
 * The LMS formats, checked by an independent reader: GIFT by the npm parser gift-pegjs (the questions and
 * answers it reads back must be the quiz's), Moodle XML element by element against the documented structure.
 */

const quiz: Quiz = generateQuiz(scenarioQuizSource(scenario('three-way-handshake')!, 11), { count: 40, kinds: QUESTION_KINDS, seed: 11 });
const stripHtml = (html: string): string =>
  html
    .replace(/<br>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('GIFT', () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`(${lang}) gift-pegjs reads back every question with its type, its answer and its explanation`, () => {
      const parsed = parseGift(quizToGift(quiz, lang)) as unknown as Array<Record<string, any>>;
      expect(parsed.map((p) => p['title'])).toEqual(quiz.questions.map((q) => `${q.id} ${q.kind}`));
      parsed.forEach((p, i) => {
        const q = quiz.questions[i]!;
        expect(stripHtml(p['stem'].text)).toContain(q.prompt[lang]);
        for (const line of q.context) expect(stripHtml(p['stem'].text)).toContain(line);
        expect(stripHtml(p['globalFeedback'].text)).toBe(q.explanation[lang]);
        const choiceText = (k: number): string => q.choices![k]!.text[lang];
        switch (q.answer.type) {
          case 'number':
            expect({ type: p['type'], choices: p['choices'] }).toEqual({ type: 'Numerical', choices: { type: 'range', number: q.answer.value, range: 0 } });
            break;
          case 'choice': {
            expect(p['type']).toBe('MC');
            const right = p['choices'].filter((c: any) => c.isCorrect).map((c: any) => stripHtml(c.text.text));
            expect(right).toEqual([choiceText(q.answer.index)]);
            break;
          }
          case 'choices': {
            expect(p['type']).toBe('MC');
            const weighted = p['choices'].filter((c: any) => c.weight > 0).map((c: any) => stripHtml(c.text.text));
            expect(weighted).toEqual(q.answer.indices.map(choiceText));
            const total = p['choices'].filter((c: any) => c.weight > 0).reduce((sum: number, c: any) => sum + c.weight, 0);
            expect(total).toBeCloseTo(100, 3);
            break;
          }
          case 'order': {
            expect(p['type']).toBe('Matching');
            const pairs = p['matchPairs'].map((m: any) => stripHtml(m.subquestion.text));
            expect(pairs).toEqual(q.answer.indices.map(choiceText));
            break;
          }
        }
      });
    });
  }
});

describe('Moodle XML', () => {
  const children = (e: XmlElement, name: string): XmlElement[] => e.children.filter((c) => c.name === name);
  const child = (e: XmlElement, name: string): XmlElement => {
    const found = children(e, name);
    if (found.length !== 1) throw new Error(`<${e.name}> has ${found.length} <${name}>`);
    return found[0]!;
  };
  const textOf = (e: XmlElement): string => child(e, 'text').text;

  it('is well-formed, with a category and one <question> per question, each with the documented elements of its type', () => {
    const document = quizToMoodleXml(quiz, 'en');
    expect(document.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')).toBe(true);
    const root = parseXml(document.replace(/^<\?xml[^>]*\?>\n/, ''));
    expect(root.name).toBe('quiz');
    const [category, ...questions] = children(root, 'question');
    expect(category!.attrs['type']).toBe('category');
    expect(questions).toHaveLength(quiz.questions.length);
    questions.forEach((element, i) => {
      const q: Question = quiz.questions[i]!;
      expect(textOf(child(element, 'name'))).toBe(`${q.id} ${q.kind}`);
      expect(child(element, 'questiontext').attrs['format']).toBe('html');
      expect(stripHtml(textOf(child(element, 'questiontext')))).toContain(q.prompt.en);
      expect(stripHtml(textOf(child(element, 'generalfeedback')))).toBe(q.explanation.en);
      const answers = children(element, 'answer');
      const answerText = (a: XmlElement): string => stripHtml(textOf(a));
      switch (q.answer.type) {
        case 'number':
          expect(element.attrs['type']).toBe('numerical');
          expect(answers.map((a) => [a.attrs['fraction'], answerText(a), child(a, 'tolerance').text])).toEqual([['100', String(q.answer.value), '0']]);
          break;
        case 'choice':
          expect({ type: element.attrs['type'], single: child(element, 'single').text }).toEqual({ type: 'multichoice', single: 'true' });
          expect(answers.filter((a) => a.attrs['fraction'] === '100').map(answerText)).toEqual([q.choices![q.answer.index]!.text.en]);
          expect(answers).toHaveLength(q.choices!.length);
          break;
        case 'choices': {
          expect({ type: element.attrs['type'], single: child(element, 'single').text }).toEqual({ type: 'multichoice', single: 'false' });
          const right = answers.filter((a) => Number(a.attrs['fraction']) > 0);
          expect(right.map(answerText)).toEqual(q.answer.indices.map((k) => q.choices![k]!.text.en));
          expect(right.reduce((sum, a) => sum + Number(a.attrs['fraction']), 0)).toBeCloseTo(100, 3);
          break;
        }
        case 'order':
          expect(element.attrs['type']).toBe('ordering');
          expect(child(element, 'gradingtype').text).toBe('ABSOLUTE_POSITION');
          expect(answers.map(answerText)).toEqual(q.answer.indices.map((k) => q.choices![k]!.text.en));
          break;
      }
    });
  });

  it('writes Chinese as it is, escaped where XML needs it', () => {
    const document = quizToMoodleXml(quiz, 'zh-CN');
    const root = parseXml(document.replace(/^<\?xml[^>]*\?>\n/, ''));
    const questions = children(root, 'question').slice(1);
    expect(questions).toHaveLength(quiz.questions.length);
    questions.forEach((element, i) => {
      expect(stripHtml(textOf(child(element, 'questiontext')))).toContain(quiz.questions[i]!.prompt['zh-CN']);
      expect(stripHtml(textOf(child(element, 'generalfeedback')))).toBe(quiz.questions[i]!.explanation['zh-CN']);
    });
  });
});
