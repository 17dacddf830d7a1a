import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { decodeJwt } from 'jose';
import type { LinkRow } from '../links/links.repository';
import { PAGE_CSP } from '../pages/page-shell';
import { FrameOriginsRepository, type PlatformAddresses } from './frame-origins.repository';
import { pageCspWith } from './page-csp';
import { PlatformsRepository } from './platforms.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who may frame a page that an LTI launch leads to. An LMS shows a tool inside its course page (an iframe), so those
 * pages name the launching platform's origins in `frame-ancestors` — and only those, so that no other site can
 * frame them under a learner's click (clickjacking). Every page outside a launch keeps `frame-ancestors 'none'`.
 *
 * A platform's origins are those of its issuer and of its OIDC authorization endpoint — the LMS's own site, where
 * its course pages are, in Moodle, Brightspace and Blackboard — and the registration's frame_origins (Canvas's
 * course pages are on the school's host, its issuer and authorization endpoint on Instructure's).
 */
@Injectable()
export class LaunchFrames {
  constructor(
    private readonly frameOrigins: FrameOriginsRepository,
    private readonly platforms: PlatformsRepository,
  ) {}

  /** The origins that may frame the pages a share link opens: its platform's if an LTI launch made it, else none. */
  async ofLink(link: LinkRow): Promise<string[]> {
    const platform = await this.frameOrigins.platformOfLink(link.tenant_id, link.learner_id);
    return platform ? originsOf(platform) : [];
  }

  /**
   * A page opened through a link names the link's id in its URL (`?link=`), as the link's own page sends it on: the
   * id is no secret, but it is only honoured while the link works and only by the page the link opens, so it can
   * only ever let the link's own platform frame that page.
   */
  async ofLinkId(linkId: string | undefined, opens: (link: LinkRow) => Promise<boolean>): Promise<string[]> {
    if (typeof linkId !== 'string' || !UUID.test(linkId)) return [];
    const link = await this.frameOrigins.workingLink(linkId);
    return link && (await opens(link)) ? this.ofLink(link) : [];
  }

  /**
   * A refused login or launch is shown in the frame it was started in, so that the learner reads why: the page may
   * be framed by the platforms of the issuer the request names (unverified — it is a refusal, and holds no secret).
   */
  async ofRefusal(params: { iss?: unknown; id_token?: unknown }): Promise<string[]> {
    let issuer = params.iss;
    if (issuer === undefined && typeof params.id_token === 'string') {
      try {
        issuer = decodeJwt(params.id_token).iss;
      } catch {
        return [];
      }
    }
    if (typeof issuer !== 'string') return [];
    return [...new Set((await this.platforms.byIssuer(issuer)).flatMap(originsOf))];
  }
}

export function originsOf(platform: PlatformAddresses): string[] {
  const origins = new Set<string>();
  for (const url of [platform.issuer, platform.auth_url, ...platform.frame_origins]) {
    // All are registered as http(s) URLs (PlatformRegistrationDto); an origin has no space or ';' to break the policy.
    origins.add(new URL(url).origin);
  }
  return [...origins];
}

/** The pages' policy, framed by the given origins instead of by no one (and by no one when there are none). */
export function pageCspFramedBy(origins: string[]): string {
  return origins.length === 0 ? PAGE_CSP : pageCspWith({ 'frame-ancestors': origins.join(' ') });
}

/**
 * Sets a page's framing: its policy, and no X-Frame-Options when a platform may frame it (helmet's SAMEORIGIN would
 * refuse the LMS in browsers that read it; browsers that know frame-ancestors ignore it then anyway).
 */
export function frameableBy(reply: FastifyReply, origins: string[]): void {
  void reply.header('content-security-policy', pageCspFramedBy(origins));
  if (origins.length > 0) reply.raw.removeHeader('x-frame-options');
}
