// Loaded into the service by bench:api (`node --require`; cluster workers inherit it): what the benchmark needs
// to see inside the service, and nothing when neither is asked for.
//   BENCH_RECORD=<file>: every statement sent to PostgreSQL — its name, text and parameters as the driver puts
//     them on the wire — one JSON line each; the database ceiling replays them.
//   SIGUSR2 (to a worker): the first starts a CPU profile and counts requests and the time spent waiting for
//     PostgreSQL (for a pooled connection, and for each statement's answer); the second stops and writes
//     BENCH_PROBE_DIR/<pid>.json with the profile and those counts.
const { appendFileSync, renameSync, writeFileSync } = require('node:fs');
const { subscribe } = require('node:diagnostics_channel');
const { Session } = require('node:inspector');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { Client, Pool } = require('pg');
const { prepareValue } = require('pg/lib/utils');

const record = process.env.BENCH_RECORD;
let window = null;

/** Calls `done` when the query or connect call ends, whichever form (callback or promise) it was made in. */
function timed(original, args, done) {
  const last = args.length - 1;
  if (typeof args[last] === 'function') {
    const callback = args[last];
    args[last] = function (...results) {
      done();
      return callback.apply(this, results);
    };
    return original(...args);
  }
  const result = original(...args);
  if (result && typeof result.then === 'function') result.then(done, done);
  return result;
}

const query = Client.prototype.query;
Client.prototype.query = function (config, values, ...rest) {
  if (record && config && typeof config !== 'function') {
    const statement = typeof config === 'string' ? { text: config, values } : config;
    const line = { name: statement.name ?? null, text: statement.text, values: (statement.values ?? []).map((v) => prepareValue(v)) };
    appendFileSync(record, JSON.stringify(line) + '\n');
  }
  if (!window) return query.call(this, config, values, ...rest);
  const at = performance.now();
  const counting = window;
  return timed((...args) => query.apply(this, args), [config, values, ...rest].slice(0, arguments.length), () => {
    counting.statements += 1;
    counting.statementMs += performance.now() - at;
  });
};

const connect = Pool.prototype.connect;
Pool.prototype.connect = function (...args) {
  if (!window) return connect.apply(this, args);
  const at = performance.now();
  const counting = window;
  return timed((...a) => connect.apply(this, a), args, () => {
    counting.poolWaitMs += performance.now() - at;
  });
};

subscribe('http.server.request.start', () => {
  if (window) window.requests += 1;
});

process.on('SIGUSR2', () => {
  const session = window?.session ?? new Session();
  if (!window) {
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    window = { session, began: performance.now(), requests: 0, statements: 0, statementMs: 0, poolWaitMs: 0 };
    return;
  }
  const counting = window;
  window = null;
  session.post('Profiler.stop', (error, result) => {
    session.disconnect();
    const { session: _, began, ...counts } = counting;
    const file = join(process.env.BENCH_PROBE_DIR ?? '.', `${process.pid}.json`);
    // Whole or not at all: the bench reads the file as soon as it appears.
    writeFileSync(`${file}.partial`, JSON.stringify({ ...counts, ms: performance.now() - began, profile: error ? null : result.profile }));
    renameSync(`${file}.partial`, file);
  });
});
