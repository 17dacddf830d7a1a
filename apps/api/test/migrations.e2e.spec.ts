import { randomUUID } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';

/**
 * The migrations on a database that already holds data: sessions, their history and Idempotency-Keys made
 * before tenants existed move to one tenant made for them, keyed by it; and every migration reverts. In a
 * schema of its own inside the run's database, so that nothing else sees it.
 */

const url = process.env['DATABASE_URL']!;
const schema = `migrations_${process.pid}`;
const ALL = dataSourceOptions(url, 1);
const BEFORE_TENANTS = 2;

function connect(migrations: DataSourceOptions['migrations']): Promise<DataSource> {
  return new DataSource({ ...ALL, migrations, extra: { max: 1, options: `-c search_path=${schema}` } } as DataSourceOptions).initialize();
}

let admin: DataSource;

beforeAll(async () => {
  admin = await new DataSource({ type: 'postgres', url }).initialize();
  await admin.query(`CREATE SCHEMA ${schema}`);
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.destroy();
});

it('sessions, history and Idempotency-Keys made before tenants go to one tenant and are keyed by it; every migration reverts', async () => {
  const before = await connect((ALL.migrations as Function[]).slice(0, BEFORE_TENANTS));
  await before.runMigrations({ transaction: 'all' });
  const id = randomUUID();
  await before.query(
    `INSERT INTO sessions (id, version, mode, client_state, server_state, options, snapshot, step_count) VALUES ($1, 2, 'auto', 'CLOSED', 'LISTEN', '{}', '{}', 1)`,
    [id],
  );
  await before.query(`INSERT INTO session_steps (session_id, n, input, events, segments, first_event) VALUES ($1, 1, '{}', '[]', '[]', 0)`, [id]);
  await before.query(`INSERT INTO idempotency_keys (key, fingerprint, status, headers, body) VALUES ('k1', 'f', 201, '{}', '{}')`);
  await before.destroy();

  const db = await connect(ALL.migrations);
  try {
    const ran = await db.runMigrations({ transaction: 'all' });
    expect(ran.length).toBe((ALL.migrations as unknown[]).length - BEFORE_TENANTS);
    const tenants: Array<{ id: string; name: string }> = await db.query(`SELECT id, name FROM tenants`);
    expect(tenants).toEqual([{ id: expect.any(String), name: 'sessions made before tenants' }]);
    const owner = tenants[0]!.id;
    expect(await db.query(`SELECT tenant_id FROM sessions`)).toEqual([{ tenant_id: owner }]);
    expect(await db.query(`SELECT tenant_id, session_id, n FROM session_steps`)).toEqual([{ tenant_id: owner, session_id: id, n: 1 }]);
    expect(await db.query(`SELECT tenant_id, key FROM idempotency_keys`)).toEqual([{ tenant_id: owner, key: 'k1' }]);
    const keys: Array<{ table: string; key: string }> = await db.query(
      `SELECT c.relname AS table, pg_get_constraintdef(k.oid) AS key FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
       WHERE k.contype = 'p' AND c.relnamespace = $1::regnamespace ORDER BY 1`,
      [schema],
    );
    expect(keys.filter((k) => ['sessions', 'session_steps', 'idempotency_keys'].includes(k.table))).toEqual([
      { table: 'idempotency_keys', key: 'PRIMARY KEY (tenant_id, key)' },
      { table: 'session_steps', key: 'PRIMARY KEY (tenant_id, session_id, n)' },
      { table: 'sessions', key: 'PRIMARY KEY (tenant_id, id)' },
    ]);

    for (let i = 0; i < (ALL.migrations as unknown[]).length; i += 1) await db.undoLastMigration({ transaction: 'all' });
    const left: Array<{ table_name: string }> = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'migrations'`, [schema]);
    expect(left).toEqual([]);
  } finally {
    await db.destroy();
  }
});
