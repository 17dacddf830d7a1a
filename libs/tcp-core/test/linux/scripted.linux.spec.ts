/**
 * The Linux kernel is the oracle. Each case (cases.ts; loss-cases.ts, where the network loses a kernel's segment) runs a script against a real Linux TCP socket in a
 * private network namespace, the user-space peer writing raw packets on a TUN device (kernel.ts,
 * kernel-side.py), and then drives tcplab with the same inputs at the same times (compare.ts). tcplab must
 * predict every segment the kernel sent, what each recv read and the state after each step — and, in a
 * second test, the window fields and options.
 *
 * Where tcplab disagrees with the kernel today, the test is a test.failing naming the cause (also listed in
 * docs/linux-differences.md): it passes while the difference exists and fails once the core is fixed, so
 * that the fix is noticed and the test made plain. LINUX_TRANSCRIPTS=1 prints both transcripts of each case.
 *
 * Needs root, `ip netns`, /dev/net/tun and python3; without them the suite is skipped and says why.
 */
import { CASES as PLAIN_CASES } from './cases';
import { linuxTranscripts, tcplabTranscripts, type Transcripts } from './compare';
import { kernelSkipReason } from './kernel';
import { LOSS_CASES } from './loss-cases';
import { runOnLinux, type Recording } from './script';

const unavailable = kernelSkipReason();
const CASES = [...PLAIN_CASES, ...LOSS_CASES];

function sideBySide(kernel: string[], tcplab: string[]): string {
  const width = Math.max(...kernel.map((l) => l.length));
  return Array.from({ length: Math.max(kernel.length, tcplab.length) }, (_, i) => {
    const [k, t] = [kernel[i] ?? '', tcplab[i] ?? ''];
    return `${k === t ? ' ' : '≠'} ${k.padEnd(width)} | ${t}`;
  }).join('\n');
}

/** Cases recorded at once: each has its own namespace, and a run mostly waits. */
const LANES = 4;

/** Every case's recording, or why it could not be made, in CASES order. */
async function recordAll(): Promise<Array<Recording | Error>> {
  const out: Array<Recording | Error> = new Array(CASES.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < CASES.length; i = next++) {
      out[i] = await runOnLinux(CASES[i]!.script).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return out;
}

if (unavailable) {
  // Jest prints no names from a file whose tests are all skipped, so the reason is also written out.
  console.warn(`tcplab against the Linux kernel — not run: ${unavailable}`);
  describe.skip(`tcplab against the Linux kernel — not run: ${unavailable}`, () => {
    it('needs a kernel it may configure', () => undefined);
  });
} else {
  describe('tcplab against the Linux kernel', () => {
    let recordings: Array<Recording | Error>;

    beforeAll(async () => {
      recordings = await recordAll();
    }, 600_000);

    describe.each(CASES)('$name', (c) => {
      const { script, differs, wireDiffers } = c;
      let recording: Recording;
      let kernel: Transcripts;
      let tcplab: Transcripts;

      beforeAll(() => {
        const r = recordings[CASES.indexOf(c)]!;
        if (r instanceof Error) throw r;
        recording = r;
        kernel = linuxTranscripts(recording);
        tcplab = tcplabTranscripts(recording);
        if (process.env['LINUX_TRANSCRIPTS']) {
          process.stdout.write(`\n${c.name}\n${sideBySide(kernel.core, tcplab.core)}\n\n${sideBySide(kernel.wire, tcplab.wire)}\n`);
        }
      });

      it('the kernel ran every step', () => {
        expect(recording.steps.map((s) => s.errno ?? 'ok')).toEqual(script.steps.map(() => 'ok'));
      });

      (differs ? it.failing : it)(`segments, reads and states${differs ? ` differ: ${differs}` : ' agree'}`, () => {
        expect(tcplab.core).toEqual(kernel.core);
      });

      (wireDiffers ? it.failing : it)(`windows and options${wireDiffers ? ` differ: ${wireDiffers}` : ' agree'}`, () => {
        expect(tcplab.wire).toEqual(kernel.wire);
      });
    });
  });
}
