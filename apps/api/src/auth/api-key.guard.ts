import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { ApiError, ApiErrorCode } from '../common/api-error';
import type { AppConfig } from '../config/configuration';
import { ACCESS, type Access } from './access.decorator';
import { bearerToken } from './api-key';
import { ApiKeyVerifier } from './api-key.verifier';
import type { AuthenticatedRequest } from './principal';

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
    const principal = await this.keys.verify(token);
    if (principal === null) return this.refuse(request, unauthenticated('The API key is not valid, or has been revoked.', true));
    if (access === 'tenant' && principal.role !== 'tenant') {
      throw new ApiError(ApiErrorCode.Forbidden, "The admin key manages tenants and keys; sessions belong to tenants: use one of a tenant's keys.");
    }
    if (access === 'admin' && principal.role !== 'admin') throw new ApiError(ApiErrorCode.Forbidden, 'This route needs the admin key.');
    request.principal = principal;
    return true;
  }
}
