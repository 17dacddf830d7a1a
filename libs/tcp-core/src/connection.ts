import { nextUint32, seedState } from './prng';
import type { Segment, Side } from './segment';
import type { Endpoint, EndpointConfig } from './tcb';

/**
 * A connection is two endpoints, the network between them and a simulated
 * clock: plain data that serialises to JSON and back without loss, so that a
 * service can store it and continue later with the same result.
 */

/**
 * Which rules apply where RFC 793 (what most textbooks teach) and RFC 9293
 * with RFC 5961 (what Linux does) differ: a SYN or an in-window but inexact
 * RST in a synchronized state, an ACK far below SND.UNA, and the default MSL.
 */
export type Profile = 'rfc9293' | 'rfc793';

/** auto: both stacks answer by themselves. manual: the caller sends every answer, and each is validated. */
export type Mode = 'auto' | 'manual';

export interface ConnectionConfig {
  profile: Profile;
  mode: Mode;
  /** Maximum segment lifetime; TIME_WAIT lasts 2 × MSL (RFC 9293 §3.4.2). */
  msl_ms: number;
  /** Initial retransmission timeout (RFC 6298 §2.1: 1 second). */
  rto_ms: number;
  /** Ceiling of the doubled RTO (RFC 6298 §2.5; Linux TCP_RTO_MAX is 120 s). */
  max_rto_ms: number;
  /** Retransmissions of an active opener's SYN before giving up (Linux tcp_syn_retries: 6). */
  syn_retries: number;
  /** Retransmissions of a passive opener's SYN,ACK before the half-open connection is dropped (Linux tcp_synack_retries: 5). */
  synack_retries: number;
  /** Retransmissions of anything else before giving up (RFC 9293 §3.8.3 R2; Linux tcp_retries2: 15). */
  retries: number;
  /** RFC 9293 §3.8.3 user timeout: how long sent data may stay unacknowledged; null = off (Linux default). */
  user_timeout_ms: number | null;
}

export interface Network {
  /** Deliver every segment as soon as it is sent; false keeps all of them in flight until told. */
  auto_deliver: boolean;
  /** Probability that an automatically delivered segment is lost, drawn from the seeded PRNG. */
  loss_rate: number;
  /**
   * Segments sent and not yet delivered or dropped, in the order they were
   * sent: those held by the caller, or all of them while auto_deliver is off.
   */
  in_flight: Segment[];
  next_segment_id: number;
}

export interface Connection {
  config: ConnectionConfig;
  clock_ms: number;
  /** PRNG state: every random draw (ISNs, TS offsets, losses) comes from here. */
  rng: number;
  network: Network;
  client: Endpoint;
  server: Endpoint;
}

export interface EndpointOptions {
  ip?: string;
  port?: number;
  isn?: number | null;
  window?: number;
  mss?: number;
  wscale?: number | null;
  sack_permitted?: boolean;
  timestamps?: boolean;
}

export interface ConnectionOptions {
  client?: EndpointOptions;
  server?: EndpointOptions;
  seed?: number;
  profile?: Profile;
  mode?: Mode;
  msl_ms?: number;
  rto_ms?: number;
  max_rto_ms?: number;
  syn_retries?: number;
  synack_retries?: number;
  retries?: number;
  user_timeout_ms?: number | null;
  auto_deliver?: boolean;
  loss_rate?: number;
}

/** Linux defaults: the SYN windows of a current kernel (64240 = 44 × 1460, 65160 = 45 × 1448), MSS 1460, wscale 7. */
const CLIENT_DEFAULTS: EndpointConfig = {
  ip: '10.0.0.1',
  port: 49152,
  isn: null,
  window: 64240,
  mss: 1460,
  wscale: 7,
  sack_permitted: true,
  timestamps: true,
};

const SERVER_DEFAULTS: EndpointConfig = { ...CLIENT_DEFAULTS, ip: '10.0.0.2', port: 80, window: 65160 };

/** RFC 793 suggests an MSL of 2 minutes; Linux's TIME_WAIT is 60 s, i.e. an MSL of 30 s. */
export function defaultMsl(profile: Profile): number {
  return profile === 'rfc793' ? 120_000 : 30_000;
}

function newEndpoint(side: Side, config: EndpointConfig, tsOffset: number): Endpoint {
  return { side, config, state: 'CLOSED', opened: null, tcb: null, timers: [], owed: [], ts_offset: tsOffset, incarnation: 0, oow_ack_at_ms: null };
}

function withoutUndefined<T extends object>(options: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function createConnection(options: ConnectionOptions = {}): Connection {
  const profile = options.profile ?? 'rfc9293';
  let rng = seedState(options.seed ?? 0);
  const draw = (): number => {
    const next = nextUint32(rng);
    rng = next.state;
    return next.value;
  };
  const clientTs = draw();
  const serverTs = draw();
  return {
    config: {
      profile,
      mode: options.mode ?? 'auto',
      msl_ms: options.msl_ms ?? defaultMsl(profile),
      rto_ms: options.rto_ms ?? 1_000,
      max_rto_ms: options.max_rto_ms ?? 120_000,
      syn_retries: options.syn_retries ?? 6,
      synack_retries: options.synack_retries ?? 5,
      retries: options.retries ?? 15,
      user_timeout_ms: options.user_timeout_ms ?? null,
    },
    clock_ms: 0,
    rng,
    network: {
      auto_deliver: options.auto_deliver ?? true,
      loss_rate: options.loss_rate ?? 0,
      in_flight: [],
      next_segment_id: 1,
    },
    client: newEndpoint('client', { ...CLIENT_DEFAULTS, ...withoutUndefined(options.client) }, clientTs),
    server: newEndpoint('server', { ...SERVER_DEFAULTS, ...withoutUndefined(options.server) }, serverTs),
  };
}

export function endpoint(connection: Connection, side: Side): Endpoint {
  return side === 'client' ? connection.client : connection.server;
}

/**
 * A deep copy, written out by hand because it is on the hot path of every
 * step (structuredClone is several times slower for data this small).
 */
export function cloneConnection(c: Connection): Connection {
  return {
    config: { ...c.config },
    clock_ms: c.clock_ms,
    rng: c.rng,
    network: {
      auto_deliver: c.network.auto_deliver,
      loss_rate: c.network.loss_rate,
      in_flight: c.network.in_flight.map(cloneSegment),
      next_segment_id: c.network.next_segment_id,
    },
    client: cloneEndpoint(c.client),
    server: cloneEndpoint(c.server),
  };
}

export function cloneSegment(s: Segment): Segment {
  return { ...s, src: { ...s.src }, dst: { ...s.dst }, options: s.options.map((o) => ({ ...o })) };
}

function cloneEndpoint(e: Endpoint): Endpoint {
  const t = e.tcb;
  return {
    ...e,
    config: { ...e.config },
    timers: e.timers.map((timer) => ({ ...timer })),
    owed: e.owed.map((o) => ({ ...o })),
    tcb: t && {
      ...t,
      send_queue: t.send_queue.map((x) => ({ ...x })),
      retransmission_queue: t.retransmission_queue.map((x) => ({ ...x })),
      receive_queue: t.receive_queue.map((x) => ({ ...x })),
      out_of_order: t.out_of_order.map((x) => ({ ...x })),
    },
  };
}
