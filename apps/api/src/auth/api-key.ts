import { hash, randomBytes } from 'node:crypto';

/** Every key starts with this, so that a leaked one is easy to recognise (secret scanners, logs). */
const KEY_PREFIX = 'tcpl_';

/** 256 random bits: too many to guess, so a fast hash (SHA-256) is enough to store them (no salt, no KDF). */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Once per request (the verifier's cache is keyed by it): the one-shot form, without a Hash object to build. */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** What is shown of a key after it is created: enough to tell keys apart, far too little to use. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}

/** The token of `Authorization: Bearer <token>` (RFC 6750 §2.1), or null when the header is absent or another scheme. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization ?? '');
  return match ? match[1]! : null;
}
