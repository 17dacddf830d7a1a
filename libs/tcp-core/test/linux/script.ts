/**
 * A script is what packetdrill calls one: the calls an application makes on the real socket, the segments
 * the peer sends, and pauses — written with sequence numbers relative to each side's ISN, since Linux picks
 * its own ISN. `runOnLinux` plays a script against the kernel and records everything with the helper's
 * times; compare.ts then plays the same inputs at the same times through tcplab.
 */
import { decodeFrame } from '../../src/capture/frame';
import { LINKTYPE, type CapturedSegment } from '../../src/capture';
import { ACK, FIN, PSH, RST, SYN, URG, renderPcap, seqAdd, seqLt, type Segment, type Side, type TcpOption } from '../../src';
import { KernelHost, LINUX_IP, PEER_IP, type Reply } from './kernel';

/** The two ports of a run's connection. */
export interface Ports {
  linux: number;
  peer: number;
}

/** A scripted case's ports: the server listens on 8080, the client connects from 40000. */
export function defaultPorts(linux: Side): Ports {
  return linux === 'server' ? { linux: 8080, peer: 40000 } : { linux: 40000, peer: 8080 };
}
/** The peer's ISN: any fixed number; Linux's is read from its SYN or SYN,ACK. */
export const PEER_ISS = 1_000_000_000;

/** A segment the peer sends. seq counts from the peer's ISN, ack from Linux's. */
export interface PeerSegment {
  /** tcpdump's letters: S F R P U and `.` for ACK, e.g. 'S', 'S.', 'P.', 'F.', 'R'. */
  flags: string;
  seq: number;
  ack?: number;
  /** The raw window field; default 502 (64,256 octets with wscale 7), or 64,240 on a SYN, as Linux offers. */
  win?: number;
  len?: number;
  urg?: number;
  /**
   * The TSval to carry instead of the next tick of the peer's clock — an older one makes the segment an old
   * duplicate to PAWS (RFC 7323 §5.3). An RST carries a timestamp only when given one.
   */
  tsval?: number;
}

export interface SocketOptions {
  rcvbuf?: number;
  sndbuf?: number;
  nodelay?: boolean;
}

/**
 * Which of the kernel's segments a loss takes: the next one on the connection, or the next with SYN, with FIN, or
 * with data. kernel-side.py writes each as an nftables match; `lossTakes` is the same test for tcplab's segments.
 */
export type LossFilter = 'any' | 'syn' | 'fin' | 'data';

export function lossTakes(filter: LossFilter, segment: { flags: number; length: number }): boolean {
  switch (filter) {
    case 'any':
      return true;
    case 'syn':
      return (segment.flags & SYN) !== 0;
    case 'fin':
      return (segment.flags & FIN) !== 0;
    case 'data':
      return segment.length > 0;
  }
}

export type Step =
  | { call: 'listen' | 'connect' | 'close' | 'shutdown' | 'abort' | 'recv' }
  | { call: 'send'; length: number; oob?: boolean }
  | { peer: PeerSegment }
  | { wait: number }
  /**
   * The network loses the kernel's next segment that matches, before the peer sees it (an nftables rule in the
   * namespace; the peer's own losses are segments it does not send). Several such steps lose that many segments.
   */
  | { dropKernelNext: LossFilter };

export interface Script {
  /** The role the kernel plays, in tcplab's words: the server listens, the client connects. */
  linux: Side;
  options?: SocketOptions;
  /** The window scale the peer offers in its SYN (RFC 7323 §2.2); default 7, as Linux; null offers none. */
  peerWscale?: number | null;
  /** How long the peer takes to answer the kernel's SYN or SYN,ACK; default RTT_MS. */
  rttMs?: number;
  steps: Step[];
}

/**
 * The longest the harness waits after a step for the kernel's answers before it reads the state. Most answers
 * need no wait: the kernel makes them while it handles the written segment or the call, before kernel-side.py
 * answers the next request (see its loop). Only a delayed ACK comes later — Linux delays some by about 40 ms
 * (its delayed-ACK timer, more under load), and it must fall inside the step it answers — so a step waits while
 * the kernel owes the peer an ACK (`ackOwed`), up to this long: 100 ms leaves room.
 */
export const SETTLE_MS = 100;

/**
 * How long the peer takes to answer the kernel's SYN or SYN,ACK: the kernel's first RTT sample, from which its
 * retransmission timeout (about 3 × RTT at first, RFC 6298 §2.2) and tail loss probe (2 × RTT + 200 ms,
 * RFC 8985) follow. At 400 ms the kernel's timers stay well clear of a few steps of 100 ms in which the peer
 * leaves a segment unacknowledged, as scripts do; a script about those timers sets a shorter one.
 */
export const RTT_MS = 400;

/**
 * How far a run may fall behind its script (a loaded machine) before runOnLinux plays it again: the scripts
 * leave a segment unacknowledged for a few steps at most, so this keeps them well inside the kernel's first
 * retransmission timeout and loss probe (≈1 s after RTT_MS), while its delayed ACKs only get more room.
 */
const LATE_MS = 400;

/** Times a script is played again when a step was late. */
const RETRIES = 3;

/** The kernel's state names (tcp_states.h, as kernel-side.py reports them) in RFC 9293's spelling. */
const RFC_STATE: Record<string, string> = {
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RECV: 'SYN_RECEIVED',
  NEW_SYN_RECV: 'SYN_RECEIVED',
  FIN_WAIT1: 'FIN_WAIT_1',
  FIN_WAIT2: 'FIN_WAIT_2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE: 'CLOSED',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

export interface RecordedStep {
  step: Step;
  /** When the step was made (the helper's clock, ms). */
  t: number;
  /** The peer's segment as it was written to the TUN. */
  wire?: Segment;
  /** recv: octets read (0 at end of stream or when nothing was there). */
  received?: number;
  errno?: string;
  /** When the state was read, the step's pause (the settling, RTT_MS, or the wait) after the step. */
  stateAt: number;
  /** How long the step should have taken: its pause (a settling step: as long as it waited for the kernel). */
  pause: number;
  state: string;
}

export interface Recording {
  script: Script;
  ports: Ports;
  linuxIss: number;
  /** The kernel's SYN or SYN,ACK: tcplab's endpoint is configured from what it offers (window, MSS, options). */
  linuxSyn: CapturedSegment;
  steps: RecordedStep[];
  /** Every segment the kernel sent on this connection, with the helper's time. */
  sent: KernelSegment[];
  end: number;
}

const FLAG_LETTER: Record<string, number> = { S: SYN, F: FIN, R: RST, P: PSH, U: URG, '.': ACK };

function parseFlags(letters: string): number {
  return [...letters].reduce((bits, letter) => bits | FLAG_LETTER[letter]!, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The IPv4 packet of one segment: renderPcap's Ethernet frame without the pcap headers and the Ethernet header. */
function ipv4Packet(segment: Segment): Uint8Array {
  return renderPcap([segment]).subarray(24 + 16 + 14);
}

/**
 * Plays the peer as a real TCP would fill in what a script leaves out: options on a SYN like Linux's own,
 * timestamps on every other segment once both SYNs carried them (TSval counting up from 1000, TSecr the
 * kernel's last TSval, RFC 7323 §4.3), and a payload of `len` octets.
 */
class Peer {
  private tsVal = 1000;
  private tsRecent = 0;
  timestamps = true;

  constructor(
    private readonly linuxSide: Side,
    private readonly ports: Ports,
    private readonly wscale: number | null,
  ) {}

  /** A segment the kernel sent that reached the peer (a lost one never does). */
  heard(segment: CapturedSegment): void {
    for (const o of segment.options) if (o.kind === 'ts') this.tsRecent = o.val;
    if (segment.flags & SYN) this.timestamps = segment.options.some((o) => o.kind === 'ts');
  }

  segment(spec: PeerSegment, linuxIss: number | null): Segment {
    const flags = parseFlags(spec.flags);
    const syn = (flags & SYN) !== 0;
    const ts: TcpOption = { kind: 'ts', val: spec.tsval ?? this.tsVal++, ecr: syn && !(flags & ACK) ? 0 : this.tsRecent };
    let options: TcpOption[] = [];
    if (syn) options = [{ kind: 'mss', value: 1460 }, { kind: 'sackOK' }, ts, ...(this.wscale === null ? [] : [{ kind: 'nop' } as const, { kind: 'wscale', shift: this.wscale } as const])];
    else if (this.timestamps && (!(flags & RST) || spec.tsval !== undefined)) options = [{ kind: 'nop' }, { kind: 'nop' }, ts];
    const len = spec.len ?? 0;
    const peerSide: Side = this.linuxSide === 'server' ? 'client' : 'server';
    return {
      id: 0,
      from: peerSide,
      to: this.linuxSide,
      src: { ip: PEER_IP, port: this.ports.peer },
      dst: { ip: LINUX_IP, port: this.ports.linux },
      seq: seqAdd(PEER_ISS, spec.seq),
      ack: flags & ACK ? seqAdd(linuxIss ?? 0, spec.ack ?? 0) : 0,
      flags,
      window: spec.win ?? (syn ? 64240 : 502),
      urgent_pointer: spec.urg ?? 0,
      length: len,
      payload: Buffer.alloc(len, 'p').toString('base64'),
      options,
      sent_at_ms: 0,
    };
  }
}

/**
 * SACK blocks (RFC 2018 option kind 5) in a raw IPv4/TCP packet: the capture decoder leaves that option
 * out, and tcplab sends none, but a D-SACK from the kernel (RFC 2883) is a difference worth showing.
 */
function sackBlocks(packet: Uint8Array): number {
  const tcp = (packet[0]! & 0x0f) * 4;
  const end = tcp + (packet[tcp + 12]! >> 4) * 4;
  let blocks = 0;
  for (let at = tcp + 20; at < end && packet[at] !== 0; at += packet[at] === 1 ? 1 : Math.max(2, packet[at + 1]!)) {
    if (packet[at] === 5) blocks += (packet[at + 1]! - 2) / 8;
  }
  return blocks;
}

export interface KernelSegment {
  t: number;
  segment: CapturedSegment;
  sack: number;
  /** Lost on the way by a `dropKernelNext` step: the kernel sent it, the peer never saw it. */
  lost: boolean;
}

function decode(host: KernelHost, from: number, ports: Ports): KernelSegment[] {
  const out: KernelSegment[] = [];
  host.packets.slice(from).forEach((p, i) => {
    const segment = decodeFrame(p.bytes, LINKTYPE.RAW, from + i + 1, null);
    if (typeof segment === 'string') return;
    if (segment.src.port === ports.linux && segment.dst.port === ports.peer) out.push({ t: p.t, segment, sack: sackBlocks(p.bytes), lost: p.lost });
  });
  return out;
}

/** The kernel's state in RFC terms: a connection that was never synchronized falls back to LISTEN, as RFC 9293 §3.10.7.4 has it. */
function rfcState(reply: Reply, everSynchronized: boolean): string {
  if (typeof reply['conn'] === 'string') return RFC_STATE[reply['conn']] ?? reply['conn'];
  return reply['listening'] && !everSynchronized ? 'LISTEN' : 'CLOSED';
}

/** The arguments of kernel-side.py's op for a call step. */
function callArgs(step: Extract<Step, { call: string }>, script: Script, ports: { port: number; peer_port: number }): Record<string, unknown> {
  switch (step.call) {
    case 'listen':
    case 'connect':
      return { ...ports, ...script.options };
    case 'send':
      return { length: step.length, oob: step.oob ?? false };
    case 'shutdown':
      return { how: 'wr' };
    default:
      return {};
  }
}

/**
 * What the peer has seen of the kernel so far, with numbers relative as in a script (the kernel's sequence
 * numbers from its ISN, its acknowledgments from the peer's), for scripts written as they go (random.ts).
 */
export interface KernelView {
  /** The kernel's state after the last step. */
  state: string;
  /** Just past the highest sequence number the kernel has sent (SYN and FIN count), lost segments included. */
  sndNxt: number;
  /**
   * What the peer can acknowledge: the end of what it received of the kernel's sequence space without a gap.
   * Below sndNxt when a segment was lost and not yet retransmitted.
   */
  rcvNxt: number;
  /** The kernel's last acknowledgment of the peer's data that reached the peer, or null before any. */
  ack: number | null;
}

/**
 * One script played against the kernel, step by step: `step()` makes a step and waits for the kernel's
 * answers, `view` tells what the peer has seen so far, `finish()` returns the recording.
 */
export class KernelRun {
  readonly view: KernelView = { state: 'CLOSED', sndNxt: 0, rcvNxt: 0, ack: null };
  private readonly peer: Peer;
  private readonly sent: KernelSegment[] = [];
  private readonly steps: RecordedStep[] = [];
  private readonly args: { port: number; peer_port: number };
  private syn: CapturedSegment | null = null;
  private decoded: number;
  private everSynchronized = false;
  /** Pieces of the kernel's sequence space the peer received above a gap, [start, end) relative: they join rcvNxt once the gap is filled. */
  private received: Array<[number, number]> = [];
  /** Past the highest sequence number the peer has sent the kernel (its ISN-relative numbers); null before its first segment. */
  private peerEnd: number | null = null;
  /** The kernel's last acknowledgment, of a lost segment too: whether it still owes the peer one. */
  private kernelAck: number | null = null;

  /** `host` may have served other runs before: only segments between `ports` belong to this one. */
  constructor(
    private readonly host: KernelHost,
    readonly script: Script,
    private readonly ports: Ports = defaultPorts(script.linux),
    private readonly settleMs = SETTLE_MS,
  ) {
    this.peer = new Peer(script.linux, ports, script.peerWscale === undefined ? 7 : script.peerWscale);
    this.args = { port: ports.linux, peer_port: ports.peer };
    this.decoded = host.packets.length;
  }

  /** The kernel's segments since the last look: the peer hears each once. */
  private catchUp(): void {
    const fresh = this.host.packets.length - this.decoded;
    for (const s of decode(this.host, this.decoded, this.ports)) {
      this.sent.push(s);
      const seg = s.segment;
      if (seg.flags & SYN) this.syn ??= seg;
      if (seg.flags & ACK) this.kernelAck = (seg.ack - PEER_ISS) >>> 0;
      if (this.syn && !(seg.flags & RST)) {
        const start = (seg.seq - this.syn.seq) >>> 0;
        const end = (seqAdd(seg.seq, seg.length + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0)) - this.syn.seq) >>> 0;
        if (end > this.view.sndNxt && end < 0x8000_0000) this.view.sndNxt = end;
        if (!s.lost) this.receive(start, end);
      }
      if (s.lost) continue;
      this.peer.heard(seg);
      if (seg.flags & ACK) this.view.ack = this.kernelAck;
    }
    this.decoded += fresh;
  }

  /** The peer receives [start, end) of the kernel's sequence space: rcvNxt moves over it and whatever it joins. */
  private receive(start: number, end: number): void {
    if (start > 0x8000_0000 || end > 0x8000_0000) return;
    this.received.push([start, end]);
    this.received.sort((a, b) => a[0] - b[0]);
    while (this.received.length > 0 && this.received[0]![0] <= this.view.rcvNxt) {
      this.view.rcvNxt = Math.max(this.view.rcvNxt, this.received.shift()![1]);
    }
  }

  /**
   * Whether the kernel has not yet acknowledged all the peer has sent — a delayed ACK may be coming. Also true
   * where no ACK will come (a segment outside the window is answered with an older ACK at once): the step then
   * waits its whole SETTLE_MS, as every step did before.
   */
  private ackOwed(): boolean {
    return this.kernelAck !== null && this.peerEnd !== null && seqLt(this.kernelAck, this.peerEnd);
  }

  /**
   * After a peer segment with new data or FIN: waits while the kernel owes an ACK, up to the run's settle time,
   * and returns as soon as it owes none; whether it waited at all. Other steps' answers are all in at once.
   */
  private async settle(step: Step, peerEndBefore: number | null): Promise<boolean> {
    if (!('peer' in step) || this.peerEnd === peerEndBefore) return false;
    const deadline = Date.now() + this.settleMs;
    for (;;) {
      this.catchUp();
      const left = deadline - Date.now();
      if (!this.ackOwed() || left <= 0) return true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.host.onPacket = done;
      });
      this.host.onPacket = null;
    }
  }

  async step(step: Step): Promise<void> {
    this.catchUp();
    let reply: Reply;
    let wire: Segment | undefined;
    const peerEndBefore = this.peerEnd;
    // Every request also reads the state after it (then_state), which is the step's state unless the step waits.
    const args = { ...this.args, then_state: true };
    if ('peer' in step) {
      wire = this.peer.segment(step.peer, this.syn?.seq ?? null);
      if (!(wire.flags & RST)) {
        const end = seqAdd(wire.seq, wire.length + (wire.flags & SYN ? 1 : 0) + (wire.flags & FIN ? 1 : 0)) - PEER_ISS;
        if (this.peerEnd === null || seqLt(this.peerEnd, end >>> 0)) this.peerEnd = end >>> 0;
      }
      reply = await this.host.call('write', { ...args, hex: Buffer.from(ipv4Packet(wire)).toString('hex') });
    } else if ('wait' in step) {
      reply = await this.host.call('state', this.args);
    } else if ('dropKernelNext' in step) {
      reply = await this.host.call('lose', { ...args, what: step.dropKernelNext });
    } else {
      reply = await this.host.call(step.call, { ...args, ...callArgs(step, this.script, this.args) });
    }
    // A wait and the peer's answer to a SYN take the script's time: the kernel's timers run meanwhile.
    const fixed = 'wait' in step ? step.wait : opensHandshake(step) ? (this.script.rttMs ?? RTT_MS) : null;
    let state: Reply = { ok: true, t: reply.t, ...(reply['state'] as object) };
    if (fixed !== null) await sleep(fixed);
    if (fixed !== null || (await this.settle(step, peerEndBefore))) state = await this.host.call('state', this.args);
    const pause = fixed ?? state.t - reply.t;
    const recorded: RecordedStep = { step, t: reply.t, stateAt: state.t, pause, state: rfcState(state, this.everSynchronized) };
    if (wire) recorded.wire = wire;
    if ('call' in step && step.call === 'recv') recorded.received = Number(reply['received'] ?? 0);
    if (!reply.ok) recorded.errno = reply.errno!;
    this.everSynchronized ||= !['LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'CLOSED'].includes(recorded.state);
    this.view.state = recorded.state;
    this.steps.push(recorded);
    this.catchUp();
  }

  async finish(): Promise<Recording> {
    // After the helper's answer: the last step's own segments are printed before it (kernel-side.py's loop).
    const end = (await this.host.call('state', this.args)).t;
    this.catchUp();
    if (!this.syn) throw new Error('the kernel sent no SYN or SYN,ACK: the script never opened a connection');
    return { script: this.script, ports: this.ports, linuxIss: this.syn.seq, linuxSyn: this.syn, steps: this.steps, sent: this.sent, end };
  }
}

/** The step after which the kernel sends its SYN or SYN,ACK: its connect(), or the peer's SYN. */
function opensHandshake(step: Step): boolean {
  return ('call' in step && step.call === 'connect') || ('peer' in step && step.peer.flags === 'S');
}

/** How far the harness fell behind the script, in ms: the run's time beyond the sum of its steps' pauses. */
export function lateness(r: Recording): number {
  return r.end - r.steps[0]!.t - r.steps.reduce((sum, s) => sum + s.pause, 0);
}

/**
 * A scripted case: a namespace of its own, every step in order. The kernel's timers run in real time, so a
 * step the harness made late (a loaded machine) can let one fire that the script meant to stay clear of;
 * such a run is played again, up to RETRIES times.
 */
export async function runOnLinux(script: Script): Promise<Recording> {
  for (let attempt = 0; ; attempt++) {
    const host = await KernelHost.start();
    try {
      const run = new KernelRun(host, script);
      for (const step of script.steps) await run.step(step);
      const recording = await run.finish();
      if (lateness(recording) <= LATE_MS || attempt === RETRIES) return recording;
    } finally {
      await host.close();
    }
  }
}
