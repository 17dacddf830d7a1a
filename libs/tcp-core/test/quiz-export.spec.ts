import { parse as parseGift } from 'gift-pegjs';
import {
  diagramDataUri,
  generateQuiz,
  QUESTION_KINDS,
  questionDiagram,
  questionToQti21,
  quizToGift,
  quizToMoodleXml,
  quizToQti12,
  quizToQti21Package,
  scenario,
  scenarioQuizSource,
  type Question,
  type Quiz,
} from '../src';
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

describe('QTI 1.2 (Canvas)', () => {
  const children = (e: XmlElement, name: string): XmlElement[] => e.children.filter((c) => c.name === name);
  const find = (e: XmlElement, name: string): XmlElement[] => [...children(e, name), ...e.children.flatMap((c) => find(c, name))];

  it('is a well-formed questestinterop with one item per question, its Canvas question_type, and the right answer scored 100', () => {
    const root = parseXml(quizToQti12(quiz, 'en').replace(/^<\?xml[^>]*\?>\n/, ''));
    expect(root.name).toBe('questestinterop');
    expect(root.attrs['xmlns']).toBe('http://www.imsglobal.org/xsd/ims_qtiasiv1p2');
    const items = find(root, 'item');
    expect(items.map((i) => i.attrs['ident'])).toEqual(quiz.questions.map((q) => q.id));
    items.forEach((element, k) => {
      const q = quiz.questions[k]!;
      const metadata = Object.fromEntries(find(element, 'qtimetadatafield').map((f) => [children(f, 'fieldlabel')[0]!.text, children(f, 'fieldentry')[0]!.text]));
      const expectedType = { choice: 'multiple_choice_question', choices: 'multiple_answers_question', number: 'numerical_question', order: 'matching_question' }[q.answer.type];
      expect(metadata).toEqual({ question_type: expectedType, points_possible: '1.0' });
      const scoring = find(element, 'respcondition').filter((c) => find(c, 'setvar').length > 0);
      const equal = (c: XmlElement): string[] => find(c, 'varequal').map((v) => v.text);
      switch (q.answer.type) {
        case 'choice':
          expect(scoring.map(equal)).toEqual([[`${q.id}_${q.answer.index}`]]);
          break;
        case 'choices': {
          const notWrong = find(scoring[0]!, 'not').flatMap((n) => find(n, 'varequal').map((v) => v.text));
          expect(equal(scoring[0]!).filter((v) => !notWrong.includes(v))).toEqual(q.answer.indices.map((i) => `${q.id}_${i}`));
          break;
        }
        case 'number':
          expect(find(scoring[0]!, 'varequal')[0]!.text).toBe(String(q.answer.value));
          expect(find(scoring[0]!, 'vargte')[0]!.text).toBe(String(q.answer.value));
          expect(find(scoring[0]!, 'varlte')[0]!.text).toBe(String(q.answer.value));
          break;
        case 'order': {
          const answer = q.answer;
          expect(scoring.map((c) => [find(c, 'varequal')[0]!.attrs['respident'], equal(c)[0]])).toEqual(
            answer.indices.map((shown, position) => [`response_${q.id}_${shown}`, `${q.id}_pos${position + 1}`]),
          );
          break;
        }
      }
      expect(stripHtml(find(element, 'itemfeedback')[0]!.children.length ? find(find(element, 'itemfeedback')[0]!, 'mattext')[0]!.text : '')).toBe(q.explanation.en);
    });
  });
});

describe('QTI 2.1 content package', () => {
  /** The stored files of a ZIP, read from its central directory; each checked against zlib's CRC-32. */
  function unzip(bytes: Uint8Array): Map<string, string> {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const end = bytes.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    const count = view.getUint16(end + 10, true);
    let at = view.getUint32(end + 16, true);
    const files = new Map<string, string>();
    for (let i = 0; i < count; i++) {
      expect(view.getUint32(at, true)).toBe(0x02014b50);
      const crc = view.getUint32(at + 16, true);
      const size = view.getUint32(at + 20, true);
      const nameLength = view.getUint16(at + 28, true);
      const offset = view.getUint32(at + 42, true);
      const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
      expect(view.getUint32(offset, true)).toBe(0x04034b50);
      const dataAt = offset + 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true);
      const data = bytes.subarray(dataAt, dataAt + size);
      expect(crc).toBe(require('node:zlib').crc32(data));
      files.set(name, new TextDecoder().decode(data));
      at += 46 + nameLength;
    }
    return files;
  }
  const children = (e: XmlElement, name: string): XmlElement[] => e.children.filter((c) => c.name === name);
  const find = (e: XmlElement, name: string): XmlElement[] => [...children(e, name), ...e.children.flatMap((c) => find(c, name))];

  it('is a ZIP whose manifest lists one imsqti_item_xmlv2p1 resource per question, each file present', () => {
    const files = unzip(quizToQti21Package(quiz, 'en'));
    const manifest = parseXml(files.get('imsmanifest.xml')!.replace(/^<\?xml[^>]*\?>\n/, ''));
    const resources = find(manifest, 'resource');
    expect(resources.map((r) => [r.attrs['identifier'], r.attrs['type'], r.attrs['href']])).toEqual(quiz.questions.map((q) => [q.id, 'imsqti_item_xmlv2p1', `items/${q.id}.xml`]));
    expect([...files.keys()].sort()).toEqual(['imsmanifest.xml', ...quiz.questions.map((q) => `items/${q.id}.xml`)].sort());
  });

  it('each assessmentItem declares the right response, the interaction of its kind, response processing and the explanation', () => {
    const files = unzip(quizToQti21Package(quiz, 'zh-CN'));
    for (const q of quiz.questions) {
      const item = parseXml(files.get(`items/${q.id}.xml`)!.replace(/^<\?xml[^>]*\?>\n/, ''));
      expect({ name: item.name, ns: item.attrs['xmlns'], id: item.attrs['identifier'] }).toEqual({ name: 'assessmentItem', ns: 'http://www.imsglobal.org/xsd/imsqti_v2p1', id: q.id });
      const declaration = find(item, 'responseDeclaration')[0]!;
      const values = find(declaration, 'value').map((v) => v.text);
      const interaction = { choice: 'choiceInteraction', choices: 'choiceInteraction', number: 'textEntryInteraction', order: 'orderInteraction' }[q.answer.type];
      expect(find(item, interaction)).toHaveLength(1);
      switch (q.answer.type) {
        case 'choice':
          expect({ c: declaration.attrs['cardinality'], v: values }).toEqual({ c: 'single', v: [`${q.id}_${q.answer.index}`] });
          break;
        case 'choices':
          expect({ c: declaration.attrs['cardinality'], v: values }).toEqual({ c: 'multiple', v: q.answer.indices.map((i) => `${q.id}_${i}`) });
          break;
        case 'number':
          expect({ c: declaration.attrs['cardinality'], t: declaration.attrs['baseType'], v: values }).toEqual({ c: 'single', t: 'string', v: [String(q.answer.value)] });
          break;
        case 'order':
          expect({ c: declaration.attrs['cardinality'], v: values }).toEqual({ c: 'ordered', v: q.answer.indices.map((i) => `${q.id}_${i}`) });
          break;
      }
      expect(find(item, 'responseProcessing')).toHaveLength(1);
      expect(find(find(item, 'responseIf')[0]!, 'correct')).toHaveLength(1);
      expect(find(find(item, 'modalFeedback')[0]!, 'p')[0]!.text).toContain(q.explanation['zh-CN'].split('\n')[0]!);
    }
  });

  it('the same quiz gives the same bytes', () => {
    expect(quizToQti21Package(quiz, 'en')).toEqual(quizToQti21Package(quiz, 'en'));
  });
});

describe('diagrams in the exports', () => {
  it('a question with a diagram carries it as an <img> SVG data: URI in GIFT, Moodle XML, QTI 1.2 and QTI 2.1; one without does not', () => {
    const drawn = quiz.questions.find((q) => q.diagram)!;
    const undrawn = quiz.questions.find((q) => q.kind === 'order')!;
    const uri = diagramDataUri(questionDiagram(quiz, drawn, 'en')!);
    const gift = parseGift(quizToGift(quiz, 'en')) as unknown as Array<{ title: string; stem: { text: string } }>;
    expect(gift.find((g) => g.title.startsWith(`${drawn.id} `))!.stem.text).toContain(`src="${uri}"`);
    expect(gift.find((g) => g.title.startsWith(`${undrawn.id} `))!.stem.text).not.toContain('<img');
    const moodle = parseXml(quizToMoodleXml(quiz, 'en').replace(/^<\?xml[^>]*\?>\n/, ''));
    const moodleText = (id: string): string =>
      moodle.children.find((c) => c.children.some((n) => n.name === 'name' && n.children[0]!.text.startsWith(`${id} `)))!.children.find((c) => c.name === 'questiontext')!.children[0]!.text;
    expect(moodleText(drawn.id)).toContain(`src="${uri}"`);
    expect(moodleText(undrawn.id)).not.toContain('<img');
    expect(quizToQti12(quiz, 'en')).toContain(`src=&quot;${uri}&quot;`);
    const item = parseXml(questionToQti21(quiz, drawn, 'en').replace(/^<\?xml[^>]*\?>\n/, ''));
    const img = elementsNamed(item, 'img');
    expect(img.map((e) => e.attrs['src'])).toEqual([uri]);
  });
});

function elementsNamed(root: XmlElement, name: string): XmlElement[] {
  return [...(root.name === name ? [root] : []), ...root.children.flatMap((c) => elementsNamed(c, name))];
}
