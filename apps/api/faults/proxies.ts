import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, sleep } from './harness';

/**
 * HAProxy and PgBouncer as the Debian packages install them (`apt-get install haproxy pgbouncer`), run as a test's
 * own processes: a config file in a temporary folder, a port of the test's own (harness.ts), stopped and removed by
 * `stop()`. No system service is used or touched.
 */

export interface Proxy {
  port: number;
  /** What the process wrote to stderr: shown when it fails to start. */
  output: () => string;
  stop: () => Promise<void>;
}

function run(command: string, args: string[], dir: string, port: number): Proxy & { process: ChildProcess } {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let written = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    written += chunk.toString('utf8');
  });
  child.on('error', (error) => {
    written += `${error.message} (the Debian packages: apt-get install haproxy pgbouncer)\n`;
  });
  const exited = once(child, 'exit');
  return {
    port,
    process: child,
    output: () => written,
    stop: async () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function until(ready: () => Promise<boolean>, proxy: Proxy & { process: ChildProcess }, name: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await ready().catch(() => false))) {
    if (proxy.process.exitCode !== null || proxy.process.pid === undefined || Date.now() > deadline) {
      await proxy.stop();
      throw new Error(`${name} did not start:\n${proxy.output()}`);
    }
    await sleep(100);
  }
}

/**
 * PgBouncer in front of `databaseUrl`'s database, in transaction pooling: `poolSize` server connections shared by
 * all its clients, each held for one transaction only. Resolves with the URL the service connects to (database
 * `tcplab`, user `postgres`, no password: the clients are trusted; PgBouncer logs in with the URL's password).
 */
export async function startPgBouncer(databaseUrl: string, poolSize: number): Promise<Proxy & { url: string; adminUrl: string }> {
  const target = new URL(databaseUrl);
  const port = freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tcplab-pgbouncer-'));
  // PgBouncer refuses to run as root; as root it is started as `postgres`, which must read the folder.
  chmodSync(dir, 0o755);
  const server = [
    `host=${target.hostname}`,
    `port=${target.port || 5432}`,
    `dbname=${target.pathname.slice(1)}`,
    `user=${decodeURIComponent(target.username || 'postgres')}`,
    ...(target.password ? [`password=${decodeURIComponent(target.password)}`] : []),
  ].join(' ');
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `tcplab = ${server} pool_size=${poolSize}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 500',
      'admin_users = postgres',
      // A client that waits longer than this for a server connection gets an error instead of hanging.
      'query_wait_timeout = 30',
      '',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  const proxy = run('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], dir, port);
  const url = `postgres://postgres@127.0.0.1:${port}/tcplab`;
  await until(
    async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      await client.end();
      return true;
    },
    proxy,
    'PgBouncer',
  );
  return { ...proxy, url, adminUrl: `postgres://postgres@127.0.0.1:${port}/pgbouncer` };
}

/**
 * HAProxy balancing HTTP requests round robin over `backends` (ports on 127.0.0.1), with a health check on
 * /health/live every 500 ms (down after two failed). A request that could not connect to its server is sent to
 * another (`retry-on conn-failure` with `option redispatch`): it never reached a replica, so that is safe for a
 * POST. A request cut after it reached a replica is not sent again: only the client can know whether to. Each
 * answer says in `X-Replica` which server gave it.
 */
export async function startHaproxy(backends: number[]): Promise<Proxy & { url: string }> {
  const port = freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tcplab-haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 1000',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 30s',
      '  timeout server 30s',
      // A busy machine (CI) must not take a healthy replica out: a check may take this long.
      '  timeout check 2s',
      '  retries 3',
      '  option redispatch 1',
      '  retry-on conn-failure',
      'frontend api',
      `  bind 127.0.0.1:${port}`,
      '  default_backend replicas',
      'backend replicas',
      '  balance roundrobin',
      '  option httpchk GET /health/live',
      '  default-server check inter 500ms fall 2 rise 1',
      '  http-response set-header X-Replica %[srv_name]',
      ...backends.map((backend, i) => `  server replica${i + 1} 127.0.0.1:${backend}`),
      '',
    ].join('\n'),
  );
  // -db: stay in the foreground, as a child of the test.
  const proxy = run('haproxy', ['-db', '-f', config], dir, port);
  const url = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${url}/health/live`)).ok, proxy, 'HAProxy');
  return { ...proxy, url };
}
