/**
 * A script is what packetdrill calls one: the calls an application makes on the real socket, the segments
 * the peer sends, and pauses — written with sequence numbers relative to each side's ISN, since Linux picks
 * its own ISN. `runOnLinux` plays a script against the kernel and records everything with the helper's
 * times; compare.ts then plays the same inputs at the same times through tcplab.
 */
import { decodeFrame } from '../../src/capture/frame';
import { LINKTYPE, type CapturedSegment } from '../../src/capture';
import { ACK, FIN, PSH, RST, SYN, URG, renderPcap, seqAdd, type Segment, type Side, type TcpOption } from '../../src';
import { KernelHost, LINUX_IP, PEER_IP, type Reply } from './kernel';

export const LINUX_PORT = { server: 8080, client: 40000 } as const;
export const PEER_PORT = { server: 40000, client: 8080 } as const;
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
}

export interface SocketOptions {
  rcvbuf?: number;
  sndbuf?: number;
  nodelay?: boolean;
}

export type Step =
  | { call: 'listen' | 'connect' | 'close' | 'shutdown' | 'abort' | 'recv' }
  | { call: 'send'; length: number; oob?: boolean }
  | { peer: PeerSegment }
  | { wait: number };

export interface Script {
  /** The role the kernel plays, in tcplab's words: the server listens, the client connects. */
  linux: Side;
  options?: SocketOptions;
  /** The window scale the peer offers in its SYN (RFC 7323 §2.2); default 7, as Linux; null offers none. */
  peerWscale?: number | null;
  steps: Step[];
}

/** How long the harness waits after each step for the kernel's answers before it reads the state. */
const SETTLE_MS = 50;

/** The kernel's state names (/proc/net/tcp) in RFC 9293's spelling. */
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
  /** When the state was read, SETTLE_MS (or the wait) after the step. */
  stateAt: number;
  state: string;
}

export interface Recording {
  script: Script;
  linuxIss: number;
  /** The kernel's SYN or SYN,ACK: tcplab's endpoint is configured from what it offers (window, MSS, options). */
  linuxSyn: CapturedSegment;
  steps: RecordedStep[];
  /** Every segment the kernel sent on this connection, with the helper's time. */
  sent: KernelSegment[];
  end: number;
}

const FLAG_LETTER: Record<string, number> = { S: SYN, F: FIN, R: RST, P: PSH, U: URG, '.': ACK };

export function parseFlags(letters: string): number {
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
    private readonly wscale: number | null,
  ) {}

  heard(segment: CapturedSegment): void {
    for (const o of segment.options) if (o.kind === 'ts') this.tsRecent = o.val;
    if (segment.flags & SYN) this.timestamps = segment.options.some((o) => o.kind === 'ts');
  }

  segment(spec: PeerSegment, linuxIss: number | null): Segment {
    const flags = parseFlags(spec.flags);
    const syn = (flags & SYN) !== 0;
    const ts: TcpOption = { kind: 'ts', val: this.tsVal++, ecr: syn && !(flags & ACK) ? 0 : this.tsRecent };
    let options: TcpOption[] = [];
    if (syn) options = [{ kind: 'mss', value: 1460 }, { kind: 'sackOK' }, ts, ...(this.wscale === null ? [] : [{ kind: 'nop' } as const, { kind: 'wscale', shift: this.wscale } as const])];
    else if (this.timestamps && !(flags & RST)) options = [{ kind: 'nop' }, { kind: 'nop' }, ts];
    const len = spec.len ?? 0;
    const peerSide: Side = this.linuxSide === 'server' ? 'client' : 'server';
    return {
      id: 0,
      from: peerSide,
      to: this.linuxSide,
      src: { ip: PEER_IP, port: PEER_PORT[this.linuxSide] },
      dst: { ip: LINUX_IP, port: LINUX_PORT[this.linuxSide] },
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
}

function decode(host: KernelHost, from: number, side: Side): KernelSegment[] {
  const out: KernelSegment[] = [];
  host.packets.slice(from).forEach((p, i) => {
    const segment = decodeFrame(p.bytes, LINKTYPE.RAW, from + i + 1, null);
    if (typeof segment === 'string') return;
    if (segment.src.port === LINUX_PORT[side] && segment.dst.port === PEER_PORT[side]) out.push({ t: p.t, segment, sack: sackBlocks(p.bytes) });
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

/** What the kernel has sent so far on the connection under test; the peer hears each segment once. */
class Heard {
  readonly sent: KernelSegment[] = [];
  syn: CapturedSegment | null = null;
  private decoded = 0;

  constructor(
    private readonly host: KernelHost,
    private readonly side: Side,
    private readonly peer: Peer,
  ) {}

  catchUp(): void {
    const fresh = this.host.packets.length - this.decoded;
    for (const s of decode(this.host, this.decoded, this.side)) {
      this.sent.push(s);
      this.peer.heard(s.segment);
      if (s.segment.flags & SYN) this.syn ??= s.segment;
    }
    this.decoded += fresh;
  }
}

export async function runOnLinux(script: Script): Promise<Recording> {
  const side = script.linux;
  const host = await KernelHost.start();
  try {
    const peer = new Peer(side, script.peerWscale === undefined ? 7 : script.peerWscale);
    const heard = new Heard(host, side, peer);
    const ports = { port: LINUX_PORT[side], peer_port: PEER_PORT[side] };
    const steps: RecordedStep[] = [];
    let everSynchronized = false;
    for (const step of script.steps) {
      heard.catchUp();
      let reply: Reply;
      let wire: Segment | undefined;
      if ('peer' in step) {
        wire = peer.segment(step.peer, heard.syn?.seq ?? null);
        reply = await host.call('write', { hex: Buffer.from(ipv4Packet(wire)).toString('hex') });
      } else if ('wait' in step) {
        reply = await host.call('state', ports);
      } else {
        reply = await host.call(step.call, callArgs(step, script, ports));
      }
      await sleep('wait' in step ? step.wait : SETTLE_MS);
      const state = await host.call('state', ports);
      const recorded: RecordedStep = { step, t: reply.t, stateAt: state.t, state: rfcState(state, everSynchronized) };
      if (wire) recorded.wire = wire;
      if ('call' in step && step.call === 'recv') recorded.received = Number(reply['received'] ?? 0);
      if (!reply.ok) recorded.errno = reply.errno!;
      everSynchronized ||= !['LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'CLOSED'].includes(recorded.state);
      steps.push(recorded);
    }
    heard.catchUp();
    const end = (await host.call('state', ports)).t;
    if (!heard.syn) throw new Error('the kernel sent no SYN or SYN,ACK: the script never opened a connection');
    return { script, linuxIss: heard.syn.seq, linuxSyn: heard.syn, steps, sent: heard.sent, end };
  } finally {
    await host.close();
  }
}
