// npm run bench:soak — sustained mixed traffic: 64 connections against two workers for BENCH_SECONDS (at least
// 60), after a 10-s warm-up with the same traffic. Each connection plays, over and over: an auto-mode session
// (create, listen, connect, three sends, the trace, an advance, both closes, TIME_WAIT's expiry, the session and
// its events) and a manual-mode handshake (create, listen, SYN, SYN+ACK, ACK sent through /send).
// Prints throughput, p50/p99, the error count and the service's RSS at the start and end of the measured run,
// then PASS or FAIL: no error, and RSS grown by at most 20 %.
// Env: DATABASE_URL (else an embedded PostgreSQL), BENCH_SECONDS (default 60), WEB_CONCURRENCY (default 2).
import { autocannonRun, database, fmt, machine, mib, rssOfTree, sleep, startService } from './lib.mjs';

const SECONDS = Math.max(60, Number(process.env.BENCH_SECONDS ?? 60));
const WARM_UP_SECONDS = 10;
const WORKERS = Number(process.env.WEB_CONCURRENCY ?? 2);
const CONNECTIONS = 64;
const MAX_RSS_GROWTH = 0.2;

function mixedTraffic(key) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const create = (body, slot) => ({
    method: 'POST',
    path: '/v1/sessions',
    headers,
    body: JSON.stringify(body),
    onResponse: (status, responseBody, context) => {
      if (status === 201) context[slot] = JSON.parse(responseBody).id;
    },
  });
  const on = (slot, method, route, body) => ({
    method,
    headers,
    setupRequest: (req, context) => ({ ...req, path: `/v1/sessions/${context[slot]}${route}`, ...(body ? { body: JSON.stringify(body) } : {}) }),
  });
  return [
    create({ mode: 'auto' }, 'auto'),
    on('auto', 'POST', '/calls', { endpoint: 'server', call: 'listen' }),
    on('auto', 'POST', '/calls', { endpoint: 'client', call: 'connect' }),
    on('auto', 'POST', '/calls', { endpoint: 'client', call: 'send', data: 'GET / HTTP/1.1\r\n\r\n' }),
    on('auto', 'POST', '/calls', { endpoint: 'server', call: 'send', data: 'HTTP/1.1 200 OK\r\n\r\n' }),
    on('auto', 'POST', '/calls', { endpoint: 'client', call: 'send', length: 1000 }),
    on('auto', 'GET', '/trace?format=tcpdump'),
    on('auto', 'POST', '/advance', { ms: 200 }),
    on('auto', 'POST', '/calls', { endpoint: 'client', call: 'close' }),
    on('auto', 'POST', '/calls', { endpoint: 'server', call: 'close' }),
    on('auto', 'POST', '/advance', { ms: 60_000 }),
    on('auto', 'GET', ''),
    on('auto', 'GET', '/events?limit=50'),
    create({ mode: 'manual' }, 'manual'),
    on('manual', 'POST', '/calls', { endpoint: 'server', call: 'listen' }),
    on('manual', 'POST', '/send', { from: 'client', flags: ['SYN'] }),
    on('manual', 'POST', '/send', { from: 'server', flags: ['SYN', 'ACK'] }),
    on('manual', 'POST', '/send', { from: 'client', flags: ['ACK'] }),
  ];
}

async function main() {
  const db = await database('tcplab_soak');
  const service = await startService({ databaseUrl: db.url, workers: WORKERS, poolPerWorker: 10 });
  try {
    const requests = mixedTraffic(service.key);
    const idle = rssOfTree(service.pid);
    const warmUp = await autocannonRun({ url: service.base, connections: CONNECTIONS, duration: WARM_UP_SECONDS, requests });
    await sleep(1_000);
    const start = rssOfTree(service.pid);
    const samples = [start];
    const sampler = setInterval(() => samples.push(rssOfTree(service.pid)), 1_000);
    const soak = await autocannonRun({ url: service.base, connections: CONNECTIONS, duration: SECONDS, requests });
    clearInterval(sampler);
    const end = rssOfTree(service.pid);
    const errors = soak.errors + soak.non2xx + soak.timeouts;
    const growth = (end - start) / start;

    console.log(`\nmachine: ${machine()}; ${WORKERS} workers, ${CONNECTIONS} connections, ${WARM_UP_SECONDS} s warm-up (${fmt(warmUp.requests.average)} req/s), then ${SECONDS} s measured`);
    console.log(`traffic: ${requests.length} requests per round (2 sessions: auto-mode lifecycle with trace, manual handshake through /send)`);
    console.log(`throughput:  ${fmt(soak.requests.average)} req/s (${fmt(soak.requests.total)} requests)`);
    console.log(`latency:     p50 ${soak.latency.p50} ms, p99 ${soak.latency.p99} ms, max ${soak.latency.max} ms`);
    console.log(`errors:      ${errors} (non-2xx ${soak.non2xx}, socket errors ${soak.errors}, timeouts ${soak.timeouts})`);
    console.log(`RSS:         idle ${mib(idle)}, start ${mib(start)}, peak ${mib(Math.max(...samples, end))}, end ${mib(end)} (${growth >= 0 ? '+' : ''}${(100 * growth).toFixed(1)}%)`);
    const pass = errors === 0 && growth <= MAX_RSS_GROWTH;
    console.log(`${pass ? 'PASS' : 'FAIL'}: ${errors} errors, RSS ${growth >= 0 ? '+' : ''}${(100 * growth).toFixed(1)}% (at most +${100 * MAX_RSS_GROWTH}%)`);
    process.exitCode = pass ? 0 : 1;
  } finally {
    await service.stop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
