import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { AppConfig } from '../config/configuration';
import { ToolKeysRepository, type ToolKeyRow } from './tool-keys.repository';

/** What tcplab signs (deep-linking responses, client assertions) lives this long; LTI asks for minutes, not hours. */
export const TOOL_TOKEN_LIFETIME_S = 300;
/** A retired key stays in the JWKS until the last token it signed has expired, with the same leeway launches get. */
const PUBLISHED_AFTER_RETIREMENT_MS = (TOOL_TOKEN_LIFETIME_S + 300) * 1000;

export interface ToolJwks {
  keys: Array<JWK & { kid: string; alg: 'RS256'; use: 'sig' }>;
}

/**
 * The tool's own RS256 keys, as the 1EdTech Security Framework (§6.3) asks: published at one JWKS URL with their
 * `kid`, rotated by publishing the next key before it signs and keeping the old one until its tokens expire. The
 * private keys live in PostgreSQL (unencrypted for now: encrypting them at rest is later work), so every replica signs
 * with the same key. Time is passed in, so that a rotation's windows can be checked without waiting for them.
 */
@Injectable()
export class ToolKeys {
  private readonly rotationLeadMs: number;

  constructor(
    private readonly keys: ToolKeysRepository,
    config: ConfigService<AppConfig, true>,
  ) {
    this.rotationLeadMs = config.get('lti', { infer: true }).keyRotationLeadMs;
  }

  async jwks(now = new Date()): Promise<ToolJwks> {
    return { keys: (await this.published(now)).map((row) => ({ ...row.public_jwk, kid: row.kid, alg: 'RS256', use: 'sig' })) };
  }

  /** Signs a JWT with the key that signs at `now`, naming it by `kid`. */
  async sign(payload: JWTPayload, now = new Date()): Promise<string> {
    await this.ensureOne(now);
    const row = await this.keys.signing(now);
    if (!row) throw new Error('no tool key signs now'); // ensureOne makes one when there is none
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: row.kid, typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + TOOL_TOKEN_LIFETIME_S)
      .sign(await importPKCS8(row.private_key_pkcs8, 'RS256'));
  }

  /**
   * The next key: published from `now`, signing from `now` + the rotation lead; the current one signs until then. A
   * rotation during another's lead replaces the key that was waiting (it never signed anything), so that the JWKS
   * holds at most the signing key, the next one and those retired within the last minutes, however often it is called.
   */
  async rotate(now = new Date()): Promise<ToolKeyRow> {
    return this.keys.locked(async (keys) => {
      if (!(await keys.any())) return keys.insert(await newKey(now));
      await keys.dropWaiting(now);
      const signsFrom = new Date(now.getTime() + this.rotationLeadMs);
      await keys.retireAt(now, signsFrom, new Date(signsFrom.getTime() + PUBLISHED_AFTER_RETIREMENT_MS));
      return keys.insert(await newKey(signsFrom));
    });
  }

  /** The keys in the JWKS at `now`, the first one made if there is none yet. */
  async published(now = new Date()): Promise<ToolKeyRow[]> {
    await this.ensureOne(now);
    return this.keys.published(now);
  }

  /** The first key, made when first needed (on any replica, once). */
  private async ensureOne(now: Date): Promise<void> {
    if ((await this.keys.published(now)).length > 0) return;
    await this.keys.locked(async (keys) => {
      if (!(await keys.any())) await keys.insert(await newKey(now));
    });
  }
}

async function newKey(signsFrom: Date): Promise<Omit<ToolKeyRow, 'created_at' | 'signs_until' | 'published_until'>> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(publicKey);
  // The RFC 7638 thumbprint: a kid that names the key's material, the same on every replica.
  return { kid: await calculateJwkThumbprint(jwk), private_key_pkcs8: await exportPKCS8(privateKey), public_jwk: jwk, signs_from: signsFrom };
}
