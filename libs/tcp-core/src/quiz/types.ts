/**
 * A quiz is data: questions whose answers were computed by running the simulator, each with its context (the
 * segments so far, as tcpdump prints them) and an explanation in every language of the message catalogue.
 * Exporters (gift.ts, moodle-xml.ts) write it in the formats LMSs import.
 */
import type { ConnectionOptions } from '../connection';
import type { Input } from '../step';
import type { Localized } from '../scenarios/types';

export const QUESTION_KINDS = ['next_state', 'ack_number', 'seq_number', 'flags', 'wrong_field', 'order', 'why'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface Choice {
  readonly text: Localized;
  /** Shown to a student who picks this choice (wrong choices say why they are wrong). */
  readonly feedback: Localized | null;
}

/** The one right answer, in the terms of the question's choices (indices into `choices`). */
export type Answer =
  /** Multiple choice: next_state, wrong_field, why. */
  | { readonly type: 'choice'; readonly index: number }
  /** Multiple answer: every index that is right (flags). */
  | { readonly type: 'choices'; readonly indices: readonly number[] }
  /** A number, exact (ack_number, seq_number). */
  | { readonly type: 'number'; readonly value: number }
  /** Ordering: the choices, as shown, put in their right order (indices into `choices`). */
  | { readonly type: 'order'; readonly indices: readonly number[] };

export interface Question {
  /** q1, q2, … in the quiz. */
  readonly id: string;
  readonly kind: QuestionKind;
  readonly prompt: Localized;
  /** The segments on the wire before the question's moment, as tcpdump -S prints them (no time column). */
  readonly context: readonly string[];
  /** Multiple choice, multiple answer and ordering: what the student chooses from (ordering: shuffled). */
  readonly choices: readonly Choice[] | null;
  readonly answer: Answer;
  readonly explanation: Localized;
  /** Where in the run the question comes from: the input's index and the segment it is about, if any. */
  readonly source: { readonly step: number; readonly segment_id: number | null };
  /** Whether a sequence diagram of the run before `source.step` helps, and has an arrow to draw (diagram.ts). */
  readonly diagram: boolean;
}

export interface Quiz {
  readonly seed: number;
  /** The connection the questions come from, with the numbers the seed drew. */
  readonly options: ConnectionOptions;
  /** The run's inputs: with `options`, what diagrams are drawn from. */
  readonly inputs: readonly Input[];
  readonly questions: readonly Question[];
}
