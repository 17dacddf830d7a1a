import { Injectable } from '@nestjs/common';
import { EXERCISE_GOALS, LANGUAGES, scenario, type Language } from '@tcplab/tcp-core';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { UUID } from '../common/cursor';
import { LinksRepository } from '../links/links.repository';
import { bindingSecret, clearBindingCookie, hashBrowserSecret } from './browser-binding';
import { deepLinkingSettings, LtiDeepLinking } from './deep-linking';
import { LaunchesRepository, type LoginRow, type LtiUserRow } from './launches.repository';
import { LtiLanding, type LaunchTarget } from './landing';
import { LaunchRefused } from './launch-refused';
import { isOwn } from './oidc-login';
import { PlatformKeySets } from './platform-key-sets';
import { PlatformsRepository, type PlatformRow } from './platforms.repository';
import { mayChooseContent, roleOf } from './roles';

const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
/** Clocks of an LMS and of tcplab differ: exp and iat are checked with this much leeway (seconds). */
const LEEWAY_S = 60;
/** An id_token is posted within seconds of being issued; one older than this is not a launch in progress. */
const MAX_ID_TOKEN_AGE_S = 600;

/** What a launch posts (Security Framework §5.1.1.3: form_post of the authentication response). */
export interface LaunchForm {
  id_token?: string;
  state?: string;
}

/**
 * How the launch is tied to the browser that started its login: the login's cookie, or — where the browser blocks
 * it in the platform's frame — the state and nonce the tool's page read back from the platform's storage
 * (platform-storage.ts; the controller decides, from a same-origin post only).
 */
export type LaunchBinding = 'cookie' | 'platform-storage';

/**
 * Step two: the platform's id_token, checked as the 1EdTech Security Framework §5.1.3 and LTI 1.3 Core §5.3 say, in
 * their order, each refusal naming its check; nothing is written before every check has passed. A resource-link
 * launch then lands its person on the content target_link_uri names, with a share link of their own — the browser
 * holds that link's token, never a tenant key.
 */
@Injectable()
export class LtiMessageLaunch {
  constructor(
    private readonly platforms: PlatformsRepository,
    private readonly launches: LaunchesRepository,
    private readonly keySets: PlatformKeySets,
    private readonly links: LinksRepository,
    private readonly landing: LtiLanding,
    private readonly deepLinking: LtiDeepLinking,
  ) {}

  /** Where the browser goes next (its share link's page), and the cookie to clear. */
  async launch(form: LaunchForm, cookieHeader: string | undefined, toolOrigin: string, now = new Date(), binding: LaunchBinding = 'cookie'): Promise<{ redirect: string; cookie: string }> {
    if (!form.id_token) throw new LaunchRefused('request', 'The launch carries no id_token.');
    if (!form.state) throw new LaunchRefused('request', 'The launch carries no state.');
    const { platform, claims } = await this.verifiedToken(form.id_token, now);
    const login = await this.checkState(form.state, platform, cookieHeader, now, binding);
    if (claims.nonce !== login.nonce) throw new LaunchRefused('nonce', "The id_token's nonce is not the one this login sent.");
    if (login.used_at !== null) throw new LaunchRefused('nonce', 'This nonce was used already: the id_token is being replayed.');
    const lti = checkLtiClaims(claims, platform, login);
    if (lti.messageType === 'LtiDeepLinkingRequest') {
      // Deep Linking 2.0: content selection, for those who set up the course; checked before anything is stored.
      const settings = deepLinkingSettings(claims);
      if (!mayChooseContent(lti.roles)) throw new LaunchRefused('roles', 'Only an instructor or an administrator may choose content for a course.');
      const chooser = await this.completeLogin(form.state, platform, lti, claims);
      const redirect = await this.deepLinking.open(platform, lti.deploymentId, chooser.id, settings, now);
      return { redirect, cookie: clearBindingCookie(form.state, toolOrigin) };
    }
    const target = await this.landingTarget(lti.targetLinkUri, platform, toolOrigin);
    const user = await this.completeLogin(form.state, platform, lti, claims);
    const { token, resultsToken } = await this.landing.land({ platform, user, deploymentId: lti.deploymentId, targetLinkUri: lti.targetLinkUri, target, claims }, now);
    const lang = linkLanguage(claims);
    const query = lang ? `?lang=${lang}` : '';
    // An instructor lands on the link's results (issue 13 item 3); the content's token rides in the fragment, which
    // never reaches a server or a Referer, for the page's "try it".
    const redirect = resultsToken === null ? `/l/${token}${query}` : `/l/${resultsToken}${query}#try=${token}`;
    return { redirect, cookie: clearBindingCookie(form.state, toolOrigin) };
  }

  /** The nonce consumed and the person recorded, or a refusal when another launch consumed the nonce first. */
  private async completeLogin(state: string, platform: PlatformRow, lti: LtiClaims, claims: JWTPayload): Promise<LtiUserRow> {
    const user = await this.launches.completeLogin(state, {
      tenant_id: platform.tenant_id,
      id: randomUUID(),
      platform_id: platform.id,
      deployment_id: lti.deploymentId,
      sub: lti.sub,
      role: roleOf(lti.roles),
      name: typeof claims['name'] === 'string' ? claims['name'].slice(0, 200) : null,
    });
    if (!user) throw new LaunchRefused('nonce', 'This nonce was used already: the id_token is being replayed.');
    return user;
  }

  /** Security Framework §5.1.3 steps 1–8: the registration from iss and aud, then the signature, then the times. */
  private async verifiedToken(idToken: string, now: Date): Promise<{ platform: PlatformRow; claims: JWTPayload }> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(idToken);
      unverified = decodeJwt(idToken);
    } catch {
      throw new LaunchRefused('request', 'The id_token is not a JWT.');
    }
    // Step 6: RS256 only — never "none", never an HMAC keyed with a public key.
    if (header.alg !== 'RS256') throw new LaunchRefused('alg', `The id_token is signed with ${String(header.alg)}; LTI requires RS256.`);
    // Step 2: the issuer is a registered platform's.
    const candidates = typeof unverified.iss === 'string' ? await this.platforms.byIssuer(unverified.iss) : [];
    if (candidates.length === 0) throw new LaunchRefused('iss', `No platform with issuer ${String(unverified.iss)} is registered.`);
    // Step 3: aud holds our client id; steps 4–5: with several audiences, azp names us.
    const audiences = typeof unverified.aud === 'string' ? [unverified.aud] : Array.isArray(unverified.aud) ? unverified.aud : [];
    const platform = candidates.find((p) => audiences.includes(p.client_id));
    if (!platform) throw new LaunchRefused('aud', `The id_token is for ${audiences.join(', ') || 'no audience'}, not for a client id registered for ${String(unverified.iss)}.`);
    if (audiences.length > 1 && unverified.azp === undefined) throw new LaunchRefused('azp', 'The id_token has several audiences and no azp: it must name the party it was issued to.');
    if (unverified.azp !== undefined && unverified.azp !== platform.client_id) throw new LaunchRefused('azp', `azp is ${String(unverified.azp)}, not this tool's client id.`);
    // Step 1 (done after finding whose key set to use): the signature, with the platform's published keys.
    try {
      const { payload } = await jwtVerify(idToken, this.keySets.for(platform.jwks_url), {
        algorithms: ['RS256'],
        issuer: platform.issuer,
        audience: platform.client_id,
        clockTolerance: LEEWAY_S,
        maxTokenAge: MAX_ID_TOKEN_AGE_S,
        currentDate: now,
        requiredClaims: ['exp', 'iat'],
      });
      return { platform, claims: payload };
    } catch (error) {
      throw refusalOf(error);
    }
  }

  private async checkState(state: string, platform: PlatformRow, cookieHeader: string | undefined, now: Date, binding: LaunchBinding): Promise<LoginRow> {
    const login = await this.launches.findLogin(state);
    if (!login || login.platform_id !== platform.id) throw new LaunchRefused('state', 'No login of this platform started with this state.');
    if (login.expires_at <= now && login.used_at === null) throw new LaunchRefused('state', 'The login expired before the launch arrived: launch again from the course.');
    if (binding === 'platform-storage') return login;
    const secret = bindingSecret(cookieHeader, state);
    if (secret === null || hashBrowserSecret(secret) !== login.browser_hash) {
      throw new LaunchRefused(
        'state',
        'This browser did not start the login (its cookie is missing or different). If your browser blocks third-party cookies, open tcplab in a new window from the course.',
      );
    }
    return login;
  }

  /**
   * target_link_uri names a page of this tool: a scenario, one of the tenant's quizzes, or an exercise goal
   * (`/exercises/{goal}`, optionally `?seed=N`; `lang` may be there too, but the pages speak the learner's choice).
   */
  private async landingTarget(targetLinkUri: string, platform: PlatformRow, toolOrigin: string): Promise<LaunchTarget> {
    const url = isOwn(targetLinkUri, toolOrigin) ? new URL(targetLinkUri) : null;
    const path = url?.pathname ?? '';
    const exercise = /^\/exercises\/([^/]+)$/.exec(path);
    if (exercise) {
      const goal = EXERCISE_GOALS.find((g) => g === exercise[1]);
      if (!goal) throw new LaunchRefused('target_link_uri', `There is no exercise goal ${exercise[1]} (goals: ${EXERCISE_GOALS.join(', ')}).`);
      const seed = url!.searchParams.get('seed');
      if (seed !== null && !(/^\d{1,10}$/.test(seed) && Number(seed) < 2 ** 32)) throw new LaunchRefused('target_link_uri', `The exercise's seed ${seed} is not an integer from 0 to 4294967295.`);
      return { kind: 'exercise', goal, seed: seed === null ? null : Number(seed) };
    }
    const scenarioPage = /^\/scenarios\/([^/]+)$/.exec(path);
    if (scenarioPage) {
      const id = safeDecode(scenarioPage[1]!);
      if (id === null || !scenario(id)) throw new LaunchRefused('target_link_uri', `There is no scenario ${id}.`);
      return { kind: 'scenario', id };
    }
    const quiz = /^\/quizzes\/([^/]+)$/.exec(path);
    if (quiz && UUID.test(quiz[1]!) && (await this.links.targetExists(platform.tenant_id, 'quiz', quiz[1]!))) return { kind: 'quiz', id: quiz[1]! };
    throw new LaunchRefused('target_link_uri', `${targetLinkUri} is not a scenario, quiz or exercise of this tool.`);
  }
}

/** The message types tcplab answers: a resource link launch, and a content selection (Deep Linking 2.0). */
const MESSAGE_TYPES = ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'] as const;

interface LtiClaims {
  messageType: (typeof MESSAGE_TYPES)[number];
  deploymentId: string;
  sub: string;
  roles: string[];
  targetLinkUri: string;
}

/**
 * LTI 1.3 Core §5.3 (the resource link launch's required claims) and Deep Linking 2.0 §4.4 (the deep linking
 * request's), checked once the token itself is trusted; deep_linking_settings is the deep-linking module's.
 */
function checkLtiClaims(claims: JWTPayload, platform: PlatformRow, login: LoginRow): LtiClaims {
  const deploymentId = claims[`${CLAIM}deployment_id`];
  if (typeof deploymentId !== 'string' || !platform.deployment_ids.includes(deploymentId)) {
    throw new LaunchRefused('deployment_id', `Deployment ${String(deploymentId)} is not registered for this platform: add it to the registration's deployment_ids.`);
  }
  const messageType = MESSAGE_TYPES.find((type) => type === claims[`${CLAIM}message_type`]);
  if (!messageType) throw new LaunchRefused('message_type', `Message type ${String(claims[`${CLAIM}message_type`])} is not one tcplab accepts (${MESSAGE_TYPES.join(', ')}).`);
  const version = claims[`${CLAIM}version`];
  if (version !== '1.3.0') throw new LaunchRefused('version', `LTI version ${String(version)} is not 1.3.0.`);
  // A deep linking request may leave target_link_uri out (Deep Linking 2.0 §4.4 does not require it); the login's counts then.
  const targetLinkUri = messageType === 'LtiDeepLinkingRequest' && claims[`${CLAIM}target_link_uri`] === undefined ? login.target_link_uri : claims[`${CLAIM}target_link_uri`];
  if (targetLinkUri !== login.target_link_uri) {
    throw new LaunchRefused('target_link_uri', `The id_token's target_link_uri (${String(targetLinkUri)}) is not the one the login asked for (${login.target_link_uri}).`);
  }
  const resourceLink = claims[`${CLAIM}resource_link`] as { id?: unknown } | undefined;
  if (messageType === 'LtiResourceLinkRequest' && (typeof resourceLink?.id !== 'string' || resourceLink.id.length === 0)) throw new LaunchRefused('resource_link', 'A resource link launch must carry resource_link.id.');
  // §5.3.6: sub may be left out for an anonymous launch, but tcplab keeps each learner's work, so it needs one.
  if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 255) throw new LaunchRefused('sub', 'The launch names no user (sub): tcplab does not take anonymous launches.');
  const roles = claims[`${CLAIM}roles`];
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) throw new LaunchRefused('roles', 'The roles claim must be an array of role URIs (possibly empty).');
  return { messageType, deploymentId, sub: claims.sub, roles, targetLinkUri };
}

/** The language a deep-linked item was chosen in: its custom parameter `lang`, which the platform sends back at each launch. */
function linkLanguage(claims: JWTPayload): Language | null {
  const custom = claims[`${CLAIM}custom`] as Record<string, unknown> | undefined;
  const lang = custom?.['lang'];
  return (LANGUAGES as readonly unknown[]).includes(lang) ? (lang as Language) : null;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** jose's verdict as the check it failed. */
function refusalOf(error: unknown): LaunchRefused {
  if (error instanceof errors.JWKSNoMatchingKey) return new LaunchRefused('kid', "The platform's key set has no key with the id_token's kid, even fetched again.");
  if (error instanceof errors.JWSSignatureVerificationFailed) return new LaunchRefused('signature', "The id_token's signature does not verify with the platform's key.");
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'iat'
      ? new LaunchRefused('iat', `The id_token was issued more than ${MAX_ID_TOKEN_AGE_S} s ago.`)
      : new LaunchRefused('exp', 'The id_token has expired.');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const check = error.claim === 'iat' || error.claim === 'exp' || error.claim === 'iss' || error.claim === 'aud' ? error.claim : 'request';
    return new LaunchRefused(check, `The id_token's ${error.claim} claim fails: ${error.message}.`);
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) return new LaunchRefused('kid', "The platform's key set holds several keys with the id_token's kid.");
  // fetch rejects with a TypeError ("fetch failed") when the platform cannot be reached at all; told by its name, as
  // it comes from Node's own realm, whose TypeError is not the one a sandbox (Jest's) compares with.
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || (typeof error === 'object' && error !== null && (error as Error).name === 'TypeError')) {
    return new LaunchRefused('jwks', "The platform's key set (its JWKS URL) could not be fetched or read.");
  }
  if (error instanceof errors.JOSEError) return new LaunchRefused('request', `The id_token is malformed: ${error.message}.`);
  throw error;
}
