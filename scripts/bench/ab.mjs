// npm run bench:api:ab — two variants of the service compared in alternation, in one run, on one database: on a
// machine whose load changes from minute to minute (other processes on the same vCPUs), only figures measured
// side by side mean much. A variant is a build (a copy of dist/, e.g. `cp -r dist dist.before` before a change)
// and settings; each runs as a service of its own, both started at once, and each has its own database ceiling:
// its own recorded lifecycle (lifecycle.mjs), replayed on its own database URL. Then ROUNDS rounds, A then B in
// odd rounds and B then A in even ones; in each, per variant, the ceiling for AB_SECONDS and the service under
// the lifecycle load for AB_SECONDS. Prints each round with the load average, then the medians: steps/s, their
// share of the variant's ceiling, both p99s, the CPU per step (cpuMeter: less swayed by the load than throughput),
// and B/A.
// Env, per variant X = A or B: X_DIST (a build, default dist), X_ENV (settings, "NAME=value NAME=value"),
// X_NODE_ARGS (node flags, after the ones npm start uses: e.g. --max-semi-space-size=16 for V8's default),
// X_DATABASE_HOST (a Unix-socket folder such as /var/run/postgresql: the service and its ceiling reach PostgreSQL
// through it instead of TCP), X_WORKERS (default WEB_CONCURRENCY or 2), X_POOL_SIZE (per worker: default
// DATABASE_POOL_SIZE or 10; the ceiling's pool is workers × that). Also DATABASE_URL (else an embedded
// PostgreSQL), AB_SECONDS (default 15), AB_ROUNDS (default 4), AB_TOGETHER=1 (both loaded at once: see together()).
import { loadavg } from 'node:os';
import { autocannonRun as run, cpuMeter, database, fmt, machine, startService, transport } from './lib.mjs';
import { LIFECYCLE, cpuPerStep, databaseCeiling, lifecycleRequests, recordLifecycle } from './lifecycle.mjs';

const SECONDS = Number(process.env.AB_SECONDS ?? 15);
const TOGETHER = process.env.AB_TOGETHER === '1';
const ROUNDS = Number(process.env.AB_ROUNDS ?? 4);
const WARM_UP_SECONDS = 20;
const CONNECTIONS = 64;

function variant(name) {
  const env = Object.fromEntries(
    (process.env[`${name}_ENV`] ?? '')
      .split(' ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return {
    name,
    dist: process.env[`${name}_DIST`] ?? 'dist',
    env,
    host: process.env[`${name}_DATABASE_HOST`] ?? null,
    nodeArgs: (process.env[`${name}_NODE_ARGS`] ?? '').split(' ').filter(Boolean),
    workers: Number(process.env[`${name}_WORKERS`] ?? process.env.WEB_CONCURRENCY ?? 2),
    poolPerWorker: Number(process.env[`${name}_POOL_SIZE`] ?? process.env.DATABASE_POOL_SIZE ?? 10),
  };
}

/** The database's URL, through a Unix socket's folder when the variant names one. */
function urlFor(url, host) {
  if (!host) return url;
  const viaSocket = new URL(url);
  viaSocket.searchParams.set('host', host);
  return viaSocket.toString();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load1 = () => loadavg()[0].toFixed(1);
const ms = (x) => x.toFixed(2);

/**
 * AB_TOGETHER=1: both variants under load at the same time, half the connections each, for AB_SECONDS per round;
 * per round, each service's CPU per step over the same seconds. At load averages of 17–46 the machine changes
 * within seconds, and alternating phases measured the same build at 2.1 and 4.3 ms per step within three minutes:
 * side by side, the two builds share whatever the machine does, and their ratio is what is left. No ceilings, no
 * shares (the database and the load generator serve both at once): the CPU per step only.
 */
async function together(variants) {
  for (let round = 0; round < ROUNDS; round += 1) {
    const loadBefore = load1();
    const meters = await Promise.all(variants.map((v) => cpuMeter({ databaseUrl: v.url, servicePid: v.service.pid })));
    const results = await Promise.all(variants.map((v) => run({ url: v.service.base, connections: CONNECTIONS / 2, duration: SECONDS, requests: v.requests })));
    for (const [i, v] of variants.entries()) {
      const cpu = cpuPerStep(await meters[i].read(), results[i].requests.total);
      await meters[i].end();
      const errors = results[i].errors + results[i].non2xx + results[i].timeouts;
      v.rounds.push({ steps: (results[i].requests.average * LIFECYCLE.length) / v.requests.length, serviceCpu: cpu.service, p99: results[i].latency.p99, errors });
    }
    const [a, b] = variants.map((v) => v.rounds[round]);
    console.log(
      `round ${round + 1}: load ${loadBefore}–${load1()}; A ${fmt(a.steps)} steps/s, ${ms(a.serviceCpu)} ms of the service's CPU per step; B ${fmt(b.steps)} steps/s, ${ms(b.serviceCpu)} ms; B/A ${(b.serviceCpu / a.serviceCpu).toFixed(2)}${a.errors + b.errors ? `; errors A ${a.errors}, B ${b.errors}` : ''}`,
    );
  }
  console.log(`\nmachine: ${machine()}; both at once, ${CONNECTIONS / 2} connections each, ${ROUNDS} rounds of ${SECONDS} s, medians:`);
  for (const v of variants) console.log(`  ${v.name} (${v.dist}, ${v.workers} × ${v.poolPerWorker} connections): ${fmt(median(v.rounds.map((r) => r.steps)))} steps/s, the service's CPU per step ${ms(median(v.rounds.map((r) => r.serviceCpu)))} ms`);
  const ratios = variants[1].rounds.map((r, i) => r.serviceCpu / variants[0].rounds[i].serviceCpu);
  console.log(`  B/A of the service's CPU per step: median ${median(ratios).toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}); steps ${median(variants[1].rounds.map((r, i) => r.steps / variants[0].rounds[i].steps)).toFixed(2)}`);
}

async function main() {
  const db = await database('tcplab_ab');
  const variants = [variant('A'), variant('B')];
  const services = [];
  try {
    for (const [i, v] of variants.entries()) {
      v.url = urlFor(db.url, v.host);
      v.recorded = await recordLifecycle(v.url, { poolPerWorker: v.poolPerWorker, build: false, dist: v.dist, env: v.env, nodeArgs: v.nodeArgs });
      v.service = await startService({ databaseUrl: v.url, workers: v.workers, poolPerWorker: v.poolPerWorker, build: false, dist: v.dist, env: v.env, nodeArgs: v.nodeArgs, port: 3800 + ((process.pid + i) % 90) });
      services.push(v.service);
      v.requests = lifecycleRequests(v.service.key);
      v.rounds = [];
    }
    for (const v of variants) await run({ url: v.service.base, connections: CONNECTIONS, duration: WARM_UP_SECONDS, requests: v.requests });
    if (TOGETHER) return await together(variants);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        const loadBefore = load1();
        const ceiling = await databaseCeiling(v.url, v.recorded, { seconds: SECONDS, connections: CONNECTIONS, poolSize: v.workers * v.poolPerWorker });
        const ceilingSteps = (ceiling.perSecond * LIFECYCLE.length) / v.recorded.statements.length;
        const meter = await cpuMeter({ databaseUrl: v.url, servicePid: v.service.pid });
        const result = await run({ url: v.service.base, connections: CONNECTIONS, duration: SECONDS, requests: v.requests });
        const cpu = cpuPerStep(await meter.read(), result.requests.total);
        await meter.end();
        const ceilingCpu = cpuPerStep(ceiling.cpu, ceiling.statements);
        const steps = (result.requests.average * LIFECYCLE.length) / v.requests.length;
        const errors = result.errors + result.non2xx + result.timeouts;
        const r = { steps, ceilingSteps, share: steps / ceilingSteps, p99: result.latency.p99, ceilingP99: ceiling.p99, errors, serviceCpu: cpu.service, ourCpu: cpu.ours, ceilingCpu: ceilingCpu.ours };
        v.rounds.push(r);
        console.log(
          `round ${round + 1} ${v.name}: load ${loadBefore}–${load1()}; ceiling ${fmt(ceilingSteps)} steps/s (p99 ${ceiling.p99} ms); service ${fmt(steps)} steps/s = ${(100 * r.share).toFixed(0)}% (p99 ${r.p99} ms = ${(r.p99 / ceiling.p99).toFixed(1)} × the ceiling's)${errors ? `; ${errors} errors` : ''}`,
        );
        console.log(
          `    CPU ms per step: ceiling ${ms(ceilingCpu.generator)} pg loops + ${ms(ceilingCpu.postgres)} PostgreSQL; service ${ms(cpu.generator)} load generator + ${ms(cpu.service)} service + ${ms(cpu.postgres)} PostgreSQL; others ${ms(cpu.others)}, idle ${ms(cpu.idle)}`,
        );
      }
    }
    console.log(`\nmachine: ${machine()}; ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s each, medians:`);
    for (const v of variants) {
      const m = (key) => median(v.rounds.map((r) => r[key]));
      const setting = [v.dist, `${v.workers} × ${v.poolPerWorker} connections`, ...v.nodeArgs, ...Object.entries(v.env).map(([k, val]) => `${k}=${val}`), transport(v.url)].join(', ');
      console.log(`  ${v.name} (${setting}): ${fmt(m('steps'))} steps/s = ${(100 * m('share')).toFixed(0)}% of its ceiling's ${fmt(m('ceilingSteps'))}; p99 ${m('p99')} ms, the ceiling's ${m('ceilingP99')} ms; CPU ms per step: the service's ${ms(m('serviceCpu'))}, with the load generator and PostgreSQL ${ms(m('ourCpu'))}, the ceiling's ${ms(m('ceilingCpu'))}`);
    }
    const ratio = (key) => median(variants[1].rounds.map((r, i) => r[key] / variants[0].rounds[i][key])).toFixed(2);
    console.log(`  B/A, the median of the rounds' ratios: steps ${ratio('steps')}, share of the ceiling ${ratio('share')}, p99 ${ratio('p99')}, ceiling ${ratio('ceilingSteps')}, the service's CPU per step ${ratio('serviceCpu')}`);
  } finally {
    for (const service of services) await service.stop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
