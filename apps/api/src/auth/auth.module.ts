import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '../config/configuration';
import { TenantsRepository } from '../tenants/tenants.repository';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyVerifier } from './api-key.verifier';
import { RateLimitGuard } from './rate-limit.guard';
import { LinkVerifier } from './link-verifier';
import { LinksRepository } from '../links/links.repository';

/** API keys or share links on every route (ApiKeyGuard), then rate limits per key or link (RateLimitGuard): guards run in this order. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const { limit, windowMs } = config.get('rateLimit', { infer: true });
        return { throttlers: [{ name: 'default', limit, ttl: windowMs }] };
      },
    }),
  ],
  providers: [TenantsRepository, ApiKeyVerifier, LinksRepository, LinkVerifier, { provide: APP_GUARD, useClass: ApiKeyGuard }, { provide: APP_GUARD, useClass: RateLimitGuard }],
  exports: [ApiKeyVerifier, TenantsRepository, LinksRepository, LinkVerifier],
})
export class AuthModule {}
