import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { UUID } from '../common/cursor';
import type { RequestContext } from '../common/request-context';
import type { PlatformDto, PlatformListDto, PlatformRegistrationDto } from './dto/platform.dto';
import { isDuplicateRegistration, PlatformsRepository, type PlatformRow } from './platforms.repository';

function present(row: PlatformRow): PlatformDto {
  return {
    id: row.id,
    issuer: row.issuer,
    client_id: row.client_id,
    deployment_ids: row.deployment_ids,
    auth_url: row.auth_url,
    token_url: row.token_url,
    jwks_url: row.jwks_url,
    frame_origins: row.frame_origins,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** A tenant's LMS registrations: which issuers, client ids and deployments may launch tcplab for it. */
@Injectable()
export class PlatformsService {
  constructor(private readonly platforms: PlatformsRepository) {}

  async create(dto: PlatformRegistrationDto, ctx: RequestContext): Promise<PlatformDto> {
    return present(await this.unique(dto, () => this.platforms.insert(ctx.tenantId, randomUUID(), dto)));
  }

  async list(ctx: RequestContext): Promise<PlatformListDto> {
    return { items: (await this.platforms.list(ctx.tenantId)).map(present) };
  }

  async get(id: string, ctx: RequestContext): Promise<PlatformDto> {
    const row = UUID.test(id) ? await this.platforms.find(ctx.tenantId, id) : null;
    if (!row) throw notFound(id);
    return present(row);
  }

  async replace(id: string, dto: PlatformRegistrationDto, ctx: RequestContext): Promise<PlatformDto> {
    const row = UUID.test(id) ? await this.unique(dto, () => this.platforms.update(ctx.tenantId, id, dto)) : null;
    if (!row) throw notFound(id);
    return present(row);
  }

  async delete(id: string, ctx: RequestContext): Promise<void> {
    if (!UUID.test(id) || !(await this.platforms.delete(ctx.tenantId, id))) throw notFound(id);
  }

  /**
   * An issuer and client id name one registration across all tenants (a launch finds it before knowing the tenant),
   * so a second one is a 409 — which says no more about another tenant's registrations than that the pair is taken.
   */
  private async unique<T>(dto: PlatformRegistrationDto, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isDuplicateRegistration(error)) throw error;
      throw new ApiError(ApiErrorCode.LtiPlatformExists, `A platform with issuer ${dto.issuer} and client_id ${dto.client_id} is already registered.`);
    }
  }
}

function notFound(id: string): ApiError {
  return new ApiError(ApiErrorCode.LtiPlatformNotFound, `There is no LTI platform ${id}.`);
}
