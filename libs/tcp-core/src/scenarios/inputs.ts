/**
 * Small builders for the scenario modules, so that a step reads as one line
 * of intent (`deliver(2)`, `advance(1000)`) while staying a plain tcp-core
 * Input. Segment ids are the network's own: it numbers every segment put on
 * the wire from 1, in order, so a scenario can name the one it delivers.
 */
import type { CallName, SendData } from '../calls';
import type { ConnectionOptions } from '../connection';
import type { NetworkAction } from '../context';
import type { DeliveryAction } from '../network';
import { encodeBase64 } from '../payload';
import type { Side } from '../segment';
import type { State } from '../state';
import type { Input } from '../step';
import type { ScenarioStep } from './types';

export function call(endpoint: Side, name: CallName, extra: { data?: Partial<SendData>; network?: NetworkAction } = {}): Input {
  return { type: 'call', endpoint, call: name, ...extra };
}

function onSegment(segmentId: number, action: DeliveryAction): Input {
  return { type: 'deliver', segment_id: segmentId, action };
}

/** The network delivers segment #id now. */
export function deliver(segmentId: number): Input {
  return onSegment(segmentId, 'deliver');
}

/** The network loses segment #id. */
export function drop(segmentId: number): Input {
  return onSegment(segmentId, 'drop');
}

export function advance(ms: number): Input {
  return { type: 'advance', ms };
}

/** An ASCII string as the base64 payload tcp-core carries (no Buffer: the core runs in a browser too). */
export function ascii(text: string): string {
  return encodeBase64(Uint8Array.from(text, (c) => c.charCodeAt(0)));
}

/** One step: its input, the states it leaves both endpoints in, and its text in both languages. */
export function teach(input: Input, client: State, server: State, en: string, zh: string): ScenarioStep {
  return { input, expect: { client, server }, text: { en, 'zh-CN': zh } };
}

/**
 * The options most scenarios share: ISNs 1000 and 5000 (small numbers a
 * student can follow), and auto delivery off so that every segment crosses
 * the network in a step of its own and no state is skipped. Seed 1 fixes
 * every later random draw (timestamps, the ISN of a second incarnation).
 */
export const STEPWISE: ConnectionOptions = { seed: 1, auto_deliver: false, client: { isn: 1000 }, server: { isn: 5000 } };

/** The same numbers with every segment delivered as soon as it is sent. */
export const AUTO: ConnectionOptions = { ...STEPWISE, auto_deliver: true };

/** TIME_WAIT under the default rfc9293 profile: 2 × MSL of 30 s, as on Linux. */
export const TWO_MSL_MS = 60_000;
