import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createRemoteJWKSet } from 'jose';
import type { AppConfig } from '../config/configuration';

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * The platforms' public key sets, one per JWKS URL, fetched when first needed and cached (jose's RemoteJWKSet: kept
 * 10 minutes, fetched again at once — but only once per cooldown — when an id_token names a `kid` it does not hold,
 * which is how a platform's key rotation reaches us). Per process: a replica fetches for itself.
 */
@Injectable()
export class PlatformKeySets {
  private readonly sets = new Map<string, KeySet>();
  private readonly cooldownMs: number;

  constructor(config: ConfigService<AppConfig, true>) {
    this.cooldownMs = config.get('lti', { infer: true }).jwksCooldownMs;
  }

  for(jwksUrl: string): KeySet {
    let set = this.sets.get(jwksUrl);
    if (!set) {
      set = createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: this.cooldownMs, cacheMaxAge: 600_000, timeoutDuration: 5_000 });
      this.sets.set(jwksUrl, set);
    }
    return set;
  }
}
