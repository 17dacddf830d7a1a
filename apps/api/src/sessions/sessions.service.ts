import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createConnection, flagNames, renderMermaid, renderPcap, renderSvg, step, tcpdumpTrace, type ConnectionOptions, type Input, type StepResult } from '@tcplab/tcp-core';
import { randomUUID } from 'node:crypto';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { decodeCursor, decodeTimeCursor, encodeCursor, encodeTimeCursor, invalidCursor, UUID, type CursorKind } from '../common/cursor';
import type { RequestContext } from '../common/request-context';
import type { AppConfig } from '../config/configuration';
import type { CreateSessionDto } from './dto/create-session.dto';
import type { ListSessionsQueryDto, PageQueryDto } from './dto/list-query.dto';
import type { TraceQueryDto } from './dto/trace-query.dto';
import type { EventPageDto, SegmentPageDto, SessionDto, SessionPageDto, StepResultDto } from './dto/session.dto';
import { presentEvent, presentExpected, presentSegment, presentSession, presentViolation } from './session.presenter';
import type { SessionEntity } from './session.entity';
import { ScenariosService } from '../scenarios/scenarios.service';
import { idempotently, type Reply } from './idempotency';
import { RecentSessions } from './recent-sessions';
import { SessionsRepository, type NewSession, type NewStep } from './sessions.repository';

/** A trace as the controller sends it. */
export interface Trace {
  type: string;
  file: string;
  body: string | Buffer;
}

function addressOf(row: SessionEntity, side: 'client' | 'server'): { ip: string; port: number } {
  const config = row.snapshot[side].config;
  return { ip: config.ip, port: config.port };
}

export function etag(version: number): string {
  return `"${version}"`;
}

/** If-Match holds "*" or a list of ETags, compared strongly: a weak tag never matches (RFC 9110 §13.1.1). */
function etagMatches(ifMatch: string, version: number): boolean {
  return ifMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag(version);
  });
}

/** A share link without `hints` (the exam setting) does not see what is owed. */
function showHints(ctx: RequestContext): boolean {
  return ctx.link?.hints ?? true;
}

function notFound(id: string): ApiError {
  return new ApiError(ApiErrorCode.SessionNotFound, `There is no session ${id}.`);
}

@Injectable()
export class SessionsService {
  private readonly maxSegments: number;
  private readonly recent: RecentSessions;
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly scenarios: ScenariosService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.maxSegments = config.get('maxSegmentsPerSession', { infer: true });
    this.recent = new RecentSessions(config.get('sessionCacheSize', { infer: true }));
  }

  async create(dto: CreateSessionDto, ctx: RequestContext): Promise<Reply<SessionDto>> {
    const options = dto.scenario ? this.scenarioOptions(dto) : connectionOptions(dto);
    const newSession = (): NewSession => {
      const snapshot = createConnection(options);
      return {
        id: randomUUID(),
        tenant_id: ctx.tenantId,
        mode: snapshot.config.mode,
        options,
        snapshot,
        scenario_id: dto.scenario ?? null,
        link_id: ctx.link?.id ?? null,
        learner_id: ctx.link?.learnerId ?? null,
      };
    };
    const created = (row: SessionEntity): Reply<SessionDto> => ({
      status: 201,
      headers: { location: `/v1/sessions/${row.id}`, etag: etag(row.version) },
      body: presentSession(row, ctx.lang, showHints(ctx)),
    });
    // Without an Idempotency-Key the insert is the whole transaction: one statement.
    if (ctx.idempotency === null) {
      const row = await this.sessions.insertSession(newSession());
      this.recent.remember(row);
      return created(row);
    }
    let inserted: SessionEntity | null = null;
    const reply = await idempotently(this.sessions, ctx, async (tx) => {
      inserted = await tx.insertSession(newSession());
      return created(inserted);
    });
    if (inserted) this.recent.remember(inserted);
    return reply;
  }

  /** A scenario fixes the whole connection: other options beside it would be silently ignored, so they are refused. */
  private scenarioOptions(dto: CreateSessionDto): ConnectionOptions {
    const extra = Object.keys(dto).filter((key) => key !== 'scenario' && dto[key as keyof CreateSessionDto] !== undefined);
    if (extra.length > 0) {
      throw new ApiError(ApiErrorCode.ValidationFailed, `A scenario sets the connection itself; leave out ${extra.join(', ')}.`, {
        errors: extra.map((field) => ({ field, message: `${field} cannot be combined with scenario` })),
      });
    }
    return this.scenarios.find(dto.scenario!).options;
  }

  async get(id: string, ctx: RequestContext): Promise<Reply<SessionDto>> {
    const row = await this.find(ctx, id);
    return { status: 200, headers: { etag: etag(row.version) }, body: presentSession(row, ctx.lang, showHints(ctx)) };
  }

  async list(query: ListSessionsQueryDto, ctx: RequestContext): Promise<SessionPageDto> {
    const limit = query.limit ?? 20;
    const rows = await this.sessions.list(ctx.tenantId, limit + 1, decodeTimeCursor('sessions', query.cursor), query.state ?? null);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => presentSession(row, ctx.lang, showHints(ctx))),
      // created_at_exact keeps PostgreSQL's microseconds: a JavaScript Date would round them away.
      next_cursor: rows.length > limit && last ? encodeTimeCursor('sessions', last.created_at_exact, last.id) : null,
    };
  }

  async delete(id: string, ctx: RequestContext): Promise<void> {
    this.recent.forget(ctx.tenantId, id);
    if (!UUID.test(id) || !(await this.sessions.delete(ctx.tenantId, id))) throw notFound(id);
  }

  /** Apply one tcp-core input to a session: one transaction — step, append history, save snapshot. */
  apply(id: string, input: Input, ctx: RequestContext): Promise<Reply<StepResultDto>> {
    return this.applyStep(id, ctx, () => ({ input }));
  }

  /** Play the next step of the session's scenario, with its teaching text. */
  playScenarioStep(id: string, ctx: RequestContext): Promise<Reply<StepResultDto>> {
    return this.applyStep(id, ctx, (row) => {
      if (!row.scenario_id) {
        throw new ApiError(ApiErrorCode.NotAScenarioSession, 'This session was not created from a scenario; create one with {"scenario": id}.');
      }
      const s = this.scenarios.find(row.scenario_id);
      const index = row.scenario_step;
      const next = s.steps[index];
      if (!next) throw new ApiError(ApiErrorCode.ScenarioFinished, `All ${s.steps.length} steps of "${s.id}" have been played.`);
      return {
        input: next.input,
        scenarioStep: index + 1,
        extra: { scenario_step: { index, steps: s.steps.length, text: { en: next.text.en, 'zh-CN': next.text['zh-CN'] } } },
      };
    });
  }

  /**
   * Optimistically first (one conditional write, after a read unless this process changed the session last);
   * when that cannot give the answer — a session changed meanwhile, a refused move, a stale If-Match, a full
   * history, an Idempotency-Key — in a transaction holding the row lock, whose answer is authoritative.
   */
  private async applyStep(id: string, ctx: RequestContext, plan: StepPlan): Promise<Reply<StepResultDto>> {
    if (!UUID.test(id)) throw notFound(id);
    if (ctx.idempotency === null) {
      const applied = await this.applyOptimistically(id, ctx, plan);
      if (applied) return applied;
    }
    return this.applyLocked(id, ctx, plan);
  }

  /**
   * The session as this process last left it (else as read), stepped, and written back only if no other change
   * came in between: the same result as under the lock, in one or two round trips instead of three. Null when
   * the answer is not a plain success, which only the locked path may give.
   */
  private async applyOptimistically(id: string, ctx: RequestContext, plan: StepPlan): Promise<Reply<StepResultDto> | null> {
    const cached = this.recent.get(ctx.tenantId, id);
    if (cached) {
      const applied = await this.stepIfCurrent(cached, ctx, plan);
      if (applied !== 'moved on') return applied;
      this.recent.forget(ctx.tenantId, id);
    }
    const row = await this.sessions.peek(ctx.tenantId, id);
    if (!row) return null;
    const applied = await this.stepIfCurrent(row, ctx, plan);
    return applied === 'moved on' ? null : applied;
  }

  private async stepIfCurrent(row: SessionEntity, ctx: RequestContext, plan: StepPlan): Promise<Reply<StepResultDto> | 'moved on' | null> {
    if (ctx.ifMatch !== null && !etagMatches(ctx.ifMatch, row.version)) return null;
    let planned: ReturnType<StepPlan>;
    try {
      planned = plan(row);
    } catch {
      return null;
    }
    const result = step(row.snapshot, planned.input);
    if (!result.outcome.ok || row.segment_count + result.segments.length > this.maxSegments) return null;
    const saved = await this.sessions.appendStepIfCurrent(row, newStep(planned, result));
    if (!saved) return 'moved on';
    this.recent.remember(saved);
    return stepReply(saved, result, planned.extra, ctx);
  }

  private applyLocked(id: string, ctx: RequestContext, plan: StepPlan): Promise<Reply<StepResultDto>> {
    let refused: { afterStep: number; input: Input; error: ApiError } | null = null;
    let saved: SessionEntity | null = null;
    const applied = idempotently(this.sessions, ctx, async (tx) => {
      const row = await tx.lockSession(ctx.tenantId, id);
      if (!row) throw notFound(id);
      if (ctx.ifMatch !== null && !etagMatches(ctx.ifMatch, row.version)) {
        throw new ApiError(ApiErrorCode.VersionMismatch, `The session is at version ${row.version} (ETag ${etag(row.version)}), not ${ctx.ifMatch}.`);
      }
      const planned = plan(row);
      const result = step(row.snapshot, planned.input);
      if (!result.outcome.ok) {
        const error = stepError(result, row, ctx);
        if (error.code === ApiErrorCode.CallRefused || error.code === ApiErrorCode.SegmentInvalid) refused = { afterStep: row.step_count, input: planned.input, error };
        throw error;
      }
      if (row.segment_count + result.segments.length > this.maxSegments) {
        throw new ApiError(
          ApiErrorCode.HistoryFull,
          `A session keeps at most ${this.maxSegments} segments; this one has ${row.segment_count}. Create a new session to go on.`,
        );
      }
      saved = await tx.appendStep(row, newStep(planned, result));
      return stepReply(saved, result, planned.extra, ctx);
    });
    const committed = applied.then((reply) => {
      if (saved) this.recent.remember(saved);
      return reply;
    });
    // A refused move (the TCP said no: 422) changes nothing in the session; it is kept apart, after the rollback.
    return committed.catch(async (error: unknown) => {
      const move = refused as { afterStep: number; input: Input; error: ApiError } | null;
      if (move && error === move.error) {
        // The 422 is the answer, whatever happens to its record (the session deleted meanwhile, say).
        await this.sessions
          .recordRefusal(ctx.tenantId, id, {
            afterStep: move.afterStep,
            input: move.input,
            code: move.error.code,
            problem: { detail: move.error.detail, ...move.error.extensions },
            idempotencyKey: ctx.idempotency?.key ?? null,
          })
          .catch((recordError: unknown) => this.logger.warn(`refusal on session ${id} not recorded: ${String(recordError)}`));
      }
      throw error;
    });
  }

  async events(id: string, query: PageQueryDto, ctx: RequestContext): Promise<EventPageDto> {
    const row = await this.find(ctx, id);
    const from = decodeIndexCursor('events', query.cursor);
    const limit = query.limit ?? 100;
    const steps = await this.sessions.stepsWithEventsFrom(ctx.tenantId, id, from, limit);
    const events = steps.flatMap((s) => s.events.map((event, i) => ({ index: s.first_event + i, event }))).filter((e) => e.index >= from);
    const page = events.slice(0, limit);
    const next = from + page.length;
    return {
      items: page.map((e) => presentEvent(e.event, ctx.lang)),
      next_cursor: next < row.event_count ? encodeCursor('events', String(next)) : null,
    };
  }

  async segments(id: string, query: PageQueryDto, ctx: RequestContext): Promise<SegmentPageDto> {
    const row = await this.find(ctx, id);
    const after = decodeIndexCursor('segments', query.cursor);
    const limit = query.limit ?? 100;
    const steps = await this.sessions.stepsWithSegmentsAfter(ctx.tenantId, id, after, limit);
    const page = steps.flatMap((s) => s.segments).filter((s) => s.id > after).slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(presentSegment),
      next_cursor: last && last.id < row.segment_count ? encodeCursor('segments', String(last.id)) : null,
    };
  }

  /** The whole session in one of the trace formats: content type, file name and body. */
  async trace(id: string, query: TraceQueryDto, ctx: RequestContext): Promise<Trace> {
    const row = await this.find(ctx, id);
    const steps = await this.sessions.history(ctx.tenantId, id);
    const segments = steps.flatMap((s) => s.segments);
    const lang = query.lang ?? ctx.lang;
    const name = `tcplab-${id}`;
    const history = { client: addressOf(row, 'client'), server: addressOf(row, 'server'), steps };
    switch (query.format) {
      case 'tcpdump':
        return { type: 'text/plain; charset=utf-8', file: `${name}.txt`, body: tcpdumpTrace(segments, { time: true, numbering: query.numbering ?? 'absolute' }).join('\n') + '\n' };
      case 'pcap':
        try {
          return { type: 'application/vnd.tcpdump.pcap', file: `${name}.pcap`, body: Buffer.from(renderPcap(segments)) };
        } catch (error) {
          // A segment sent by hand can hold what no real packet can (a payload over 64 KiB, say).
          throw new ApiError(ApiErrorCode.TraceNotEncodable, error instanceof Error ? error.message : String(error));
        }
      case 'svg':
        return { type: 'image/svg+xml; charset=utf-8', file: `${name}.svg`, body: renderSvg(history, { lang }) };
      case 'mermaid':
        return { type: 'text/vnd.mermaid; charset=utf-8', file: `${name}.mmd`, body: renderMermaid(history, { lang }) };
      case 'json':
        return {
          type: 'application/json; charset=utf-8',
          file: `${name}.json`,
          body: JSON.stringify({ events: steps.flatMap((s) => s.events).map((e) => presentEvent(e, lang)), segments: segments.map(presentSegment) }),
        };
    }
  }

  /** Rebuild a session from its options and inputs; equal to the stored snapshot unless something is broken. */
  async replay(tenantId: string, id: string): Promise<{ stored: unknown; replayed: unknown }> {
    const row = UUID.test(id) ? await this.sessions.find(tenantId, id) : null;
    if (!row) throw notFound(id);
    let connection = createConnection(row.options);
    for (const { input } of await this.sessions.inputs(tenantId, id)) connection = step(connection, input).connection;
    return { stored: row.snapshot, replayed: connection };
  }

  private async find(ctx: RequestContext, id: string): Promise<SessionEntity> {
    const row = UUID.test(id) ? await this.sessions.find(ctx.tenantId, id) : null;
    if (!row) throw notFound(id);
    return row;
  }
}

/** What a step request applies to the session it found: the input, and for a scenario its next step and text. */
type StepPlan = (row: SessionEntity) => { input: Input; scenarioStep?: number; extra?: Partial<StepResultDto> };

function newStep(planned: ReturnType<StepPlan>, result: StepResult): NewStep {
  return {
    input: planned.input,
    ...(planned.scenarioStep !== undefined ? { scenarioStep: planned.scenarioStep } : {}),
    events: result.events,
    segments: result.segments,
    snapshot: result.connection,
  };
}

function stepReply(saved: SessionEntity, result: StepResult, extra: Partial<StepResultDto> | undefined, ctx: RequestContext): Reply<StepResultDto> {
  const received = result.outcome.ok ? result.outcome.received : undefined;
  return {
    status: 200,
    headers: { etag: etag(saved.version) },
    body: {
      session: presentSession(saved, ctx.lang, showHints(ctx)),
      events: result.events.map((e) => presentEvent(e, ctx.lang)),
      segments: result.segments.map(presentSegment),
      ...(received
        ? { received: { length: received.length, data: received.payload === null ? null : Buffer.from(received.payload, 'base64').toString('utf8') } }
        : {}),
      ...extra,
    },
  };
}

function connectionOptions(dto: CreateSessionDto): ConnectionOptions {
  // The linux profile's TIME_WAIT is Linux's constant 60 s: an MSL given with it would be silently ignored, so it is refused.
  if (dto.profile === 'linux' && dto.msl_ms !== undefined) {
    throw new ApiError(ApiErrorCode.ValidationFailed, 'The linux profile has a fixed TIME_WAIT of 60 s (TCP_TIMEWAIT_LEN); leave out msl_ms.', {
      errors: [{ field: 'msl_ms', message: 'msl_ms cannot be combined with profile "linux"' }],
    });
  }
  return {
    ...(dto.client ? { client: { ...dto.client } } : {}),
    ...(dto.server ? { server: { ...dto.server } } : {}),
    ...(dto.seed !== undefined ? { seed: dto.seed } : {}),
    ...(dto.msl_ms !== undefined ? { msl_ms: dto.msl_ms } : {}),
    ...(dto.rto_ms !== undefined ? { rto_ms: dto.rto_ms } : {}),
    ...(dto.profile ? { profile: dto.profile } : {}),
    ...(dto.mode ? { mode: dto.mode } : {}),
  };
}

function stepError(result: StepResult, row: SessionEntity, ctx: RequestContext): ApiError {
  if (result.outcome.ok) throw new Error('stepError called on a successful step');
  const error = result.outcome.error;
  const events = result.events.map((e) => presentEvent(e, ctx.lang));
  switch (error.code) {
    case 'CALL_REFUSED':
      return new ApiError(ApiErrorCode.CallRefused, events[events.length - 1]?.message ?? error.text, { error: error.error, rfc_text: error.text, events });
    case 'SEGMENT_INVALID': {
      const violations = error.violations.map((v) => presentViolation(v, ctx.lang));
      return new ApiError(ApiErrorCode.SegmentInvalid, violations.map((v) => v.reason).join(' '), {
        violations,
        expected: error.expected ? presentExpected(error.expected) : null,
      });
    }
    case 'SEGMENT_NOT_IN_FLIGHT':
      return new ApiError(
        ApiErrorCode.SegmentNotInFlight,
        `Segment ${error.segment_id} is not in flight (in flight: ${row.snapshot.network.in_flight.map((s) => `${s.id} ${flagNames(s.flags).join(',')}`).join('; ') || 'none'}).`,
      );
    case 'INPUT_INVALID':
      return new ApiError(ApiErrorCode.ValidationFailed, error.reason, {
        errors: [{ field: error.field.replace(/^(segment|data)\./, ''), message: error.reason }],
      });
  }
}

function decodeIndexCursor(kind: CursorKind, cursor: string | undefined): number {
  if (!cursor) return 0;
  const text = decodeCursor(kind, cursor);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw invalidCursor();
  return n;
}
