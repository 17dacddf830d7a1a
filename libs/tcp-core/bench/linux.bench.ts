/**
 * Agreement with the Linux kernel over many random scripts (test/linux/random.ts): how often tcplab predicts
 * every segment, read and state the kernel produced, and how often windows and options too, with the most
 * frequent first differences. Needs root, ip netns, /dev/net/tun and python3, as `npm run test:linux` does.
 *
 *   npm run bench:linux                 # 10,000 scripts from a random seed (printed)
 *   BENCH_SCRIPTS=500 BENCH_SEED=42 npm run bench:linux
 *
 * BENCH_SETTLE_MS is the longest a step waits for an ACK the kernel owes (default: the test suite's, 100 ms):
 * shorter runs more scripts per second, but Linux's delayed ACKs then fall after the next step. BENCH_LANES
 * namespaces run at once (default 32, as in the test suite: a run mostly waits).
 */
import { randomInt } from 'node:crypto';
import { kernelUnavailable } from '../test/linux/kernel';
import { describeBatch, runRandomBatch } from '../test/linux/random';
import { SETTLE_MS as SCRIPT_SETTLE_MS } from '../test/linux/script';

const COUNT = Number(process.env['BENCH_SCRIPTS'] ?? 10_000);
const SEED = Number(process.env['BENCH_SEED'] ?? randomInt(0x7fff_ffff));
const SETTLE_MS = Number(process.env['BENCH_SETTLE_MS'] ?? SCRIPT_SETTLE_MS);
const LANES = Number(process.env['BENCH_LANES'] ?? 32);

async function main(): Promise<void> {
  const unavailable = kernelUnavailable();
  if (unavailable) {
    console.error(`bench:linux cannot run here: ${unavailable}`);
    process.exitCode = 1;
    return;
  }
  console.log(`bench:linux: ${COUNT} random scripts from seed ${SEED} (BENCH_SEED=${SEED} repeats them), up to ${SETTLE_MS} ms after each step, ${LANES} at once`);
  const started = Date.now();
  const batch = await runRandomBatch(SEED, COUNT, {
    settleMs: SETTLE_MS,
    lanes: LANES,
    progress: (done) => {
      if (done % 100 === 0) process.stderr.write(`  ${done} / ${COUNT}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    },
  });
  console.log(describeBatch(batch));
  console.log(`${((Date.now() - started) / 1000).toFixed(0)} s, ${(COUNT / ((Date.now() - started) / 1000)).toFixed(1)} scripts/s`);
}

void main();
