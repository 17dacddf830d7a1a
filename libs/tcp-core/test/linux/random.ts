/**
 * Random scripts: from a seed, a connection opened either way (its SYN or SYN,ACK lost now and then), then up to
 * 12 random steps — peer segments (data of random sizes, ACKs, windows down to 0, retransmissions, FIN, RST, a SYN),
 * calls on the kernel's socket (send, MSG_OOB, recv, shutdown, close, abort), losses of the kernel's next segment
 * (any, with data, or with FIN) and pauses. The peer writes its segments as it goes, from what the
 * kernel has sent so far (it acknowledges the kernel's data, retransmits from the kernel's last ACK), so the
 * same seed makes the same script only as long as the kernel answers the same; the script actually played is in
 * the recording, and printed with a disagreement, so that it can become a scripted case.
 *
 * Runs share a namespace, each on ports of its own (kernel-side.py's `reset` between runs).
 */
import { nextUint32, seedState } from '../../src/prng';
import type { Side } from '../../src';
import { linuxTranscripts, tcplabTranscripts } from './compare';
import { KernelHost } from './kernel';
import { KernelRun, type PeerSegment, type Ports, type Recording, type Script, type Step } from './script';

/** Steps after the opening; most runs end sooner, when the kernel's side is CLOSED or in TIME_WAIT. */
const MAX_STEPS = 12;

class Draw {
  private state: number;

  constructor(seed: number) {
    this.state = seedState(seed);
  }

  below(n: number): number {
    const next = nextUint32(this.state);
    this.state = next.state;
    return next.value % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

/** The peer's own sequence space, relative to its ISN: what it has sent, and whether that included its FIN. */
interface PeerState {
  sndNxt: number;
  finSent: boolean;
}

function nextStep(d: Draw, run: KernelRun, peer: PeerState, used: Set<string>): Step {
  const view = run.view;
  const ack = view.rcvNxt;
  const win = d.pick([502, 502, 502, 502, 8, 0]);
  const once = (what: string): boolean => !used.has(what) && (used.add(what), true);
  for (;;) {
    switch (d.below(15)) {
      case 0:
      case 1:
      case 2: {
        if (peer.finSent) continue;
        const len = d.pick([1, 10, 100, 536, 1000, 1448]);
        const step: PeerSegment = { flags: 'P.', seq: peer.sndNxt, ack, len, win };
        peer.sndNxt += len;
        return { peer: step };
      }
      case 3:
      case 4:
        return { peer: { flags: '.', seq: peer.sndNxt, ack, win } };
      case 5: {
        // Go back to what the kernel last acknowledged, as a peer does when its retransmission timer fires.
        const from = view.ack ?? peer.sndNxt;
        const len = Math.min(((peer.sndNxt - from) >>> 0) - (peer.finSent ? 1 : 0), 1448);
        if (len <= 0 || len > 0x8000_0000) continue;
        return { peer: { flags: 'P.', seq: from, ack, len, win } };
      }
      case 6:
        if (peer.finSent) continue;
        peer.finSent = true;
        peer.sndNxt += 1;
        return { peer: { flags: 'F.', seq: peer.sndNxt - 1, ack, win } };
      case 7:
        if (!once('rst')) continue;
        return { peer: { flags: 'R', seq: peer.sndNxt + d.pick([0, 0, 1000, 100_000]) } };
      case 8:
        if (!once('syn')) continue;
        return { peer: { flags: 'S', seq: peer.sndNxt + d.pick([-1, 5]) } };
      case 9:
      case 10:
        return { call: 'send', length: d.pick([1, 100, 1000, 3000]), oob: d.below(6) === 0 };
      case 11:
        return { call: 'recv' };
      case 12:
        if (!once('close')) continue;
        return { call: d.pick(['shutdown', 'shutdown', 'close', 'abort'] as const) };
      case 13:
        // A third as often as the other kinds: about one script in five loses a segment (with the openings' losses).
        if (d.below(3) !== 0) continue;
        return { dropKernelNext: d.pick(['any', 'any', 'data', 'fin'] as const) };
      default:
        return { wait: d.pick([100, 300, 1000]) };
    }
  }
}

/** One random script played against the kernel on `host`, on `ports`. */
export async function runRandomOnLinux(host: KernelHost, seed: number, ports: Ports, settleMs: number): Promise<Recording> {
  const d = new Draw(seed);
  const linux: Side = d.below(2) === 0 ? 'server' : 'client';
  const script: Script = { linux, steps: [] };
  if (d.below(4) === 0) script.options = { rcvbuf: d.pick([1024, 2048, 4096]) };
  const run = new KernelRun(host, script, ports, settleMs);
  const play = async (step: Step): Promise<void> => {
    script.steps.push(step);
    await run.step(step);
  };
  try {
    // One opening in ten loses the kernel's SYN or SYN,ACK; the peer then waits for its retransmission (after
    // 1 s: RTT_MS + 800 ms leaves room) and answers that.
    const lost: Step[] = d.below(10) === 0 ? [{ dropKernelNext: 'syn' }] : [];
    const retransmitted: Step[] = lost.length ? [{ wait: 800 }] : [];
    const opening: Step[] =
      linux === 'server'
        ? [{ call: 'listen' }, ...lost, { peer: { flags: 'S', seq: 0 } }, ...retransmitted, { peer: { flags: '.', seq: 1, ack: 1 } }]
        : [...lost, { call: 'connect' }, ...retransmitted, { peer: { flags: 'S.', seq: 0, ack: 1 } }];
    for (const step of opening) await play(step);
    const peer: PeerState = { sndNxt: 1, finSent: false };
    const used = new Set<string>();
    for (let i = 0; i < MAX_STEPS && !['CLOSED', 'TIME_WAIT'].includes(run.view.state); i++) await play(nextStep(d, run, peer, used));
    return await run.finish();
  } finally {
    await host.call('reset');
  }
}

export interface Verdict {
  seed: number;
  recording: Recording;
  /** Segments, reads and states agree. */
  core: boolean;
  /** Windows and options agree too. */
  wire: boolean;
  /** The first line where the core transcripts differ, kernel | tcplab, numbers blanked: a rough cause. */
  firstDifference: string | null;
}

function blank(line: string | undefined): string {
  return (line ?? '(nothing)').trim().replace(/\d+/g, 'N');
}

export function verdict(seed: number, recording: Recording): Verdict {
  const kernel = linuxTranscripts(recording);
  const tcplab = tcplabTranscripts(recording);
  const at = kernel.core.findIndex((line, i) => line !== tcplab.core[i]);
  const differs = at >= 0 || tcplab.core.length !== kernel.core.length;
  const first = at >= 0 ? at : kernel.core.length;
  return {
    seed,
    recording,
    core: !differs,
    wire: !differs && JSON.stringify(kernel.wire) === JSON.stringify(tcplab.wire),
    firstDifference: differs ? `${blank(kernel.core[first])} | ${blank(tcplab.core[first])}` : null,
  };
}

export interface Batch {
  seed: number;
  verdicts: Verdict[];
  /** Share of scripts whose segments, reads and states agree; and whose windows and options agree too. */
  coreRate: number;
  wireRate: number;
  /** How often each first difference was seen, most frequent first. */
  differences: Array<[string, number]>;
}

/**
 * `count` random scripts, seeds `seed`, `seed + 1`, …, each on ports of its own, spread over `lanes`
 * namespaces that run at once (a run mostly waits, so lanes beyond the cores still pay). `settleMs` is the
 * pause after each step.
 */
export async function runRandomBatch(
  seed: number,
  count: number,
  options: { settleMs: number; lanes: number; progress?: (done: number) => void },
): Promise<Batch> {
  const verdicts: Verdict[] = new Array(count);
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    const host = await KernelHost.start();
    try {
      for (let i = next++; i < count; i = next++) {
        const ports = { linux: 10_000 + (i % 20_000), peer: 30_000 + (i % 20_000) };
        const s = (seed + i) >>> 0;
        verdicts[i] = verdict(s, await runRandomOnLinux(host, s, ports, options.settleMs));
        options.progress?.(++done);
      }
    } finally {
      await host.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.lanes, count) }, lane));
  const counts = new Map<string, number>();
  for (const v of verdicts) if (v.firstDifference) counts.set(v.firstDifference, (counts.get(v.firstDifference) ?? 0) + 1);
  return {
    seed,
    verdicts,
    coreRate: verdicts.filter((v) => v.core).length / count,
    wireRate: verdicts.filter((v) => v.wire).length / count,
    differences: [...counts].sort((a, b) => b[1] - a[1]),
  };
}

export function describeBatch(b: Batch): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const lossy = b.verdicts.filter((v) => v.recording.sent.some((s) => s.lost));
  return [
    `${b.verdicts.length} random scripts from seed ${b.seed}: segments, reads and states agree in ${pct(b.coreRate)}, windows and options too in ${pct(b.wireRate)}`,
    `${lossy.length} of them lost a segment of the kernel's; in those, segments, reads and states agree in ${pct(lossy.filter((v) => v.core).length / Math.max(1, lossy.length))}`,
    'first differences (kernel | tcplab), most frequent first:',
    ...b.differences.slice(0, 15).map(([line, n]) => `  ${String(n).padStart(5)}  ${line}`),
  ].join('\n');
}
