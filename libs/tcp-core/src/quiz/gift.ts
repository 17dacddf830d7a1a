/**
 * GIFT, Moodle's plain-text question format (docs.moodle.org/en/GIFT_format): multiple choice `{=right ~wrong}`,
 * multiple answer with weights `{~%50%a ~%-100%b}`, numerical `{#n:0}` (tolerance 0: exact), ordering as a
 * matching question (each segment to its position, GIFT has no ordering type), general feedback after `####`.
 * Text is [html]; the characters GIFT reserves are escaped.
 */
import type { Language } from '../render/messages';
import { explanationHtml, fraction, ordinal, questionHtml } from './lms-text';
import type { Question, Quiz } from './types';

/** GIFT reserves ~ = # { } : and the backslash itself. */
function escapeGift(text: string): string {
  return text.replace(/[\\~=#{}:]/g, (c) => `\\${c}`);
}

const html = (text: string): string => escapeGift(text.replace(/\n/g, '<br>'));

function answers(q: Question, lang: Language): string {
  const feedback = `####${html(explanationHtml(q, lang))}`;
  const choice = (i: number): string => html(q.choices![i]!.text[lang]);
  const choiceFeedback = (i: number): string => {
    const f = q.choices![i]!.feedback;
    return f ? `#${html(f[lang])}` : '';
  };
  switch (q.answer.type) {
    case 'number':
      return `{#${q.answer.value}:0 ${feedback}}`;
    case 'choice': {
      const right = q.answer.index;
      return `{${q.choices!.map((_, i) => `${i === right ? '=' : '~'}${choice(i)}${choiceFeedback(i)}`).join(' ')} ${feedback}}`;
    }
    case 'choices': {
      const right = new Set(q.answer.indices);
      const wrong = q.choices!.length - right.size;
      return `{${q.choices!.map((_, i) => `~%${right.has(i) ? fraction(1, right.size) : fraction(-1, wrong)}%${choice(i)}`).join(' ')} ${feedback}}`;
    }
    case 'order':
      return `{${q.answer.indices.map((shown, position) => `=${choice(shown)} -> ${escapeGift(ordinal(position + 1, lang))}`).join(' ')} ${feedback}}`;
  }
}

export function quizToGift(quiz: Quiz, lang: Language): string {
  return quiz.questions
    .map((q) => `// ${q.id}: ${q.kind}\n::${q.id} ${q.kind}::[html]${html(questionHtml(quiz, q, lang))} ${answers(q, lang)}\n`)
    .join('\n');
}
