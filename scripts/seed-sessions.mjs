// npm run seed:sessions -- <count> [template-session-id]
// Fills DATABASE_URL's (migrated) database with <count> more sessions, for measuring how requests scale with
// the number of stored sessions. Each is a copy of a template session — its row and its whole history, under a
// new id — spread over 1,000 tenants, with creation times spread over the past days. Without a template id,
// the newest session is copied. Batches of 50,000, one transaction each.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

const TENANTS = 1_000;
const BATCH = 50_000;

/** Adds `count` copies of `templateId` (with their history); resolves with the number of sessions stored in all. */
export async function seedSessions(databaseUrl, count, templateId = null, log = () => {}) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows: found } = templateId
      ? await db.query('SELECT id, tenant_id FROM sessions WHERE id = $1', [templateId])
      : await db.query('SELECT id, tenant_id FROM sessions ORDER BY created_at DESC LIMIT 1');
    if (found.length === 0) throw new Error('no session to copy: create one first (POST /v1/sessions)');
    const template = found[0];
    await db.query(
      `INSERT INTO tenants (id, name, created_at)
       SELECT gen_random_uuid(), 'seeded tenant ' || g, now() - interval '30 days' FROM generate_series(1, $1 - (SELECT count(*) FROM tenants WHERE name LIKE 'seeded tenant %')) g`,
      [TENANTS],
    );
    const { rows } = await db.query(`SELECT array_agg(id) AS ids FROM tenants WHERE name LIKE 'seeded tenant %'`);
    const tenants = rows[0].ids;
    for (let done = 0; done < count; done += BATCH) {
      const n = Math.min(BATCH, count - done);
      await db.query('BEGIN');
      await db.query(
        `WITH copies AS (
           INSERT INTO sessions (id, tenant_id, version, mode, client_state, server_state, options, snapshot, scenario_id, scenario_step,
                                 step_count, event_count, segment_count, created_at, updated_at)
           SELECT gen_random_uuid(), ($3::uuid[])[1 + (g % array_length($3::uuid[], 1))], t.version, t.mode, t.client_state, t.server_state,
                  t.options, t.snapshot, t.scenario_id, t.scenario_step, t.step_count, t.event_count, t.segment_count,
                  now() - (g * interval '1 second') - interval '1 day', now() - interval '1 day'
           FROM generate_series($2::int + 1, $2::int + $4::int) g, sessions t WHERE t.tenant_id = $5 AND t.id = $1
           RETURNING id, tenant_id
         )
         INSERT INTO session_steps (tenant_id, session_id, n, input, events, segments, first_event)
         SELECT copies.tenant_id, copies.id, s.n, s.input, s.events, s.segments, s.first_event
         FROM copies, session_steps s WHERE s.tenant_id = $5 AND s.session_id = $1`,
        [template.id, done, tenants, n, template.tenant_id],
      );
      await db.query('COMMIT');
      log(`  seeded ${(done + n).toLocaleString('en-US')} of ${count.toLocaleString('en-US')}`);
    }
    await db.query('VACUUM ANALYZE sessions');
    await db.query('VACUUM ANALYZE session_steps');
    // Write the seeding out now rather than while something is measured (needs superuser; skipped otherwise).
    await db.query('CHECKPOINT').catch(() => undefined);
    return Number((await db.query('SELECT count(*) FROM sessions')).rows[0].count);
  } finally {
    await db.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2]);
  if (!process.env.DATABASE_URL || !Number.isSafeInteger(count) || count < 1) {
    console.error('usage: DATABASE_URL=… npm run seed:sessions -- <count> [template-session-id]');
    process.exit(2);
  }
  seedSessions(process.env.DATABASE_URL, count, process.argv[3] ?? null, console.log)
    .then((total) => console.log(`${total.toLocaleString('en-US')} sessions stored`))
    .catch((error) => {
      console.error(error.message);
      process.exit(1);
    });
}
