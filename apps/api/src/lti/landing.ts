import { Injectable } from '@nestjs/common';
import type { ExerciseGoalId } from '@tcplab/tcp-core';
import type { JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { generateLinkToken, hashLinkToken } from '../auth/link-verifier';
import { ExercisesService } from '../exercises/exercises.service';
import { LINK_ALLOWANCES, type LinkTarget } from '../links/dto/link.dto';
import { LinksRepository } from '../links/links.repository';
import { SessionsRepository, type Transaction } from '../sessions/sessions.repository';
import type { LtiUserRow } from './launches.repository';
import type { PlatformRow } from './platforms.repository';
import { ResourceLinksRepository, type ResourceLinkRow } from './resource-links.repository';
import { httpUrl } from './http-url';

const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
/** AGS 2.0 §3.1: the services a launch offers for its resource link's grades. */
export const AGS_ENDPOINT_CLAIM = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
/** NRPS 2.0 §3.6.1: where the course's members can be listed (the instructor's results view lists them). */
export const NRPS_CLAIM = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice';
/** How long the browser session a launch opens lasts: a lesson, not a term (a new launch opens a new one). */
const LANDING_TTL_MS = 8 * 3600_000;

/** What a launch's target_link_uri names: a scenario or quiz as it is, or an exercise goal each learner gets one of. */
export type LaunchTarget = { kind: 'scenario' | 'quiz'; id: string } | { kind: 'exercise'; goal: ExerciseGoalId; seed: number | null };

export interface Landing {
  platform: PlatformRow;
  user: LtiUserRow;
  deploymentId: string;
  targetLinkUri: string;
  target: LaunchTarget;
  /** The id_token's verified claims. */
  claims: JWTPayload;
}

/**
 * Where a valid launch lands its person, recorded in one transaction: the resource link as this launch describes it
 * (with its AGS and NRPS claims), for an exercise the learner's own one (made at their first launch of the link and
 * kept across launches), and a share link of their own, remembered as this link's and learner's so that what is done
 * through it (a quiz attempt) can be graded back to the platform. An instructor gets a second link, to the resource
 * link's results, which is where they land (the content link is their "try it").
 */
@Injectable()
export class LtiLanding {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly resourceLinks: ResourceLinksRepository,
    private readonly links: LinksRepository,
    private readonly exercises: ExercisesService,
  ) {}

  /** The new share link's token, and for an instructor the results link's. */
  async land(landing: Landing, now: Date): Promise<{ token: string; resultsToken: string | null }> {
    const { platform, user } = landing;
    const token = generateLinkToken();
    const resultsToken = user.role === 'instructor' ? generateLinkToken() : null;
    await this.sessions.transaction(async (tx) => {
      const resourceLink = await this.resourceLinks.upsert(tx, { tenant_id: platform.tenant_id, id: randomUUID(), platform_id: platform.id, ...describedLink(landing) });
      const target: { kind: LinkTarget; id: string } =
        landing.target.kind === 'exercise' ? { kind: 'exercise', id: await this.exerciseOf(tx, resourceLink, user, landing.target) } : landing.target;
      const link = await this.links.insert(
        {
          tenant_id: platform.tenant_id,
          id: randomUUID(),
          token_hash: hashLinkToken(token),
          target: target.kind,
          target_id: target.id,
          learner_id: user.id,
          allow: [...LINK_ALLOWANCES],
          expires_at: new Date(now.getTime() + LANDING_TTL_MS),
        },
        tx,
      );
      await this.resourceLinks.insertLanding(tx, { link_id: link.id, tenant_id: platform.tenant_id, resource_link_id: resourceLink.id, user_id: user.id });
      if (resultsToken !== null) {
        await this.links.insert(
          {
            tenant_id: platform.tenant_id,
            id: randomUUID(),
            token_hash: hashLinkToken(resultsToken),
            target: 'lti_results',
            target_id: resourceLink.id,
            learner_id: user.id,
            // It reads results; it acts on no session.
            allow: [],
            expires_at: new Date(now.getTime() + LANDING_TTL_MS),
          },
          tx,
        );
      }
    });
    return { token, resultsToken };
  }

  /**
   * The learner's exercise of this goal on this link: the one made at their first such launch (the link's row is
   * locked meanwhile). A seed changed on the link later does not replace an exercise already started.
   */
  private async exerciseOf(tx: Transaction, resourceLink: ResourceLinkRow, user: LtiUserRow, target: { goal: ExerciseGoalId; seed: number | null }): Promise<string> {
    const existing = await this.resourceLinks.exerciseOf(tx, resourceLink.id, user.id, target.goal);
    if (existing !== null) return existing;
    const exercise = await this.exercises.insert(tx, { goal: target.goal, learner_id: user.id, ...(target.seed === null ? {} : { seed: target.seed }) }, user.tenant_id);
    await this.resourceLinks.insertExercise(tx, { tenant_id: user.tenant_id, resource_link_id: resourceLink.id, user_id: user.id, goal: target.goal, exercise_id: exercise.id });
    return exercise.id;
  }
}

/** The resource link's columns from the launch: Core §5.3.5 and §5.4.1, AGS §3.1, NRPS §3.6.1 — each optional claim taken only when well-formed. */
function describedLink(landing: Landing): Omit<ResourceLinkRow, 'tenant_id' | 'id' | 'platform_id'> {
  const { claims } = landing;
  const resourceLink = claims[`${CLAIM}resource_link`] as { id: string; title?: unknown };
  const context = objectOrNull(claims[`${CLAIM}context`]);
  const ags = objectOrNull(claims[AGS_ENDPOINT_CLAIM]);
  const nrps = objectOrNull(claims[NRPS_CLAIM]);
  return {
    deployment_id: landing.deploymentId,
    resource_link_id: resourceLink.id,
    title: stringOrNull(resourceLink.title),
    context_id: stringOrNull(context?.['id']),
    context_title: stringOrNull(context?.['title']),
    target_link_uri: landing.targetLinkUri,
    lineitem: urlOrNull(ags?.['lineitem']),
    lineitems: urlOrNull(ags?.['lineitems']),
    ags_scopes: Array.isArray(ags?.['scope']) ? (ags['scope'] as unknown[]).filter((s): s is string => typeof s === 'string') : [],
    nrps: typeof nrps?.['context_memberships_url'] === 'string' ? nrps : null,
  };
}

function objectOrNull(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value.slice(0, 500) : null;
}

/** A service URL the platform gave: only http(s), since tcplab will call it. */
function urlOrNull(value: unknown): string | null {
  return httpUrl(value) ? (value as string) : null;
}
