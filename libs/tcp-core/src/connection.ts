import { nextUint32, seedState } from './prng';
import type { Segment, Side } from './segment';
import type { Endpoint, EndpointConfig, Tcb } from './tcb';

/**
 * A connection is two endpoints, the network between them and a simulated
 * clock: plain data that serialises to JSON and back without loss, so that a
 * service can store it and continue later with the same result.
 */

/**
 * Which rules apply where RFC 793 (what most textbooks teach) and RFC 9293
 * with RFC 5961 differ: a SYN or an in-window but inexact RST in a
 * synchronized state, an ACK far below SND.UNA, and the default MSL. `linux`
 * is RFC 9293 with Linux 6.x's defaults where the kernel chooses otherwise
 * (docs/linux-differences.md): a 200 ms minimum RTO applied as Linux applies
 * it and a tail loss probe (rtt.ts, tlp.ts), a fixed 60 s TIME_WAIT and a
 * 60 s FIN_WAIT_2 timeout (timers.ts), delayed ACKs (delack.ts), Nagle's
 * algorithm and sender SWS avoidance (linux-xmit.ts), close() as Linux's
 * (calls.ts), and PAWS as the kernel judges it (paws.ts).
 */
export type Profile = 'rfc9293' | 'rfc793' | 'linux';

export const PROFILES: readonly Profile[] = ['rfc9293', 'rfc793', 'linux'];

/** RFC 5961's defences (challenge ACKs for SYN, inexact RST and old ACKs) are on in every profile but RFC 793's. */
export function followsRfc5961(profile: Profile): boolean {
  return profile !== 'rfc793';
}

/** auto: both stacks answer by themselves. manual: the caller sends every answer, and each is validated. */
export type Mode = 'auto' | 'manual';

export interface ConnectionConfig {
  profile: Profile;
  mode: Mode;
  /** Maximum segment lifetime; TIME_WAIT lasts 2 × MSL (RFC 9293 §3.4.2). */
  msl_ms: number;
  /** Initial retransmission timeout (RFC 6298 §2.1: 1 second). */
  rto_ms: number;
  /**
   * Lower bound of a computed RTO (RFC 6298 §2.4: 1 second). The linux profile's is TCP_RTO_MIN, 200 ms, and
   * Linux applies it to the variance term, not to the whole RTO (rtt.ts).
   */
  min_rto_ms: number;
  /** How long TIME_WAIT lasts: 2 × MSL (RFC 9293 §3.4.2), or Linux's fixed TCP_TIMEWAIT_LEN of 60 s in the linux profile. */
  time_wait_ms: number;
  /**
   * How long a closed connection may wait in FIN_WAIT_2 for the peer's FIN (Linux tcp_fin_timeout, 60 s); null =
   * for ever, as RFC 9293 has it. See timers.ts for which connections the linux profile counts as orphaned.
   */
  fin_timeout_ms: number | null;
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
  nodelay?: boolean;
}

export interface ConnectionOptions {
  client?: EndpointOptions;
  server?: EndpointOptions;
  seed?: number;
  profile?: Profile;
  mode?: Mode;
  msl_ms?: number;
  rto_ms?: number;
  min_rto_ms?: number;
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
  nodelay: false,
};

const SERVER_DEFAULTS: EndpointConfig = { ...CLIENT_DEFAULTS, ip: '10.0.0.2', port: 80, window: 65160 };

/** RFC 793 suggests an MSL of 2 minutes; Linux's TIME_WAIT is 60 s, i.e. an MSL of 30 s. */
export function defaultMsl(profile: Profile): number {
  return profile === 'rfc793' ? 120_000 : 30_000;
}

/** RFC 6298 §2.4: "if it is less than 1 second, then the RTO SHOULD be rounded up to 1 second"; Linux TCP_RTO_MIN is HZ / 5. */
export function defaultMinRto(profile: Profile): number {
  return profile === 'linux' ? 200 : 1_000;
}

/** Linux TCP_TIMEWAIT_LEN (include/net/tcp.h): a constant, whatever the MSL. */
const LINUX_TIME_WAIT_MS = 60_000;
/** Linux net.ipv4.tcp_fin_timeout (TCP_FIN_TIMEOUT, 60 s). */
const LINUX_FIN_TIMEOUT_MS = 60_000;

/**
 * Connections stored before the RTO estimator and the linux profile existed
 * have no minimum RTO, TIME_WAIT length or FIN_WAIT_2 timeout: they keep
 * the rules they were created under (1 s, 2 × MSL, none).
 */
function withProfileTimers(config: ConnectionConfig): ConnectionConfig {
  if (config.min_rto_ms !== undefined) return config;
  return { ...config, min_rto_ms: 1_000, time_wait_ms: 2 * config.msl_ms, fin_timeout_ms: null };
}

function newEndpoint(side: Side, config: EndpointConfig, tsOffset: number): Endpoint {
  return { side, config, state: 'CLOSED', opened: null, tcb: null, timers: [], owed: [], ts_offset: tsOffset, incarnation: 0, oow_ack_at_ms: null };
}

function withoutUndefined<T extends object>(options: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function createConnection(options: ConnectionOptions = {}): Connection {
  const profile = options.profile ?? 'rfc9293';
  const msl = options.msl_ms ?? defaultMsl(profile);
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
      msl_ms: msl,
      rto_ms: options.rto_ms ?? 1_000,
      min_rto_ms: options.min_rto_ms ?? defaultMinRto(profile),
      time_wait_ms: profile === 'linux' ? LINUX_TIME_WAIT_MS : 2 * msl,
      fin_timeout_ms: profile === 'linux' ? LINUX_FIN_TIMEOUT_MS : null,
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
 * The copy a step works on, written out by hand because it is on the hot
 * path of every step (structuredClone is several times slower for data this
 * small, and object spreads take V8's slow generic path).
 *
 * The connection, both endpoints, both TCBs and every list are copied, so a
 * step may push, splice and assign freely. The entries of those lists are
 * shared with the caller's connection instead of copied: segments in flight,
 * queued and sent data, timers and owed answers are never written once they
 * are in a list — a rule that changes one puts a new entry in its place
 * (see acknowledge() and pushQueued()). The configs are shared too: nothing
 * writes them after createConnection (one stored before the profile timers
 * existed is completed once, withProfileTimers).
 */
export function cloneConnection(c: Connection): Connection {
  return {
    config: withProfileTimers(c.config),
    clock_ms: c.clock_ms,
    rng: c.rng,
    network: {
      auto_deliver: c.network.auto_deliver,
      loss_rate: c.network.loss_rate,
      // Shared, never written after transmit() gave them an id.
      in_flight: copyList(c.network.in_flight),
      next_segment_id: c.network.next_segment_id,
    },
    client: cloneEndpoint(c.client),
    server: cloneEndpoint(c.server),
  };
}

/**
 * A copy of a list, for cloneConnection. Most lists in a connection are empty
 * or hold one entry, and an array literal is much cheaper than slice() then.
 */
function copyList<T>(list: readonly T[]): T[] {
  switch (list.length) {
    case 0:
      return [];
    case 1:
      return [list[0]!];
    default:
      return list.slice();
  }
}

export function cloneSegment(s: Segment): Segment {
  return {
    id: s.id,
    from: s.from,
    to: s.to,
    src: { ip: s.src.ip, port: s.src.port },
    dst: { ip: s.dst.ip, port: s.dst.port },
    seq: s.seq,
    ack: s.ack,
    flags: s.flags,
    window: s.window,
    urgent_pointer: s.urgent_pointer,
    length: s.length,
    payload: s.payload,
    options: s.options.map((o) => ({ ...o })),
    sent_at_ms: s.sent_at_ms,
  };
}

function cloneEndpoint(e: Endpoint): Endpoint {
  return {
    side: e.side,
    config: e.config,
    state: e.state,
    opened: e.opened,
    tcb: e.tcb && cloneTcb(e.tcb),
    timers: copyList(e.timers),
    owed: copyList(e.owed),
    ts_offset: e.ts_offset,
    incarnation: e.incarnation,
    oow_ack_at_ms: e.oow_ack_at_ms,
  };
}

function cloneTcb(t: Tcb): Tcb {
  return {
    iss: t.iss,
    irs: t.irs,
    snd_una: t.snd_una,
    snd_nxt: t.snd_nxt,
    snd_wnd: t.snd_wnd,
    snd_up: t.snd_up,
    snd_wl1: t.snd_wl1,
    snd_wl2: t.snd_wl2,
    rcv_nxt: t.rcv_nxt,
    rcv_wnd: t.rcv_wnd,
    rcv_up: t.rcv_up,
    max_snd_wnd: t.max_snd_wnd,
    snd_wscale: t.snd_wscale,
    rcv_wscale: t.rcv_wscale,
    snd_mss: t.snd_mss,
    sack_permitted: t.sack_permitted,
    ts_enabled: t.ts_enabled,
    ts_recent: t.ts_recent,
    // Connections stored before PAWS existed: TS.Recent dated from the clock's start, and the ACK of all received sent.
    ts_recent_at_ms: t.ts_recent_at_ms ?? 0,
    last_ack_sent: t.last_ack_sent ?? t.rcv_nxt,
    send_queue: copyList(t.send_queue),
    retransmission_queue: copyList(t.retransmission_queue),
    receive_queue: copyList(t.receive_queue),
    out_of_order: copyList(t.out_of_order),
    fin_queued: t.fin_queued,
    // Connections stored before close() and shutdown() were told apart were never orphaned: their reads go on.
    orphaned: t.orphaned ?? false,
    rto_ms: t.rto_ms,
    // Connections stored before RTT estimation existed have no estimate: as before a first sample (RFC 6298 §2.1).
    srtt_ms: t.srtt_ms ?? null,
    rttvar_ms: t.rttvar_ms ?? null,
    tlp_high_seq: t.tlp_high_seq ?? null,
    retries: t.retries,
    // Connections stored before the persist timer existed have no count: none was sent.
    probes: t.probes ?? 0,
    // Connections stored before the linux profile's ACK policy (delack.ts) start it as a new connection would.
    rcv_wup: t.rcv_wup ?? t.rcv_nxt,
    rcv_wnd_sent: t.rcv_wnd_sent ?? t.rcv_wnd,
    rcv_mss: t.rcv_mss ?? 536,
    ack_pending: t.ack_pending ?? 0,
    ack_quick: t.ack_quick ?? 0,
    ack_ato_ms: t.ack_ato_ms ?? 0,
    ack_pingpong: t.ack_pingpong ?? false,
    ack_lrcv_ms: t.ack_lrcv_ms ?? 0,
    ack_last_seg_size: t.ack_last_seg_size ?? 0,
  };
}
