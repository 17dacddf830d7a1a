import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Connection, Input, Segment, State, TcpEvent } from '@tcplab/tcp-core';
import type { Pool, PoolClient, QueryConfig } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { UUID } from '../common/cursor';
import type { AppConfig } from '../config/configuration';
import type { SessionStepEntity } from './session-step.entity';
import { SessionEntity } from './session.entity';

export interface StoredResponse {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface NewStep {
  input: Input;
  /** For a scenario step: the index of the scenario's next step afterwards. */
  scenarioStep?: number;
  events: TcpEvent[];
  segments: Segment[];
  snapshot: Connection;
}

export type NewSession = Pick<SessionEntity, 'id' | 'tenant_id' | 'mode' | 'options' | 'snapshot' | 'scenario_id'> & Partial<Pick<SessionEntity, 'link_id' | 'learner_id'>>;

/**
 * A statement as it is sent: named, so that each pooled connection has PostgreSQL parse and plan it once, or, with
 * `prepared` off (DATABASE_PREPARED_STATEMENTS=false), unnamed — parsed and planned each time. PgBouncer before 1.21
 * in transaction pooling runs each transaction on whichever server connection is free, where a statement prepared
 * on another one does not exist (or one of the same name does, from another client).
 */
function statement(query: QueryConfig, prepared: boolean): QueryConfig {
  return prepared ? query : { text: query.text, values: query.values! };
}

/**
 * One transaction on one pooled connection. A change to a session made under
 * its row lock costs three round trips: BEGIN with the lock, the history insert
 * with the snapshot update (one statement), COMMIT — prepared statements unless
 * they are off, so PostgreSQL plans each once per connection. (Most changes need
 * only one: SessionsRepository.appendStepIfCurrent.)
 */
export class Transaction {
  private begun = false;

  constructor(
    private readonly client: PoolClient,
    private readonly prepared: boolean,
  ) {}

  private query<T extends object>(query: QueryConfig): Promise<{ rows: T[] }> {
    return this.client.query<T>(statement(query, this.prepared));
  }

  private async begin(): Promise<void> {
    if (!this.begun) {
      await this.client.query('BEGIN');
      this.begun = true;
    }
  }

  /**
   * SELECT … FOR UPDATE: concurrent changes to one session wait for each other (no lost update, no duplicate n).
   * Another tenant's session is not found, exactly as a missing one.
   */
  async lockSession(tenantId: string, id: string): Promise<SessionEntity | null> {
    if (!UUID.test(id) || !UUID.test(tenantId)) return null;
    if (!this.begun) {
      // BEGIN and the lock in one round trip; both ids are checked UUIDs, safe as literals.
      const results = (await this.client.query(
        `BEGIN; SELECT * FROM sessions WHERE id = '${id}' AND tenant_id = '${tenantId}' FOR UPDATE`,
      )) as unknown as Array<{ rows: SessionEntity[] }>;
      this.begun = true;
      return results[1]!.rows[0] ?? null;
    }
    const { rows } = await this.query<SessionEntity>({
      name: 'lock-session',
      text: 'SELECT * FROM sessions WHERE id = $1 AND tenant_id = $2 FOR UPDATE',
      values: [id, tenantId],
    });
    return rows[0] ?? null;
  }

  /** Serialises requests with the same key: a retry waits for the first to finish, then sees its answer. */
  async lockIdempotencyKey(tenantId: string, key: string): Promise<StoredResponse | null> {
    await this.begin();
    await this.query({ name: 'lock-idempotency-key', text: 'SELECT pg_advisory_xact_lock(hashtextextended($1 || $2, 0))', values: [tenantId, key] });
    const { rows } = await this.query<StoredResponse>({
      name: 'find-idempotency-key',
      text: 'SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE tenant_id = $1 AND key = $2',
      values: [tenantId, key],
    });
    return rows[0] ?? null;
  }

  async storeIdempotentResponse(tenantId: string, key: string, response: StoredResponse): Promise<void> {
    await this.begin();
    await this.query({
      name: 'store-idempotency-key',
      text: 'INSERT INTO idempotency_keys (tenant_id, key, fingerprint, status, headers, body) VALUES ($1, $2, $3, $4, $5, $6)',
      values: [tenantId, key, response.fingerprint, response.status, response.headers, JSON.stringify(response.body)],
    });
  }

  async insertSession(row: NewSession): Promise<SessionEntity> {
    await this.begin();
    const { rows } = await this.query<SessionEntity>(insertSessionQuery(row));
    return rows[0]!;
  }

  /**
   * A new session with a ready-made history (an imported capture): the session row, at version 1 + the number of
   * steps as if each had been applied in turn, and every step, in one statement. `steps` must replay from
   * `row.options` to `row.snapshot`.
   */
  async insertSessionWithHistory(
    row: NewSession,
    steps: ReadonlyArray<Pick<NewStep, 'input' | 'events' | 'segments'>>,
  ): Promise<SessionEntity> {
    await this.begin();
    let events = 0;
    let segments = 0;
    const history = steps.map((s, i) => {
      const entry = { n: i + 1, input: s.input, events: s.events, segments: s.segments, first_event: events };
      events += s.events.length;
      segments += s.segments.length;
      return entry;
    });
    const { rows } = await this.query<SessionEntity>({
      name: 'insert-session-with-history',
      text: `WITH history AS (
               INSERT INTO session_steps (tenant_id, session_id, n, input, events, segments, first_event)
               SELECT $12, $1, h.n, h.input, h.events, h.segments, h.first_event
               FROM jsonb_to_recordset($11::jsonb) AS h(n integer, input jsonb, events jsonb, segments jsonb, first_event integer)
             )
             INSERT INTO sessions (id, tenant_id, version, mode, client_state, server_state, options, snapshot, scenario_id, step_count, event_count, segment_count)
             VALUES ($1, $12, $8::integer + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      values: [
        row.id,
        row.mode,
        row.snapshot.client.state,
        row.snapshot.server.state,
        row.options,
        row.snapshot,
        row.scenario_id,
        steps.length,
        events,
        segments,
        JSON.stringify(history),
        row.tenant_id,
      ],
    });
    return rows[0]!;
  }

  /** Append the step to the history and move the snapshot (and a scenario's next step) on, in one statement. */
  async appendStep(session: SessionEntity, step: NewStep): Promise<SessionEntity> {
    await this.begin();
    const { rows } = await this.query<Pick<SessionEntity, 'updated_at'>>(appendStepQuery(session, step));
    // This transaction holds the row lock (lockSession): the session is still at the version it was read at.
    if (!rows[0]) throw new Error(`session ${session.id} moved on while locked`);
    return steppedSession(session, step, rows[0].updated_at);
  }

  /** Any other statement in this transaction (the quizzes' repository writes through here). */
  async run<T extends object>(name: string, text: string, values: unknown[]): Promise<T[]> {
    await this.begin();
    const { rows } = await this.query<T>({ name, text, values });
    return rows;
  }

  async finish(commit: boolean): Promise<void> {
    if (this.begun) await this.client.query(commit ? 'COMMIT' : 'ROLLBACK');
  }
}

function insertSessionQuery(row: NewSession): QueryConfig {
  return {
    name: 'insert-session',
    text: `INSERT INTO sessions (id, tenant_id, version, mode, client_state, server_state, options, snapshot, scenario_id, link_id, learner_id)
           VALUES ($1, $8, 1, $2, $3, $4, $5, $6, $7, $9, $10) RETURNING *`,
    values: [row.id, row.mode, row.snapshot.client.state, row.snapshot.server.state, row.options, row.snapshot, row.scenario_id, row.tenant_id, row.link_id ?? null, row.learner_id ?? null],
  };
}

/**
 * Append the step to the history and move the snapshot (and a scenario's next step) on, in one statement and only
 * if the session is still at the version `session` was read at: no row comes back when it has moved on (or was
 * deleted), and then nothing was written.
 */
function appendStepQuery(session: SessionEntity, step: NewStep): QueryConfig {
  return {
    name: 'append-step',
    text: `WITH moved AS (
             UPDATE sessions SET version = version + 1, step_count = $2, event_count = event_count + $7,
               segment_count = segment_count + $8, snapshot = $9, client_state = $10, server_state = $11, scenario_step = $12,
               updated_at = now()
             WHERE tenant_id = $13 AND id = $1 AND version = $14
             RETURNING tenant_id
           )
           INSERT INTO session_steps (tenant_id, session_id, n, input, events, segments, first_event)
           SELECT tenant_id, $1, $2, $3, $4, $5, $6 FROM moved
           RETURNING now() AS updated_at`,
    values: [
      session.id,
      session.step_count + 1,
      step.input,
      JSON.stringify(step.events),
      JSON.stringify(step.segments),
      session.event_count,
      step.events.length,
      step.segments.length,
      step.snapshot,
      step.snapshot.client.state,
      step.snapshot.server.state,
      step.scenarioStep ?? session.scenario_step,
      session.tenant_id,
      session.version,
    ],
  };
}

/** The session as appendStepQuery left it. */
function steppedSession(session: SessionEntity, step: NewStep, updatedAt: Date): SessionEntity {
  return {
    ...session,
    version: session.version + 1,
    updated_at: updatedAt,
    step_count: session.step_count + 1,
    event_count: session.event_count + step.events.length,
    segment_count: session.segment_count + step.segments.length,
    snapshot: step.snapshot,
    client_state: step.snapshot.client.state,
    server_state: step.snapshot.server.state,
    scenario_step: step.scenarioStep ?? session.scenario_step,
  };
}

/** The only code that touches the database. */
@Injectable()
export class SessionsRepository {
  private readonly prepared: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource, config: ConfigService<AppConfig, true>) {
    this.prepared = config.get('databasePreparedStatements', { infer: true });
  }

  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  /** Runs `work` in one transaction, committed if it returns and rolled back if it throws. */
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = new Transaction(client, this.prepared);
    let broken = false;
    // A connection the server drops while we hold it (a restart, an admin's kill) emits 'error' between
    // queries; unheard, that event would end the process. Heard, the connection is thrown away on release.
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    try {
      const result = await work(tx);
      await tx.finish(true);
      return result;
    } catch (error) {
      await tx.finish(false).catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** A new session, one statement in a transaction of its own (Transaction.insertSession inside a larger one). */
  async insertSession(row: NewSession): Promise<SessionEntity> {
    const { rows } = await this.pool.query<SessionEntity>(statement(insertSessionQuery(row), this.prepared));
    return rows[0]!;
  }

  /**
   * The session as it is now, without a lock: where an optimistic change starts (appendStepIfCurrent). The ids
   * must be checked UUIDs.
   */
  async peek(tenantId: string, id: string): Promise<SessionEntity | null> {
    const { rows } = await this.pool.query<SessionEntity>(
      statement({ name: 'peek-session', text: 'SELECT * FROM sessions WHERE tenant_id = $1 AND id = $2', values: [tenantId, id] }, this.prepared),
    );
    return rows[0] ?? null;
  }

  /**
   * An optimistic change, one statement and so one transaction: append the step and move the snapshot on only if
   * the session is still at the version `session` was read at. Null when it has moved on (or was deleted)
   * meanwhile: nothing was written, and the caller starts again.
   */
  async appendStepIfCurrent(session: SessionEntity, step: NewStep): Promise<SessionEntity | null> {
    const { rows } = await this.pool.query<Pick<SessionEntity, 'updated_at'>>(statement(appendStepQuery(session, step), this.prepared));
    return rows[0] ? steppedSession(session, step, rows[0].updated_at) : null;
  }

  /** The tenant's session; another tenant's is null, exactly as a missing one. */
  find(tenantId: string, id: string): Promise<SessionEntity | null> {
    return this.dataSource.manager.findOne(SessionEntity, { where: { id, tenant_id: tenantId } });
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.dataSource.manager.delete(SessionEntity, { id, tenant_id: tenantId });
    return (result.affected ?? 0) > 0;
  }

  /** The tenant's sessions, newest first, keyed by (tenant_id, created_at, id): a page is O(limit) however many sessions exist. */
  async list(
    tenantId: string,
    limit: number,
    after: { created_at: string; id: string } | null,
    state: State | null,
  ): Promise<Array<SessionEntity & { created_at_exact: string }>> {
    const params: unknown[] = [limit, tenantId];
    const where: string[] = ['tenant_id = $2'];
    if (after) {
      params.push(after.created_at, after.id);
      where.push(`(created_at, id) < ($3::timestamptz, $4::uuid)`);
    }
    if (state) {
      params.push(state);
      where.push(`(client_state = $${params.length} OR server_state = $${params.length})`);
    }
    return this.dataSource.manager.query(
      `SELECT *, created_at::text AS created_at_exact FROM sessions WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
  }

  /** Steps holding events from index `from` on, in order. */
  stepsWithEventsFrom(tenantId: string, id: string, from: number, maxSteps: number): Promise<Array<Pick<SessionStepEntity, 'first_event' | 'events'>>> {
    return this.dataSource.manager.query(
      `SELECT first_event, events FROM session_steps
       WHERE tenant_id = $4 AND session_id = $1 AND first_event + jsonb_array_length(events) > $2 ORDER BY n LIMIT $3`,
      [id, from, maxSteps, tenantId],
    );
  }

  /** Steps holding segments with id above `afterId`, in order. */
  stepsWithSegmentsAfter(tenantId: string, id: string, afterId: number, maxSteps: number): Promise<Array<Pick<SessionStepEntity, 'segments'>>> {
    return this.dataSource.manager.query(
      `SELECT segments FROM session_steps
       WHERE tenant_id = $4 AND session_id = $1 AND jsonb_array_length(segments) > 0 AND (segments -> -1 ->> 'id')::int > $2 ORDER BY n LIMIT $3`,
      [id, afterId, maxSteps, tenantId],
    );
  }

  /** Every step's events and segments, in order: the material of a trace. */
  history(tenantId: string, id: string): Promise<Array<Pick<SessionStepEntity, 'events' | 'segments'>>> {
    return this.dataSource.manager.query(`SELECT events, segments FROM session_steps WHERE tenant_id = $1 AND session_id = $2 ORDER BY n`, [tenantId, id]);
  }

  /**
   * A move the session refused (a 422): it changed nothing, so it is kept apart, with the problem it was
   * answered with — an exercise's grade counts these.
   */
  async recordRefusal(
    tenantId: string,
    sessionId: string,
    refusal: { afterStep: number; input: Input; code: string; problem: Record<string, unknown>; idempotencyKey: string | null },
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO session_refusals (tenant_id, session_id, after_step, input, code, problem, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, session_id, idempotency_key) DO NOTHING`,
      [tenantId, sessionId, refusal.afterStep, JSON.stringify(refusal.input), refusal.code, JSON.stringify(refusal.problem), refusal.idempotencyKey],
    );
  }

  refusals(tenantId: string, sessionId: string): Promise<Array<{ after_step: number; input: Input; code: string; problem: Record<string, unknown> }>> {
    return this.dataSource.query(
      `SELECT after_step, input, code, problem FROM session_refusals WHERE tenant_id = $1 AND session_id = $2 ORDER BY id LIMIT 10000`,
      [tenantId, sessionId],
    );
  }

  /** Every step's input and events, in order (an exercise's grade replays them). */
  stepsWithEvents(tenantId: string, id: string): Promise<Array<Pick<SessionStepEntity, 'n' | 'input' | 'events'>>> {
    return this.dataSource.manager.query(`SELECT n, input, events FROM session_steps WHERE tenant_id = $1 AND session_id = $2 ORDER BY n`, [tenantId, id]);
  }

  /** The whole input history of a session, for replay. */
  inputs(tenantId: string, id: string): Promise<Array<Pick<SessionStepEntity, 'input'>>> {
    return this.dataSource.manager.query(`SELECT input FROM session_steps WHERE tenant_id = $1 AND session_id = $2 ORDER BY n`, [tenantId, id]);
  }
}
