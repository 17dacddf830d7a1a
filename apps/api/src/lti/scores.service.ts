import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../common/request-context';
import { SessionsRepository } from '../sessions/sessions.repository';
import type { LtiScoreListDto, LtiScoreListQueryDto } from './dto/score.dto';
import { ScoresRepository } from './scores.repository';

/** The tenant's view of the score outbox (the worker that fills and empties it is LtiScoreWorker). */
@Injectable()
export class LtiScores {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly scores: ScoresRepository,
  ) {}

  async list(query: LtiScoreListQueryDto, ctx: RequestContext): Promise<LtiScoreListDto> {
    const rows = await this.sessions.transaction((tx) => this.scores.list(tx, ctx.tenantId, query.status ?? null));
    return {
      items: rows.map((row) => ({
        id: row.id,
        resource_link_id: row.resource_link,
        context_title: row.context_title,
        user_sub: row.sub,
        source: row.source,
        source_id: row.source_id,
        score: row.score,
        status: row.status,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at.toISOString(),
        last_error: row.last_error,
        created_at: row.created_at.toISOString(),
        sent_at: row.sent_at?.toISOString() ?? null,
      })),
    };
  }
}
