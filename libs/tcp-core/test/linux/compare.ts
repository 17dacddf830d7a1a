/**
 * tcplab's prediction of a recorded Linux run, and both written as transcripts that a test compares line by
 * line. tcplab runs in auto mode with the network holding everything (auto_deliver off): the kernel's side is
 * one tcplab endpoint, every peer segment is injected into it exactly as it went to the kernel, and the
 * segments that endpoint sends are its prediction of what the kernel sent. The clock advances to the times
 * the kernel saw, so timers fire (or not) where the kernel's could.
 *
 * Two transcripts per run, so that a disagreement in one does not hide agreement in the other:
 * - `core`: per step, every segment the endpoint sent (flags, seq, ack, length, urgent pointer; seq and ack
 *   relative to the sender's and the receiver's ISN; `lost` where a `dropKernelNext` step lost it), what a recv
 *   read, and the state after the step;
 * - `wire`: the same segments' window fields and options (TSval left out: Linux's TS clock is its own).
 */
import type { CapturedSegment } from '../../src/capture';
import { ACK, URG, createConnection, step, tcpdumpFlags, type Connection, type Input, type Profile, type Segment, type Side, type TcpOption } from '../../src';
import { LINUX_IP, PEER_IP } from './kernel';
import { PEER_ISS, lossTakes, type LossFilter, type Recording, type Step } from './script';

export interface Transcripts {
  core: string[];
  wire: string[];
}

/** What the transcripts show of a segment; `sack` counts SACK blocks, which only the kernel sends; `lost`: the network lost it. */
type Header = Pick<CapturedSegment, 'seq' | 'ack' | 'flags' | 'window' | 'urgent_pointer' | 'length' | 'options'> & { sack?: number; lost?: boolean };

function describeStep(s: Step): string {
  if ('peer' in s) {
    const p = s.peer;
    return `peer [${p.flags}] seq ${p.seq}${p.ack === undefined ? '' : ` ack ${p.ack}`}${p.len ? ` len ${p.len}` : ''}${p.win === undefined ? '' : ` win ${p.win}`}${p.urg ? ` urg ${p.urg}` : ''}`;
  }
  if ('wait' in s) return `wait ${s.wait} ms`;
  if ('dropKernelNext' in s) return `the network loses linux's next ${s.dropKernelNext === 'any' ? 'segment' : `${s.dropKernelNext} segment`}`;
  return s.call === 'send' ? `linux send(${s.length}${s.oob ? ', MSG_OOB' : ''})` : `linux ${s.call}()`;
}

function option(o: TcpOption): string {
  switch (o.kind) {
    case 'mss':
      return `mss ${o.value}`;
    case 'wscale':
      return `wscale ${o.shift}`;
    case 'ts':
      return `TS ecr ${o.ecr}`;
    default:
      return o.kind;
  }
}

function coreLine(s: Header, linuxIss: number): string {
  const seq = (s.seq - linuxIss) >>> 0;
  const ack = s.flags & ACK ? ` ack ${(s.ack - PEER_ISS) >>> 0}` : '';
  const urg = s.flags & URG ? ` urg ${s.urgent_pointer}` : '';
  return `  → [${tcpdumpFlags(s.flags)}] seq ${seq}${ack} len ${s.length}${urg}${s.lost ? ' lost' : ''}`;
}

function wireLine(s: Header): string {
  const sack = s.sack ? [`sack ${s.sack}`] : [];
  return `  → [${tcpdumpFlags(s.flags)}] win ${s.window} <${[...s.options.map(option), ...sack].join(',')}>`;
}

/** Both transcripts of a run, from what happened at each step: the segments sent in it (up to the next step), what recv read, the state. */
function transcripts(
  r: Recording,
  perStep: Array<{ sent: Header[]; received?: number; state: string }>,
): Transcripts {
  const core: string[] = [];
  const wire: string[] = [];
  r.steps.forEach((s, i) => {
    const title = `#${i + 1} ${describeStep(s.step)}`;
    const at = perStep[i]!;
    core.push(title, ...at.sent.map((seg) => coreLine(seg, r.linuxIss)));
    if (at.received !== undefined) core.push(`  read ${at.received}`);
    core.push(`  state ${at.state}`);
    wire.push(title, ...at.sent.map(wireLine));
  });
  return { core, wire };
}

/** Times relative to the first step, in whole ms (tcplab's clock). */
function clock(r: Recording, t: number): number {
  return Math.round(t - r.steps[0]!.t);
}

/** Which step a time belongs to: the last one made at or before it. */
function stepAt(r: Recording, t: number): number {
  let i = 0;
  while (i + 1 < r.steps.length && r.steps[i + 1]!.t <= t) i++;
  return i;
}

export function linuxTranscripts(r: Recording): Transcripts {
  const perStep = r.steps.map((s) => ({ sent: [] as Header[], received: s.received, state: s.state }));
  for (const { t, segment, sack, lost } of r.sent) perStep[stepAt(r, t)]!.sent.push({ ...segment, sack, lost });
  return transcripts(r, perStep);
}

function input(s: Step, linux: Side, wire: Segment | undefined): Input | null {
  if ('peer' in s) {
    const w = wire!;
    return {
      type: 'inject',
      to: linux,
      segment: { flags: w.flags, seq: w.seq, ack: w.ack, window: w.window, length: w.length, payload: w.payload, urgent_pointer: w.urgent_pointer, options: w.options },
    };
  }
  if ('wait' in s || 'dropKernelNext' in s) return null;
  switch (s.call) {
    // close() and shutdown(SHUT_WR) are tcplab's close (in the linux profile, Linux's close()) and shutdown (the RFC's CLOSE).
    case 'listen':
    case 'connect':
    case 'abort':
    case 'close':
    case 'shutdown':
      return { type: 'call', endpoint: linux, call: s.call };
    case 'recv':
      return { type: 'call', endpoint: linux, call: 'receive' };
    case 'send':
      return { type: 'call', endpoint: linux, call: 'send', data: { length: s.length, urgent: s.oob ?? false } };
  }
}

/**
 * tcplab's endpoint for the kernel, configured with what the kernel's SYN offered (its ISN, window, MSS, options),
 * under the linux profile (Linux's minimum RTO, TIME_WAIT and FIN_WAIT_2 timeout). Its TS clock is set to the
 * kernel's — TSval at the SYN's time equal to the SYN's — so that an RTT taken from an echoed TSecr (RFC 7323 §4,
 * after a retransmission) measures what the kernel's did, to the millisecond.
 */
function connectionFor(r: Recording, profile: Profile): Connection {
  const linux = r.script.linux;
  const syn = r.linuxSyn;
  const wscale = syn.options.find((o) => o.kind === 'wscale');
  const mss = syn.options.find((o) => o.kind === 'mss');
  const peerSide: Side = linux === 'server' ? 'client' : 'server';
  const c = createConnection({
    profile,
    mode: 'auto',
    auto_deliver: false,
    [linux]: {
      ip: LINUX_IP,
      port: r.ports.linux,
      isn: r.linuxIss,
      window: syn.window,
      mss: mss?.kind === 'mss' ? mss.value : 536,
      wscale: wscale?.kind === 'wscale' ? wscale.shift : null,
      sack_permitted: syn.options.some((o) => o.kind === 'sackOK'),
      timestamps: syn.options.some((o) => o.kind === 'ts'),
    },
    [peerSide]: { ip: PEER_IP, port: r.ports.peer },
  });
  const synTs = syn.options.find((o) => o.kind === 'ts');
  const synAt = r.sent.find((s) => s.segment.seq === syn.seq && s.segment.flags === syn.flags)?.t;
  if (synTs?.kind !== 'ts' || synAt === undefined) return c;
  return { ...c, [linux]: { ...c[linux], ts_offset: (synTs.val - clock(r, synAt)) >>> 0 } };
}

/** tcplab's prediction of the run; `profile` other than linux shows how far the plain RFC rules get. */
export function tcplabTranscripts(r: Recording, profile: Profile = 'linux'): Transcripts {
  const linux = r.script.linux;
  let c = connectionFor(r, profile);
  const perStep: Array<{ sent: Header[]; received?: number; state: string }> = [];
  // The same losses as the kernel's: each pending filter, in the order the script set them, takes the first
  // segment it matches (as kernel-side.py's nftables rules do), and tcplab's network drops that segment.
  const losses: LossFilter[] = [];
  const endpointSent = (segments: Segment[]): Header[] =>
    segments
      .filter((s) => s.from === linux)
      .map((s) => {
        const at = losses.findIndex((filter) => lossTakes(filter, s));
        if (at < 0) return s;
        losses.splice(at, 1);
        c = step(c, { type: 'deliver', segment_id: s.id, action: 'drop' }).connection;
        return { ...s, lost: true };
      });
  const advanceTo = (ms: number, into: Header[]): void => {
    if (ms <= c.clock_ms) return;
    const result = step(c, { type: 'advance', ms: ms - c.clock_ms });
    c = result.connection;
    into.push(...endpointSent(result.segments));
  };
  r.steps.forEach((s, i) => {
    const sent: Header[] = [];
    advanceTo(clock(r, s.t), perStep[i - 1]?.sent ?? sent);
    if ('dropKernelNext' in s.step) losses.push(s.step.dropKernelNext);
    const next = input(s.step, linux, s.wire);
    let received: number | undefined;
    if (next) {
      const result = step(c, next);
      c = result.connection;
      sent.push(...endpointSent(result.segments));
      if (next.type === 'call' && next.call === 'receive') received = result.outcome.ok ? (result.outcome.received?.length ?? 0) : 0;
    }
    advanceTo(clock(r, s.stateAt), sent);
    perStep.push({ sent, received, state: c[linux].state });
  });
  advanceTo(clock(r, r.end), perStep[perStep.length - 1]!.sent);
  return transcripts(r, perStep);
}
