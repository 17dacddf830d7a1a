import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerRequest } from '@nestjs/throttler';
import { ApiError, ApiErrorCode } from '../common/api-error';
import type { AuthenticatedRequest } from './principal';

/**
 * @nestjs/throttler, counted per API key (or share link) across all routes (per client IP for public routes), with the IETF
 * RateLimit-Limit/-Remaining/-Reset fields plus RateLimit-Policy, and a 429 problem+json with Retry-After.
 * Runs after ApiKeyGuard, which has put the principal on the request.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override headerPrefix = 'RateLimit';

  protected override async shouldSkip(): Promise<boolean> {
    return this.throttlers.every((throttler) => throttler.limit === 0);
  }

  protected override async getTracker(request: AuthenticatedRequest): Promise<string> {
    const principal = request.principal;
    if (!principal) return `ip:${request.ip}`;
    // A link is limited on its own: a class sharing one link shares its limit, and cannot use up the tenant's keys'.
    if (principal.role === 'link') return `link:${principal.link.id}`;
    return `key:${principal.keyId ?? 'admin-from-environment'}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { res } = this.getRequestResponse(request.context);
    const windowSeconds = Math.ceil(Number(request.ttl) / 1000);
    this.setResponseHeader(res, 'RateLimit-Policy', `${request.limit};w=${windowSeconds}`);
    return super.handleRequest(request);
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new ApiError(
      ApiErrorCode.RateLimited,
      `This key may make ${detail.limit} requests per ${Math.ceil(detail.ttl / 1000)} s; try again in ${detail.timeToBlockExpire} s.`,
      {},
      {
        'retry-after': String(detail.timeToBlockExpire),
        'ratelimit-limit': String(detail.limit),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(detail.timeToBlockExpire),
      },
    );
  }
}
