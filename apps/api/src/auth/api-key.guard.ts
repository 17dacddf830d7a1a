import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { UUID } from '../common/cursor';
import type { AppConfig } from '../config/configuration';
import { ACCESS, type Access } from './access.decorator';
import { bearerToken } from './api-key';
import { ApiKeyVerifier } from './api-key.verifier';
import { LINK_ACCESS, type LinkAccess } from './link-access';
import { LINK_TOKEN_PREFIX, LinkVerifier } from './link-verifier';
import { LinksRepository, type LinkRow } from '../links/links.repository';
import type { AuthenticatedRequest, Principal } from './principal';

/** RFC 6750 §3: a 401 names the scheme, and says why when a key was sent. */
function unauthenticated(detail: string, invalidToken: boolean): ApiError {
  return new ApiError(ApiErrorCode.Unauthenticated, detail, {}, {
    'www-authenticate': invalidToken ? 'Bearer realm="tcplab", error="invalid_token"' : 'Bearer realm="tcplab"',
  });
}

/**
 * Every route needs an API key unless marked public; the key's role must be the one the route is for.
 * Requests without a good key never reach the per-key rate limit, so they are limited here, per client IP, by
 * the same numbers: guessing keys cannot load the database without bound.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly limit: { limit: number; windowMs: number };

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyVerifier,
    private readonly linkTokens: LinkVerifier,
    private readonly links: LinksRepository,
    @InjectThrottlerStorage() private readonly failures: ThrottlerStorage,
    config: ConfigService<AppConfig, true>,
  ) {
    this.limit = config.get('rateLimit', { infer: true });
  }

  private async refuse(request: AuthenticatedRequest, error: ApiError): Promise<never> {
    const { limit, windowMs } = this.limit;
    if (limit > 0) {
      const record = await this.failures.increment(`ip:${request.ip}`, windowMs, limit, windowMs, 'failed-authentication');
      if (record.isBlocked) {
        throw new ApiError(ApiErrorCode.RateLimited, `Too many requests without a valid API key from this address; try again in ${record.timeToBlockExpire} s.`, {}, {
          'retry-after': String(record.timeToBlockExpire),
        });
      }
    }
    throw error;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [context.getHandler(), context.getClass()]) ?? 'tenant';
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token === null) return this.refuse(request, unauthenticated('Send an API key as "Authorization: Bearer <key>".', false));
    if (token.startsWith(LINK_TOKEN_PREFIX)) {
      const verdict = await this.linkTokens.verify(token);
      if (!verdict.ok) return this.refuse(request, refusedLink(verdict.reason));
      const linkAccess = this.reflector.get<LinkAccess | undefined>(LINK_ACCESS, context.getHandler());
      if (access === 'admin' || !linkAccess || !(await this.linkReaches(verdict.link, linkAccess, request))) {
        throw new ApiError(ApiErrorCode.Forbidden, `This link opens ${describeTarget(verdict.link)} only.`);
      }
      request.principal = { role: 'link', tenantId: verdict.link.tenant_id, link: verdict.link };
      return true;
    }
    const principal: Principal | null = await this.keys.verify(token);
    if (principal === null) return this.refuse(request, unauthenticated('The API key is not valid, or has been revoked.', true));
    if (access === 'tenant' && principal.role !== 'tenant') {
      throw new ApiError(ApiErrorCode.Forbidden, "The admin key manages tenants and keys; sessions belong to tenants: use one of a tenant's keys.");
    }
    if (access === 'admin' && principal.role !== 'admin') throw new ApiError(ApiErrorCode.Forbidden, 'This route needs the admin key.');
    request.principal = principal;
    return true;
  }

  /** Whether the route, with these parameters, is within what the link grants. */
  private async linkReaches(link: LinkRow, access: LinkAccess, request: AuthenticatedRequest): Promise<boolean> {
    const id = (request.params as Record<string, string | undefined>)['id'];
    switch (access.kind) {
      case 'own-link':
        return true;
      case 'lti-results':
        return link.target === 'lti_results';
      case 'exercise':
      case 'quiz':
        return link.target === access.kind && id === link.target_id;
      case 'scenario-session': {
        // Exactly {"scenario": <the link's scenario>}: a link holder chooses nothing else about the connection.
        const body = request.body as Record<string, unknown> | null;
        return link.target === 'scenario' && body !== null && typeof body === 'object' && Object.keys(body).length === 1 && body['scenario'] === link.target_id;
      }
      case 'session':
        if (access.action !== 'read' && !link.allow.includes(access.action)) return false;
        return id !== undefined && UUID.test(id) && this.links.reachesSession(link, id);
    }
  }
}

function refusedLink(reason: 'unknown' | 'expired' | 'revoked'): ApiError {
  const detail = {
    unknown: 'This link is not valid: check that it was copied whole, or ask for a new one.',
    expired: 'This link has expired: ask your teacher for a new one.',
    revoked: 'This link has been withdrawn by whoever made it: ask your teacher for a new one.',
  }[reason];
  return new ApiError(ApiErrorCode.Unauthenticated, detail, { link: reason }, { 'www-authenticate': 'Bearer realm="tcplab", error="invalid_token"' });
}

function describeTarget(link: LinkRow): string {
  return `the ${link.target} ${link.target_id}`;
}
