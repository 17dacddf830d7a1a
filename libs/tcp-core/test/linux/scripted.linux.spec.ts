/**
 * The Linux kernel is the oracle. Each case (cases.ts) runs a script against a real Linux TCP socket in a
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
import { CASES } from './cases';
import { linuxTranscripts, tcplabTranscripts, type Transcripts } from './compare';
import { kernelUnavailable } from './kernel';
import { runOnLinux, type Recording } from './script';

const unavailable = kernelUnavailable();

function sideBySide(kernel: string[], tcplab: string[]): string {
  const width = Math.max(...kernel.map((l) => l.length));
  return Array.from({ length: Math.max(kernel.length, tcplab.length) }, (_, i) => {
    const [k, t] = [kernel[i] ?? '', tcplab[i] ?? ''];
    return `${k === t ? ' ' : '≠'} ${k.padEnd(width)} | ${t}`;
  }).join('\n');
}

if (unavailable) {
  // Jest prints no names from a file whose tests are all skipped, so the reason is also written out.
  console.warn(`tcplab against the Linux kernel — not run: ${unavailable}`);
  describe.skip(`tcplab against the Linux kernel — not run: ${unavailable}`, () => {
    it('needs a kernel it may configure', () => undefined);
  });
} else {
  describe('tcplab against the Linux kernel', () => {
    describe.each(CASES)('$name', ({ script, differs, wireDiffers }) => {
      let recording: Recording;
      let kernel: Transcripts;
      let tcplab: Transcripts;

      beforeAll(async () => {
        recording = await runOnLinux(script);
        kernel = linuxTranscripts(recording);
        tcplab = tcplabTranscripts(recording);
        if (process.env['LINUX_TRANSCRIPTS']) {
          process.stdout.write(`\n${sideBySide(kernel.core, tcplab.core)}\n\n${sideBySide(kernel.wire, tcplab.wire)}\n`);
        }
      }, 20_000);

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
