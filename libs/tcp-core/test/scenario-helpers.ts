/**
 * Helpers for end-to-end scenarios: a connection stepped one input at a time,
 * with both endpoints' states and every segment on the wire checked after
 * each step. Segments are compared as compact strings with exact numbers:
 *
 *   'client>server S seq=1000'
 *   'server>client S. seq=5000 ack=1001'
 *   'client>server P. seq=1001 ack=5001 len=21'
 *
 * Flags use tcpdump's letters (S F R P . U); `ack=` appears only when the
 * ACK bit is set, `len=` only when the segment carries data.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import {
  ACK,
  createConnection,
  flagsFromNames,
  step,
  tcpdumpFlags,
  type CallName,
  type Connection,
  type ConnectionOptions,
  type FlagName,
  type Input,
  type NetworkAction,
  type Segment,
  type SendData,
  type Side,
  type State,
  type StepResult,
} from '../src';

/** Flags as a bit set from their names: `F('SYN', 'ACK')`. */
export function F(...names: FlagName[]): number {
  return flagsFromNames(names);
}

/** One segment as a compact string with its exact numbers. */
export function wire(s: Segment): string {
  const parts = [`${s.from}>${s.to}`, tcpdumpFlags(s.flags), `seq=${s.seq}`];
  if (s.flags & ACK) parts.push(`ack=${s.ack}`);
  if (s.length > 0) parts.push(`len=${s.length}`);
  return parts.join(' ');
}

/** base64 of an ASCII string, as payloads are carried. */
export function b64(text: string): string {
  return Buffer.from(text, 'latin1').toString('base64');
}

export function call(endpoint: Side, name: CallName, extra: { data?: Partial<SendData>; network?: NetworkAction } = {}): Input {
  return { type: 'call', endpoint, call: name, ...extra };
}

export function advance(ms: number): Input {
  return { type: 'advance', ms };
}

/** What a step is expected to leave behind: [client state, server state], and the segments it put on the wire. */
export type States = [client: State, server: State];

/**
 * A connection driven step by step. Every `step` asserts the outcome is ok,
 * both endpoints' states, and the exact segments sent during the step, so a
 * scenario reads as a table of (input → states, wire).
 */
export class Scenario {
  connection: Connection;
  /** Every segment put on the wire so far, in order. */
  readonly trace: Segment[] = [];

  constructor(options: ConnectionOptions) {
    this.connection = createConnection(options);
  }

  get client(): Connection['client'] {
    return this.connection.client;
  }

  get server(): Connection['server'] {
    return this.connection.server;
  }

  get clock(): number {
    return this.connection.clock_ms;
  }

  step(input: Input, states: States, segments: string[]): StepResult {
    const result = step(this.connection, input);
    expect({
      outcome: result.outcome.ok ? 'ok' : result.outcome.error,
      states: [result.connection.client.state, result.connection.server.state],
      wire: result.segments.map(wire),
    }).toEqual({ outcome: 'ok', states, wire: segments });
    this.connection = result.connection;
    this.trace.push(...result.segments);
    return result;
  }

  /** Segments in flight, as compact strings, oldest first. */
  inFlight(): string[] {
    return this.connection.network.in_flight.map(wire);
  }

  /** The id of the one segment in flight that prints as `compact`. */
  idOf(compact: string): number {
    const matches = this.connection.network.in_flight.filter((s) => wire(s) === compact);
    if (matches.length !== 1) {
      throw new Error(`expected one segment in flight as "${compact}", found ${matches.length}; in flight: [${this.inFlight().join(' | ')}]`);
    }
    return matches[0]!.id;
  }

  /** Deliver the segment in flight that prints as `compact`. */
  deliver(compact: string, states: States, segments: string[]): StepResult {
    return this.step({ type: 'deliver', segment_id: this.idOf(compact), action: 'deliver' }, states, segments);
  }

  /** The network loses the segment in flight that prints as `compact`. */
  drop(compact: string, states: States): StepResult {
    return this.step({ type: 'deliver', segment_id: this.idOf(compact), action: 'drop' }, states, []);
  }
}

/** Event codes of a step, optionally only those at one endpoint, in order. */
export function codes(result: StepResult, side?: Side | null): string[] {
  return result.events.filter((e) => side === undefined || e.endpoint === side).map((e) => e.code);
}

/** The lines of a capture in `test/fixtures/`, without the trailing empty line. */
export function readCapture(name: string): string[] {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

/**
 * A tcpdump line reduced to what the simulator must reproduce: no time column,
 * port 22 as a number (tcpdump 4.9 prints `ssh` even with -n), and TS values
 * masked (they come from each host's clock).
 */
export function normaliseTcpdump(line: string): string {
  return line
    .replace(/^\d\d:\d\d:\d\d\.\d{6} /, '')
    .replace(/\.ssh([ :])/g, '.22$1')
    .replace(/TS val \d+ ecr \d+/g, 'TS val * ecr *');
}

/** The seed capture's sockets and numbers (fixtures/README.md). */
export const SEED_CLIENT = { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200, mss: 1460, wscale: 7 };
export const SEED_SERVER = { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960, mss: 1460, wscale: 7 };
/** The 21-octet version banner both ends of the seed capture send. */
export const SSH_BANNER = 'SSH-2.0-OpenSSH_7.4\r\n';
