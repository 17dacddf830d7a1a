import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '../config/configuration';
import { TenantsRepository } from '../tenants/tenants.repository';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyVerifier } from './api-key.verifier';
import { RateLimitGuard } from './rate-limit.guard';

/** API keys on every route (ApiKeyGuard), then rate limits per key (RateLimitGuard): guards run in this order. */
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
  providers: [TenantsRepository, ApiKeyVerifier, { provide: APP_GUARD, useClass: ApiKeyGuard }, { provide: APP_GUARD, useClass: RateLimitGuard }],
  exports: [ApiKeyVerifier, TenantsRepository],
})
export class AuthModule {}
