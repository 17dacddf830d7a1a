import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { PlatformRow } from './platforms.repository';
import { ToolKeys } from './tool-keys.service';

/** How long an HTTP call to a platform may take before it counts as the platform being unreachable. */
export const PLATFORM_TIMEOUT_MS = 10_000;
/** A cached token is dropped this long before the platform said it expires: it must still be valid when it arrives. */
const EXPIRY_MARGIN_MS = 30_000;

/** A platform's answer that was not a success: whether asking again later may succeed, and when the platform asked us to. */
export class PlatformCallFailed extends Error {
  constructor(
    message: string,
    /** 5xx, 429 and unreachable platforms: try again later. Other 4xx: the request itself is wrong; do not repeat it. */
    readonly retry: boolean,
    /** From Retry-After (RFC 9110 §10.2.3), when the platform sent one. */
    readonly retryAfterMs: number | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/**
 * Access tokens for a platform's LTI Advantage services (1EdTech Security Framework §4.1): the OAuth 2.0
 * client-credentials grant, authenticated by a JWT client assertion (RFC 7523) signed with the tool's current key.
 * Tokens are cached per platform and scope set until shortly before they expire, as ltijs does: one token request
 * serves every score sent in that time.
 */
@Injectable()
export class LtiServiceConnector {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly toolKeys: ToolKeys) {}

  async accessToken(platform: PlatformRow, scopes: string[], now = new Date()): Promise<string> {
    const key = `${platform.id} ${[...scopes].sort().join(' ')}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > now.getTime()) return cached.token;
    const granted = await this.requestToken(platform, scopes, now);
    this.tokens.set(key, { token: granted.token, expiresAt: now.getTime() + granted.expiresInS * 1000 - EXPIRY_MARGIN_MS });
    return granted.token;
  }

  /** A token the platform refused (401): the next call asks for a new one. */
  forget(platform: PlatformRow, scopes: string[]): void {
    this.tokens.delete(`${platform.id} ${[...scopes].sort().join(' ')}`);
  }

  private async requestToken(platform: PlatformRow, scopes: string[], now: Date): Promise<{ token: string; expiresInS: number }> {
    // Security Framework §4.1.1: iss and sub are the tool's client id, aud the token endpoint, jti never repeated.
    const assertion = await this.toolKeys.sign({ iss: platform.client_id, sub: platform.client_id, aud: platform.token_url, jti: randomUUID() }, now);
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: scopes.join(' '),
    });
    const response = await callPlatform(platform.token_url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body });
    const granted = (await response.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (typeof granted?.access_token !== 'string') throw new PlatformCallFailed(`The token endpoint ${platform.token_url} answered without an access_token.`, false);
    // RFC 6749 §5.1: expires_in is recommended, not required; without it, an hour (what LMSs give).
    const expiresInS = typeof granted.expires_in === 'number' && granted.expires_in > 0 ? granted.expires_in : 3600;
    return { token: granted.access_token, expiresInS };
  }
}

/** One HTTP call to a platform: a success, or a PlatformCallFailed saying whether to try again. */
export async function callPlatform(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(PLATFORM_TIMEOUT_MS) });
  } catch (error) {
    throw new PlatformCallFailed(`${init.method ?? 'GET'} ${url} could not reach the platform: ${(error as Error).message}.`, true);
  }
  if (response.ok) return response;
  const detail = (await response.text().catch(() => '')).slice(0, 500);
  const retry = response.status >= 500 || response.status === 429;
  throw new PlatformCallFailed(
    `${init.method ?? 'GET'} ${url} answered ${response.status}${detail ? `: ${detail}` : ''}`,
    retry,
    retryAfterMs(response.headers.get('retry-after')),
    response.status,
  );
}

/** Retry-After is a number of seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(value: string | null): number | null {
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}
