import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Connection, Input, Segment, State, TcpEvent } from '@tcplab/tcp-core';
import { DataSource, type EntityManager } from 'typeorm';
import { IdempotencyKeyEntity } from '../common/idempotency-key.entity';
import { SessionStepEntity } from './session-step.entity';
import { SessionEntity } from './session.entity';

export interface StoredResponse {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface NewStep {
  input: Input;
  events: TcpEvent[];
  segments: Segment[];
  snapshot: Connection;
}

/** The only code that touches the database. Hot paths are plain SQL: a change is lock, insert, update. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Serialises requests with the same key: a retry waits for the first to finish, then sees its answer. */
  async lockIdempotencyKey(manager: EntityManager, key: string): Promise<StoredResponse | null> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    return manager.findOne(IdempotencyKeyEntity, { where: { key } });
  }

  async storeIdempotentResponse(manager: EntityManager, key: string, response: StoredResponse): Promise<void> {
    await manager.query(`INSERT INTO idempotency_keys (key, fingerprint, status, headers, body) VALUES ($1, $2, $3, $4, $5)`, [
      key,
      response.fingerprint,
      response.status,
      response.headers,
      JSON.stringify(response.body),
    ]);
  }

  async insert(manager: EntityManager, row: Pick<SessionEntity, 'id' | 'mode' | 'options' | 'snapshot'>): Promise<SessionEntity> {
    const rows: SessionEntity[] = await manager.query(
      `INSERT INTO sessions (id, version, mode, client_state, server_state, options, snapshot)
       VALUES ($1, 1, $2, $3, $4, $5, $6) RETURNING *`,
      [row.id, row.mode, row.snapshot.client.state, row.snapshot.server.state, row.options, row.snapshot],
    );
    return rows[0]!;
  }

  find(id: string): Promise<SessionEntity | null> {
    return this.dataSource.manager.findOne(SessionEntity, { where: { id } });
  }

  /** SELECT … FOR UPDATE: concurrent changes to one session wait for each other (no lost update). */
  async lock(manager: EntityManager, id: string): Promise<SessionEntity | null> {
    const rows: SessionEntity[] = await manager.query('SELECT * FROM sessions WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] ?? null;
  }

  /** Append the step to the history and move the snapshot on, in the caller's transaction. */
  async appendStep(manager: EntityManager, session: SessionEntity, step: NewStep): Promise<SessionEntity> {
    const n = session.step_count + 1;
    await manager.query(
      `INSERT INTO session_steps (session_id, n, input, events, segments, first_event) VALUES ($1, $2, $3, $4, $5, $6)`,
      [session.id, n, step.input, JSON.stringify(step.events), JSON.stringify(step.segments), session.event_count],
    );
    const [rows] = (await manager.query(
      `UPDATE sessions SET version = version + 1, step_count = $2, event_count = event_count + $3,
         segment_count = segment_count + $4, snapshot = $5, client_state = $6, server_state = $7, updated_at = now()
       WHERE id = $1 RETURNING *`,
      [session.id, n, step.events.length, step.segments.length, step.snapshot, step.snapshot.client.state, step.snapshot.server.state],
    )) as [SessionEntity[], number];
    return rows[0]!;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.dataSource.manager.delete(SessionEntity, { id });
    return (result.affected ?? 0) > 0;
  }

  /** Newest first, keyed by (created_at, id) so that a page is O(limit) however many sessions exist. */
  async list(limit: number, after: { created_at: string; id: string } | null, state: State | null): Promise<SessionEntity[]> {
    const params: unknown[] = [limit];
    const where: string[] = [];
    if (after) {
      params.push(after.created_at, after.id);
      where.push(`(created_at, id) < ($2::timestamptz, $3::uuid)`);
    }
    if (state) {
      params.push(state);
      where.push(`(client_state = $${params.length} OR server_state = $${params.length})`);
    }
    return this.dataSource.manager.query(
      `SELECT * FROM sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
  }

  /** Steps holding events from index `from` on, in order. */
  stepsWithEventsFrom(id: string, from: number, maxSteps: number): Promise<Array<Pick<SessionStepEntity, 'first_event' | 'events'>>> {
    return this.dataSource.manager.query(
      `SELECT first_event, events FROM session_steps
       WHERE session_id = $1 AND first_event + jsonb_array_length(events) > $2 ORDER BY n LIMIT $3`,
      [id, from, maxSteps],
    );
  }

  /** Steps holding segments with id above `afterId`, in order. */
  stepsWithSegmentsAfter(id: string, afterId: number, maxSteps: number): Promise<Array<Pick<SessionStepEntity, 'segments'>>> {
    return this.dataSource.manager.query(
      `SELECT segments FROM session_steps
       WHERE session_id = $1 AND jsonb_array_length(segments) > 0 AND (segments -> -1 ->> 'id')::int > $2 ORDER BY n LIMIT $3`,
      [id, afterId, maxSteps],
    );
  }

  /** The whole input history of a session, for replay. */
  inputs(id: string): Promise<Array<Pick<SessionStepEntity, 'input'>>> {
    return this.dataSource.manager.query(`SELECT input FROM session_steps WHERE session_id = $1 ORDER BY n`, [id]);
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
