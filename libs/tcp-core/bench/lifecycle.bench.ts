/**
 * Throughput of the tcp-core simulator: full connection lifecycles in auto
 * mode over a reliable network, on one core, in one process.
 *
 *   handshake (3 segments) · 10 SENDs of 100 octets each way, each ACKed
 *   (40) · both RECEIVE · CLOSE by client then server (4) · TIME_WAIT
 *   expiry via advance (2 × MSL)
 *
 * Counts the segments put on the wire (the sum of `result.segments`
 * lengths) over a fixed wall-clock time after a warm-up, and prints
 * segments/s and lifecycles/s. Run with `npm run bench:core`;
 * BENCH_SECONDS and BENCH_WARMUP_SECONDS override the durations.
 */
import * as os from 'node:os';
import { createConnection, step, type Connection, type Input } from '../src';

const DATA_SEGMENTS_EACH_WAY = 10;
const SEGMENT_OCTETS = 100;
const MEASURE_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 1);

const LISTEN: Input = { type: 'call', endpoint: 'server', call: 'listen' };
const CONNECT: Input = { type: 'call', endpoint: 'client', call: 'connect' };
const CLIENT_SEND: Input = { type: 'call', endpoint: 'client', call: 'send', data: { length: SEGMENT_OCTETS } };
const SERVER_SEND: Input = { type: 'call', endpoint: 'server', call: 'send', data: { length: SEGMENT_OCTETS } };
const CLIENT_RECEIVE: Input = { type: 'call', endpoint: 'client', call: 'receive' };
const SERVER_RECEIVE: Input = { type: 'call', endpoint: 'server', call: 'receive' };
const CLIENT_CLOSE: Input = { type: 'call', endpoint: 'client', call: 'close' };
const SERVER_CLOSE: Input = { type: 'call', endpoint: 'server', call: 'close' };

/** One lifecycle; returns the number of segments put on the wire. */
function lifecycle(seed: number): number {
  let c: Connection = createConnection({ seed });
  let segments = 0;
  const go = (input: Input): void => {
    const r = step(c, input);
    if (!r.outcome.ok) throw new Error(`step refused ${JSON.stringify(input)}: ${JSON.stringify(r.outcome.error)}`);
    segments += r.segments.length;
    c = r.connection;
  };
  go(LISTEN);
  go(CONNECT);
  for (let i = 0; i < DATA_SEGMENTS_EACH_WAY; i++) {
    go(CLIENT_SEND);
    go(SERVER_SEND);
  }
  go(CLIENT_RECEIVE);
  go(SERVER_RECEIVE);
  go(CLIENT_CLOSE);
  go(SERVER_CLOSE);
  go({ type: 'advance', ms: 2 * c.config.msl_ms + 1 });
  if (c.client.state !== 'CLOSED' || c.server.state !== 'CLOSED') {
    throw new Error(`lifecycle did not end CLOSED: client ${c.client.state}, server ${c.server.state}`);
  }
  return segments;
}

function runFor(seconds: number, seedBase: number): { lifecycles: number; segments: number; elapsedMs: number; cpuMs: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const until = start + seconds * 1000;
  let lifecycles = 0;
  let segments = 0;
  let now = start;
  // Check the clock every 64 lifecycles, so that reading it costs nothing measurable.
  while (now < until) {
    for (let i = 0; i < 64; i++) segments += lifecycle((seedBase + lifecycles++) >>> 0);
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpuStart);
  return { lifecycles, segments, elapsedMs: now - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function main(): void {
  const perLifecycle = lifecycle(1);
  const expected = 3 + 4 * DATA_SEGMENTS_EACH_WAY + 4;
  if (perLifecycle !== expected) console.warn(`note: a lifecycle put ${perLifecycle} segments on the wire (expected ${expected})`);

  runFor(WARMUP_SECONDS, 1_000_000);
  const { lifecycles, segments, elapsedMs, cpuMs } = runFor(MEASURE_SECONDS, 0);
  const seconds = elapsedMs / 1000;

  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(`tcp-core lifecycle bench: ${perLifecycle} segments per lifecycle, ${fmt(lifecycles)} lifecycles in ${seconds.toFixed(2)} s`);
  console.log(`segments/s: ${fmt(segments / seconds)}`);
  console.log(`lifecycles/s: ${fmt(lifecycles / seconds)}`);
  // On a shared machine the wall-clock figure drops when other processes take the core; CPU time shows it.
  console.log(`cpu: ${((100 * cpuMs) / elapsedMs).toFixed(0)}% of one core during the run (${fmt(segments / (cpuMs / 1000))} segments per CPU-second)`);
  console.log(`node: ${process.version}`);
  console.log(`cpu model: ${os.cpus()[0]?.model ?? 'unknown'}`);
}

main();
