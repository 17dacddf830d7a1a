/**
 * QTI 2.1 as a content package (a ZIP with imsmanifest.xml and one assessmentItem per question): choiceInteraction
 * (one or several right choices), textEntryInteraction (an integer, exact) and orderInteraction, each with its
 * correct response, response processing that sets SCORE to 1 or 0, and the explanation as modal feedback.
 */
import type { Language } from '../render/messages';
import { escapeHtml, explanationHtml, questionHtml } from './lms-text';
import type { Question, Quiz } from './types';
import { zip } from './zip';

const x = escapeHtml;
/** itemBody is XHTML: line breaks self-closed. */
const xhtml = (html: string): string => html.replace(/<br>/g, '<br/>');
const NS =
  'xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xsi:schemaLocation="http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd"';

function declaration(q: Question): { cardinality: string; baseType: string; values: string[] } {
  switch (q.answer.type) {
    case 'choice':
      return { cardinality: 'single', baseType: 'identifier', values: [`${q.id}_${q.answer.index}`] };
    case 'choices':
      return { cardinality: 'multiple', baseType: 'identifier', values: q.answer.indices.map((i) => `${q.id}_${i}`) };
    case 'number':
      // QTI's integer is 32-bit signed; sequence numbers go to 2^32 − 1: matched exactly, as text.
      return { cardinality: 'single', baseType: 'string', values: [String(q.answer.value)] };
    case 'order':
      return { cardinality: 'ordered', baseType: 'identifier', values: q.answer.indices.map((i) => `${q.id}_${i}`) };
  }
}

function interaction(q: Question, lang: Language): string {
  const choices = (tag: string): string => q.choices!.map((c, i) => `<${tag} identifier="${q.id}_${i}">${x(c.text[lang])}</${tag}>`).join('');
  switch (q.answer.type) {
    case 'choice':
      return `<choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">${choices('simpleChoice')}</choiceInteraction>`;
    case 'choices':
      return `<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="0">${choices('simpleChoice')}</choiceInteraction>`;
    case 'number':
      return '<p><textEntryInteraction responseIdentifier="RESPONSE" expectedLength="10"/></p>';
    case 'order':
      return `<orderInteraction responseIdentifier="RESPONSE" shuffle="true">${choices('simpleChoice')}</orderInteraction>`;
  }
}

export function questionToQti21(quiz: Quiz, q: Question, lang: Language): string {
  const { cardinality, baseType, values } = declaration(q);
  const score = (value: number): string => `<setOutcomeValue identifier="SCORE"><baseValue baseType="float">${value}</baseValue></setOutcomeValue>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<assessmentItem ${NS} identifier="${q.id}" title="${x(`${q.id} ${q.kind}`)}" adaptive="false" timeDependent="false">`,
    `  <responseDeclaration identifier="RESPONSE" cardinality="${cardinality}" baseType="${baseType}"><correctResponse>${values.map((v) => `<value>${v}</value>`).join('')}</correctResponse></responseDeclaration>`,
    '  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>',
    '  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>',
    `  <itemBody><div>${xhtml(questionHtml(quiz, q, lang))}</div>${interaction(q, lang)}</itemBody>`,
    '  <responseProcessing>',
    `    <responseCondition><responseIf><match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>${score(1)}</responseIf><responseElse>${score(0)}</responseElse></responseCondition>`,
    '    <setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">EXPLANATION</baseValue></setOutcomeValue>',
    '  </responseProcessing>',
    `  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="EXPLANATION" showHide="show">${xhtml(explanationHtml(q, lang))}</modalFeedback>`,
    '</assessmentItem>',
    '',
  ].join('\n');
}

export function qti21Manifest(quiz: Quiz): string {
  const resources = quiz.questions.map((q) => `    <resource identifier="${q.id}" type="imsqti_item_xmlv2p1" href="items/${q.id}.xml"><file href="items/${q.id}.xml"/></resource>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="tcplab_quiz_${quiz.seed}">`,
    '  <metadata><schema>QTIv2.1 Package</schema><schemaversion>1.0.0</schemaversion></metadata>',
    '  <organizations/>',
    '  <resources>',
    ...resources,
    '  </resources>',
    '</manifest>',
    '',
  ].join('\n');
}

/** The quiz as a QTI 2.1 content package (ZIP bytes). */
export function quizToQti21Package(quiz: Quiz, lang: Language): Uint8Array {
  return zip([{ name: 'imsmanifest.xml', content: qti21Manifest(quiz) }, ...quiz.questions.map((q) => ({ name: `items/${q.id}.xml`, content: questionToQti21(quiz, q, lang) }))]);
}
