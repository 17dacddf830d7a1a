/**
 * Grading, one point per question, all or nothing: the chosen index; exactly the right set of indices (multiple
 * answer); the exact number (numerical, tolerance 0); every item in its place (ordering).
 */
import type { Answer, Question } from './types';

/** An answer as a learner sends it: an index, a list of indices, or a number. */
export type Given = number | readonly number[];

/** The answer in the form a learner gives it. */
export function answerValue(answer: Answer): number | number[] {
  switch (answer.type) {
    case 'choice':
      return answer.index;
    case 'number':
      return answer.value;
    case 'choices':
    case 'order':
      return [...answer.indices];
  }
}

/** Null when `given` has the wrong shape for the question (a list where a number belongs, an index out of range). */
export function checkShape(question: Question, given: unknown): Given | null {
  const choices = question.choices?.length ?? 0;
  const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < choices;
  switch (question.answer.type) {
    case 'choice':
      return isIndex(given) ? given : null;
    case 'number':
      return Number.isInteger(given) && (given as number) >= 0 && (given as number) <= 0xffff_ffff ? (given as number) : null;
    case 'choices':
      return Array.isArray(given) && given.length <= choices && given.every(isIndex) && new Set(given).size === given.length ? given : null;
    case 'order':
      return Array.isArray(given) && given.length === choices && given.every(isIndex) && new Set(given).size === given.length ? given : null;
  }
}

export function isCorrect(question: Question, given: Given | null): boolean {
  if (given === null) return false;
  const answer = question.answer;
  switch (answer.type) {
    case 'choice':
      return given === answer.index;
    case 'number':
      return given === answer.value;
    case 'choices': {
      const set = new Set(Array.isArray(given) ? given : [given]);
      return set.size === answer.indices.length && answer.indices.every((i) => set.has(i));
    }
    case 'order':
      return Array.isArray(given) && given.length === answer.indices.length && given.every((v, i) => v === answer.indices[i]);
  }
}
