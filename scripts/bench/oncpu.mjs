// npm run bench:api:oncpu — where one worker's CPU goes under the lifecycle load, from the kernel's on-CPU samples
// (`perf record -e cpu-clock`, every thread of the worker: the main thread, V8's GC helpers and compiler) rather
// than V8's profiler, which samples by the clock: on a busy machine a system call during which the kernel runs
// another process counts in full there, and socket writes seemed to take 30 % of a worker (docs/scaling.md).
// Here a sample is taken only while the worker runs. The worker is one process (WEB_CONCURRENCY=1) started with
// --perf-basic-prof, so that perf can name the JIT-compiled JavaScript; V8 moves and reuses code addresses, so its
// map is cut down to the latest code at each address before perf reads it. Each sample goes to the first part its
// stack names, from the innermost frame out; kernel time to the socket write or read it is part of.
// Needs `perf` (Debian: linux-perf) and root or kernel.perf_event_paranoid ≤ 1 for another process's samples.
// Env: DATABASE_URL (else an embedded PostgreSQL), ONCPU_WARM_UP (s, default 30), ONCPU_SECONDS (s, default 20),
// ONCPU_DIST (the build, default dist), ONCPU_CONNECTIONS (default 32).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { autocannonRun as run, cpuMsOf, database, machine, startService, transport } from './lib.mjs';
import { lifecycleRequests } from './lifecycle.mjs';

const WARM_UP = Number(process.env.ONCPU_WARM_UP ?? 30);
const SECONDS = Number(process.env.ONCPU_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.ONCPU_CONNECTIONS ?? 32);

/** perf's map of JIT code, each address left to the latest code V8 put there (the file only ever grows). */
function latestCodeOnly(mapFile) {
  const entries = readFileSync(mapFile, 'utf8').trim().split('\n').map((line) => {
    const [start, size] = line.split(' ');
    const s = BigInt(`0x${start}`);
    return { s, e: s + BigInt(`0x${size}`), line };
  });
  const kept = []; // sorted by start, not overlapping
  for (const entry of entries.reverse()) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid].e <= entry.s) lo = mid + 1;
      else hi = mid;
    }
    if (lo < kept.length && kept[lo].s < entry.e) continue;
    kept.splice(lo, 0, entry);
  }
  writeFileSync(mapFile, kept.map((k) => k.line).join('\n') + '\n');
}

const PG = /node_modules\/(pg|pg-[a-z]+|postgres-[a-z]+)\/|sessions\.repository/;
const GC = /Heap::|Scavenge|MarkCompact|Sweeper|Marking|Evacuat|MinorMC/;
const COMPILER = /compiler::|Pipeline|Compiler::|baseline::|Maglev|CompileLazy/;
/** Parts a JavaScript frame names, tried from the innermost frame out. */
const PARTS = [
  ['validation (class-validator, class-transformer, the pipe)', /class-validator|class-transformer|validation\.pipe|close-array-gaps|common\/validation\.js/],
  ['core: rendering (event messages, tcpdump lines)', /tcp-core\/src\/render/],
  ['core: the step', /tcp-core\/src/],
  ['presenting the answer', /session\.presenter|stepReply/],
  ['the answer as JSON (Fastify serialize: JSON.stringify)', /[*^~]serialize \S*fastify\/lib\/reply\.js/],
  ['API key guard (the key, the route’s access metadata)', /auth\/api-key/],
  ['helmet headers', /helmet/],
  ['pg client (parameters as JSON, protocol, pool, rows)', PG],
];
/** Where a frame-less (innermost JavaScript) sample goes when no part above matched. */
function byInnermost(frame, native) {
  if (/_http_|llhttp/.test(frame) || /Parser::|llhttp/.test(native)) return 'HTTP in node (parser, headers)';
  if (/streams|stream_base|node:net/.test(frame)) return 'streams and sockets (JavaScript side)';
  if (frame.includes('@nestjs')) return 'Nest (router, guards, pipes, parameters)';
  if (/fastify|find-my-way|middie|secure-json-parse/.test(frame)) return 'Fastify (routing, hooks, body, reply)';
  if (frame.includes('/dist/apps/api/')) return 'the service (controller, service, guards, hooks)';
  return 'other (promises, timers, node internals, malloc)';
}

function classify(sample) {
  const lines = sample.split('\n');
  const [pid, tid] = lines[0].trim().split(/\s+/)[0].split('/');
  const frames = lines.slice(1).map((l) => l.trim().replace(/^[0-9a-f]+ /, ''));
  if (pid !== tid) return GC.test(frames.join(' ')) ? 'GC helper threads' : COMPILER.test(frames.join(' ')) ? 'JIT compiler thread' : 'other threads';
  const firstJs = frames.findIndex((f) => f.startsWith('JS:'));
  const native = (firstJs < 0 ? frames : frames.slice(0, firstJs)).join(' ');
  if (GC.test(native)) return 'GC on the main thread';
  if (COMPILER.test(native)) return 'compiling on the main thread';
  const js = frames.filter((f) => f.startsWith('JS:'));
  if (/^ffffffff/.test(lines[1]?.trim() ?? '')) {
    if (/writev|sendmsg|write_iter/.test(native)) return js.some((f) => PG.test(f)) ? 'kernel: socket writes to PostgreSQL' : 'kernel: socket writes to clients';
    return /read|recv/.test(native) ? 'kernel: socket reads' : 'kernel: other';
  }
  for (const frame of js) {
    const part = PARTS.find(([, pattern]) => pattern.test(frame));
    if (part) return part[0];
  }
  return byInnermost(js[0] ?? '', native);
}

async function main() {
  const db = await database('tcplab_oncpu');
  const dir = join(tmpdir(), `tcplab-oncpu-${process.pid}`);
  const service = await startService({ databaseUrl: db.url, workers: 1, poolPerWorker: 10, build: false, dist: process.env.ONCPU_DIST ?? 'dist', nodeArgs: ['--perf-basic-prof', '--interpreted-frames-native-stack'] });
  const data = `${dir}.data`;
  const mapFile = `/tmp/perf-${service.pid}.map`;
  try {
    const requests = lifecycleRequests(service.key);
    await run({ url: service.base, connections: CONNECTIONS, duration: WARM_UP, requests });
    const loadBefore = loadavg()[0];
    const perf = spawn('perf', ['record', '-F', '999', '-g', '-e', 'cpu-clock', '-o', data, '-p', String(service.pid), '--', 'sleep', String(SECONDS)], { stdio: 'ignore' });
    const ranBefore = cpuMsOf(service.pid);
    const result = await run({ url: service.base, connections: CONNECTIONS, duration: SECONDS, requests });
    const ranMs = cpuMsOf(service.pid) - ranBefore;
    await new Promise((resolve) => perf.once('exit', resolve));
    copyFileSync(mapFile, `${mapFile}.as-written`);
    latestCodeOnly(mapFile);
    const script = execFileSync('perf', ['script', '-i', data, '-F', 'tid,pid,ip,sym'], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    const counts = new Map();
    let total = 0;
    for (const sample of script.split('\n\n').filter((s) => s.trim())) {
      const part = classify(sample);
      counts.set(part, (counts.get(part) ?? 0) + 1);
      total += 1;
    }
    const perRequest = ranMs / result.requests.total;
    console.log(`\nmachine: ${machine()}; one worker, ${transport(db.url)}; ${CONNECTIONS} connections, ${WARM_UP} s warm-up, ${SECONDS} s sampled (load average ${loadBefore.toFixed(1)} at its start, ${loadavg()[0].toFixed(1)} at its end)`);
    console.log(`${result.requests.total} requests (${Math.round(result.requests.average)}/s); the worker's CPU time (/proc): ${perRequest.toFixed(3)} ms per request; ${total} on-CPU samples:`);
    for (const [part, n] of [...counts].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${part.padEnd(58)} ${((100 * n) / total).toFixed(1).padStart(5)} %  ${((perRequest * n) / total).toFixed(3).padStart(7)} ms`);
    }
  } finally {
    await service.stop();
    await db.drop();
    for (const file of [data, mapFile, `${mapFile}.as-written`]) rmSync(file, { force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
