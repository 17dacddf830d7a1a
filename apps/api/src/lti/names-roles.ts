import { Injectable } from '@nestjs/common';
import type { PlatformRow } from './platforms.repository';
import { callPlatform, LtiServiceConnector, PlatformCallFailed } from './service-connector';
import { httpUrl } from './http-url';

/** NRPS 2.0 §3.6.1: the scope a token must carry to read a context's memberships. */
export const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
/** NRPS 2.0 §3.6: the membership container's media type, asked for in Accept. */
const MEMBERSHIP_CONTAINER = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';
/** A course of thousands comes in pages of a few hundred; a platform sending more pages than this is looping. */
const MAX_PAGES = 100;

/** A course member as the platform lists them (NRPS 2.0 §3.6.1.1): `user_id` is the `sub` of their launches. */
export interface Member {
  user_id: string;
  name: string | null;
  email: string | null;
  roles: string[];
  /** Active, Inactive or Deleted (§3.6.1.1: Active when the platform leaves it out). */
  status: string;
}

/**
 * Names and Role Provisioning Services 2.0: the members of the course a resource link sits in, read from the
 * context_memberships_url its launch gave, with a token for the read-only membership scope, every page followed
 * through `Link: <…>; rel="next"` (§3.6.2.1).
 */
@Injectable()
export class LtiNamesRoles {
  constructor(private readonly connector: LtiServiceConnector) {}

  async members(platform: PlatformRow, contextMembershipsUrl: string): Promise<Member[]> {
    const members: Member[] = [];
    let next: string | null = contextMembershipsUrl;
    for (let page = 0; next !== null; page += 1) {
      if (page === MAX_PAGES) throw new PlatformCallFailed(`The member list of ${contextMembershipsUrl} has more than ${MAX_PAGES} pages.`, false);
      const response = await this.page(platform, next);
      const container = (await response.json().catch(() => null)) as { members?: unknown } | null;
      if (!Array.isArray(container?.members)) throw new PlatformCallFailed(`${next} answered without a members array.`, false);
      members.push(...container.members.flatMap(memberOrNothing));
      next = nextPage(response.headers.get('link'), next);
    }
    return members;
  }

  /** One page; a token the platform no longer takes (401) is asked for again once, as for grades. */
  private async page(platform: PlatformRow, url: string): Promise<Response> {
    const get = async () =>
      callPlatform(url, { method: 'GET', headers: { accept: MEMBERSHIP_CONTAINER, authorization: `Bearer ${await this.connector.accessToken(platform, [NRPS_SCOPE])}` } });
    try {
      return await get();
    } catch (error) {
      if (!(error instanceof PlatformCallFailed) || error.status !== 401) throw error;
      this.connector.forget(platform, [NRPS_SCOPE]);
      return get();
    }
  }
}

function memberOrNothing(value: unknown): Member[] {
  if (typeof value !== 'object' || value === null) return [];
  const m = value as Record<string, unknown>;
  if (typeof m['user_id'] !== 'string' || m['user_id'].length === 0) return [];
  const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v.slice(0, 200) : null);
  const joined = [text(m['given_name']), text(m['family_name'])].filter((p) => p !== null).join(' ');
  return [
    {
      user_id: m['user_id'].slice(0, 255),
      name: text(m['name']) ?? (joined.length > 0 ? joined : null),
      email: text(m['email']),
      roles: Array.isArray(m['roles']) ? m['roles'].filter((r): r is string => typeof r === 'string') : [],
      status: text(m['status']) ?? 'Active',
    },
  ];
}

/** RFC 8288: the `rel="next"` target of a Link header, resolved against the page it came with; only http(s). */
export function nextPage(link: string | null, base: string): string | null {
  if (link === null) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match || !/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(match[2]!)) continue;
    return httpUrl(match[1], base)?.href ?? null;
  }
  return null;
}
