import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { LinksRepository, type LinkRow } from '../links/links.repository';

/** Every share link's token starts with this: a key is never mistaken for a link, nor a link for a key. */
export const LINK_TOKEN_PREFIX = 'tlnk_';

export function generateLinkToken(): string {
  return LINK_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type LinkVerdict = { ok: true; link: LinkRow } | { ok: false; reason: 'unknown' | 'expired' | 'revoked'; link: LinkRow | null };

/**
 * Turns a presented link token into its link. Nothing is cached: a revocation holds at once on every replica,
 * which costs one indexed lookup per request of a link's holder (a learner's page, not a hot path).
 */
@Injectable()
export class LinkVerifier {
  constructor(private readonly links: LinksRepository) {}

  async verify(token: string, now = new Date()): Promise<LinkVerdict> {
    const link = await this.links.findByTokenHash(hashLinkToken(token));
    if (!link) return { ok: false, reason: 'unknown', link: null };
    if (link.revoked_at !== null) return { ok: false, reason: 'revoked', link };
    if (link.expires_at !== null && link.expires_at <= now) return { ok: false, reason: 'expired', link };
    return { ok: true, link };
  }
}
