import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { generateLinkToken, hashLinkToken } from '../auth/link-verifier';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { UUID } from '../common/cursor';
import type { RequestContext } from '../common/request-context';
import { ScenariosService } from '../scenarios/scenarios.service';
import { LINK_ALLOWANCES, type CreatedLinkDto, type CreateLinkDto, type LinkDto, type LinkGrantDto, type LinkListDto } from './dto/link.dto';
import { LinksRepository, type LinkRow } from './links.repository';

function present(row: LinkRow): LinkDto {
  return {
    id: row.id,
    target: row.target,
    target_id: row.target_id,
    learner_id: row.learner_id,
    allow: row.allow,
    expires_at: row.expires_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

/** Share links: minted with a tenant's key, each granting one target to whoever holds it. */
@Injectable()
export class LinksService {
  constructor(
    private readonly links: LinksRepository,
    private readonly scenarios: ScenariosService,
  ) {}

  async create(dto: CreateLinkDto, ctx: RequestContext, origin: string): Promise<CreatedLinkDto> {
    const expiresAt = dto.expires_at === undefined ? null : new Date(dto.expires_at);
    if (expiresAt !== null && expiresAt.getTime() <= Date.now()) {
      throw new ApiError(ApiErrorCode.ValidationFailed, 'expires_at is in the past: the link would never work.', {
        errors: [{ field: 'expires_at', message: 'expires_at must be in the future' }],
      });
    }
    await this.checkTarget(dto, ctx.tenantId);
    const token = generateLinkToken();
    const row = await this.links.insert({
      tenant_id: ctx.tenantId,
      id: randomUUID(),
      token_hash: hashLinkToken(token),
      target: dto.target,
      target_id: dto.id,
      learner_id: dto.learner_id ?? null,
      allow: dto.allow ?? [...LINK_ALLOWANCES],
      expires_at: expiresAt,
    });
    return { ...present(row), url: `${origin}/l/${token}`, token };
  }

  async list(ctx: RequestContext): Promise<LinkListDto> {
    return { items: (await this.links.list(ctx.tenantId)).map(present) };
  }

  async revoke(id: string, ctx: RequestContext): Promise<void> {
    if (!UUID.test(id) || !(await this.links.revoke(ctx.tenantId, id))) throw new ApiError(ApiErrorCode.LinkNotFound, `There is no link ${id}.`);
  }

  /** What the holder of a link may open, and the page that opens it. */
  async grant(link: LinkRow): Promise<LinkGrantDto> {
    return {
      target: link.target,
      target_id: link.target_id,
      learner_id: link.learner_id,
      allow: link.allow,
      expires_at: link.expires_at?.toISOString() ?? null,
      page: await this.page(link),
    };
  }

  private async page(link: LinkRow): Promise<string> {
    switch (link.target) {
      case 'scenario':
        return `/scenarios/${encodeURIComponent(link.target_id)}`;
      case 'session':
        return `/play/${link.target_id}`;
      case 'exercise':
        return `/play/${(await this.links.exerciseSession(link.tenant_id, link.target_id)) ?? link.target_id}?exercise=${link.target_id}`;
      case 'quiz':
        return `/quizzes/${link.target_id}`;
      case 'lti_results':
        return '/lti/results';
    }
  }

  private async checkTarget(dto: CreateLinkDto, tenantId: string): Promise<void> {
    if (dto.target === 'scenario') {
      this.scenarios.find(dto.id);
      return;
    }
    if (!UUID.test(dto.id) || !(await this.links.targetExists(tenantId, dto.target, dto.id))) {
      const code = { session: ApiErrorCode.SessionNotFound, exercise: ApiErrorCode.ExerciseNotFound, quiz: ApiErrorCode.QuizNotFound }[dto.target];
      throw new ApiError(code, `There is no ${dto.target} ${dto.id}: a link can only point to one of yours.`);
    }
  }
}
