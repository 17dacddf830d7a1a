/**
 * A teaching scenario is plain data: a fixed ConnectionOptions and a list of
 * tcp-core Inputs, each with a short explanation in English and Simplified
 * Chinese and the state both endpoints must be in after it. Being data, a
 * scenario can be stored, listed by the service and replayed step by step;
 * play.ts runs it with the real simulator, nothing is precomputed.
 */
import type { ConnectionOptions } from '../connection';
import type { Language } from '../render/messages';
import type { State } from '../state';
import type { Input } from '../step';

/** The same text in every language the message catalogue speaks. */
export type Localized<T = string> = Readonly<Record<Language, T>>;

/** The same text in English and in Chinese. */
export function localized(en: string, zh: string): Localized {
  return { en, 'zh-CN': zh };
}

export interface ScenarioStep {
  /** Exactly one simulator input. */
  readonly input: Input;
  /** What the step shows, quoting its exact numbers (zh-CN uses the terms of shared/GLOSSARY.md). */
  readonly text: Localized;
  /** The states of both endpoints once the input has been applied. */
  readonly expect: Readonly<{ client: State; server: State }>;
}

export interface Scenario {
  /** Stable, URL-safe: the service addresses scenarios by it. */
  readonly id: string;
  readonly title: Localized;
  readonly summary: Localized;
  readonly learning_goals: Localized<readonly string[]>;
  /** RFC 9293 sections the scenario illustrates, e.g. '3.5', '3.10.7.4'. */
  readonly rfc: readonly string[];
  /** Always with fixed ISNs (and a seed for any later draw), so that every number in the texts is stable. */
  readonly options: ConnectionOptions;
  readonly steps: readonly ScenarioStep[];
}
