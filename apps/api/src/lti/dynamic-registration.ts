import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { UUID } from '../common/cursor';
import type { RequestContext } from '../common/request-context';
import { hashToken } from './deep-linking';
import type { CreatedRegistrationUrlDto, RegistrationUrlDto, RegistrationUrlListDto } from './dto/registration.dto';
import { isDuplicateRegistration, PlatformsRepository, type PlatformRow } from './platforms.repository';
import { RegistrationTokensRepository, type RegistrationTokenRow } from './registration-tokens.repository';
import { httpUrl } from './http-url';

/** A registration URL's token: a bearer for one registration into one tenant. */
export const REGISTRATION_TOKEN_PREFIX = 'treg_';
/** A week to hand the URL to whoever administers the LMS; unused, it lapses. */
const REGISTRATION_URL_TTL_MS = 7 * 24 * 3600_000;
const PLATFORM_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-platform-configuration';
const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
/** What tcplab asks the platform for: grade passback (AGS) and the course's members (NRPS). */
export const TOOL_SCOPES = [
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
];
const FETCH_TIMEOUT_MS = 10_000;

/** A dynamic registration tcplab will not complete: the reason, for the page the LMS administrator sees. */
export class RegistrationRefused extends Error {}

/** The parameters of a registration initiation (Dynamic Registration 1.0 §3.3), and the tenant's token. */
export interface RegistrationParams {
  token?: string;
  openid_configuration?: string;
  registration_token?: string;
}

interface PlatformConfiguration {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  registration_endpoint: string;
}

function present(row: RegistrationTokenRow): RegistrationUrlDto {
  return {
    id: row.id,
    expires_at: row.expires_at.toISOString(),
    used_at: row.used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    platform_id: row.platform_id,
    created_at: row.created_at.toISOString(),
  };
}

/**
 * 1EdTech LTI Dynamic Registration 1.0, the tool's side: a tenant makes a registration URL (its token spent by one
 * registration, revocable until then, so that nobody else can register platforms into the tenant); the LMS opens it
 * with its OpenID configuration's URL and a registration token; tcplab reads the configuration, registers itself at
 * the platform's registration endpoint, and stores the platform it was given.
 */
@Injectable()
export class LtiDynamicRegistration {
  constructor(
    private readonly tokens: RegistrationTokensRepository,
    private readonly platforms: PlatformsRepository,
  ) {}

  async create(ctx: RequestContext, toolOrigin: string, now = new Date()): Promise<CreatedRegistrationUrlDto> {
    const token = REGISTRATION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row = await this.tokens.insert(ctx.tenantId, randomUUID(), hashToken(token), new Date(now.getTime() + REGISTRATION_URL_TTL_MS));
    return { ...present(row), url: `${toolOrigin}/lti/register?token=${token}` };
  }

  async list(ctx: RequestContext): Promise<RegistrationUrlListDto> {
    return { items: (await this.tokens.list(ctx.tenantId)).map(present) };
  }

  async revoke(id: string, ctx: RequestContext): Promise<RegistrationUrlDto> {
    const row = UUID.test(id) ? await this.tokens.revoke(ctx.tenantId, id) : null;
    if (!row) throw new ApiError(ApiErrorCode.LtiRegistrationNotFound, `There is no registration URL ${id}.`);
    return present(row);
  }

  /** The registration, from the LMS's initiation request to the stored platform; every refusal stores nothing. */
  async register(params: RegistrationParams, toolOrigin: string, now = new Date()): Promise<PlatformRow> {
    const tokenHash = await this.goodToken(params.token, now);
    if (!params.openid_configuration) throw new RegistrationRefused('The LMS sent no openid_configuration: open this URL from the LMS’s tool registration page.');
    const configuration = await this.platformConfiguration(params.openid_configuration);
    const answer = await this.registerAt(configuration, params.registration_token, toolOrigin);
    try {
      const platform = await this.tokens.spend(tokenHash, now, (manager, tenantId) =>
        this.platforms.insert(
          tenantId,
          randomUUID(),
          {
            issuer: configuration.issuer,
            client_id: answer.clientId,
            deployment_ids: [answer.deploymentId],
            auth_url: configuration.authorization_endpoint,
            token_url: configuration.token_endpoint,
            jwks_url: configuration.jwks_uri,
          },
          manager,
        ),
      );
      if (!platform) throw new RegistrationRefused('This registration URL was used, revoked or expired meanwhile: ask for a new one.');
      return platform;
    } catch (error) {
      if (!isDuplicateRegistration(error)) throw error;
      throw new RegistrationRefused(`A platform with issuer ${configuration.issuer} and client_id ${answer.clientId} is registered already.`);
    }
  }

  private async goodToken(token: string | undefined, now: Date): Promise<string> {
    const row = token?.startsWith(REGISTRATION_TOKEN_PREFIX) ? await this.tokens.byTokenHash(hashToken(token)) : null;
    if (!row) throw new RegistrationRefused('This registration URL is not valid: copy it whole from tcplab, or make a new one.');
    if (row.used_at !== null) throw new RegistrationRefused('This registration URL has been used already (it registers one platform): make a new one.');
    if (row.revoked_at !== null) throw new RegistrationRefused('This registration URL has been revoked: make a new one.');
    if (row.expires_at <= now) throw new RegistrationRefused('This registration URL has expired: make a new one.');
    return hashToken(token!);
  }

  /** Dynamic Registration §3.4–3.5: the platform's OpenID configuration, whose issuer must be the URL's origin. */
  private async platformConfiguration(url: string): Promise<PlatformConfiguration> {
    if (!httpUrl(url)) throw new RegistrationRefused('openid_configuration is not an http(s) URL.');
    const document = await fetchJson(url, { headers: { accept: 'application/json' } }, 'the platform’s OpenID configuration');
    const config = document as Partial<Record<keyof PlatformConfiguration, unknown>> & Record<string, unknown>;
    for (const field of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'registration_endpoint'] as const) {
      if (typeof config[field] !== 'string' || !httpUrl(config[field])) throw new RegistrationRefused(`The platform’s OpenID configuration has no valid ${field}.`);
    }
    if (new URL(config.issuer as string).origin !== new URL(url).origin) {
      throw new RegistrationRefused(`The OpenID configuration’s issuer (${String(config.issuer)}) is not at the origin it was fetched from (${new URL(url).origin}).`);
    }
    if (typeof config[PLATFORM_CONFIGURATION] !== 'object' || config[PLATFORM_CONFIGURATION] === null) {
      throw new RegistrationRefused(`The OpenID configuration has no ${PLATFORM_CONFIGURATION}: it is not an LTI platform’s.`);
    }
    return config as unknown as PlatformConfiguration;
  }

  /** Dynamic Registration §3.5.2 (the tool's registration request) and §3.6 (the platform's answer). */
  private async registerAt(configuration: PlatformConfiguration, registrationToken: string | undefined, toolOrigin: string): Promise<{ clientId: string; deploymentId: string }> {
    const answer = (await fetchJson(
      configuration.registration_endpoint,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(registrationToken ? { authorization: `Bearer ${registrationToken}` } : {}) },
        body: JSON.stringify(toolRegistration(toolOrigin)),
      },
      'the platform’s registration endpoint',
    )) as Record<string, unknown>;
    const clientId = answer['client_id'];
    if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 200) throw new RegistrationRefused('The platform’s registration answer has no client_id.');
    const deploymentId = (answer[TOOL_CONFIGURATION] as Record<string, unknown> | undefined)?.['deployment_id'];
    if (typeof deploymentId !== 'string' || deploymentId.length === 0 || deploymentId.length > 200) {
      throw new RegistrationRefused(
        'The platform registered tcplab but named no deployment_id: register it by hand (POST /v1/lti/platforms) with the deployment id the LMS shows.',
      );
    }
    return { clientId, deploymentId };
  }
}

/** What tcplab says of itself (Dynamic Registration §3.5.2, with the LTI tool configuration of §3.5.3). */
export function toolRegistration(toolOrigin: string): Record<string, unknown> {
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: `${toolOrigin}/lti/login`,
    redirect_uris: [`${toolOrigin}/lti/launch`],
    client_name: 'tcplab',
    jwks_uri: `${toolOrigin}/lti/jwks`,
    logo_uri: `${toolOrigin}/assets/favicon.svg`,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: TOOL_SCOPES.join(' '),
    [TOOL_CONFIGURATION]: {
      domain: new URL(toolOrigin).host,
      description: 'Learn TCP by playing it: scenarios, exercises and quizzes computed by an RFC 9293 simulator.',
      target_link_uri: `${toolOrigin}/`,
      claims: ['iss', 'sub', 'name'],
      messages: [
        { type: 'LtiResourceLinkRequest', target_link_uri: `${toolOrigin}/` },
        { type: 'LtiDeepLinkingRequest', target_link_uri: `${toolOrigin}/lti/deep-linking`, label: 'tcplab' },
      ],
    },
  };
}

async function fetchJson(url: string, init: RequestInit, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch {
    throw new RegistrationRefused(`${what} (${url}) could not be reached.`);
  }
  if (!response.ok) throw new RegistrationRefused(`${what} (${url}) answered ${response.status}.`);
  try {
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    return body;
  } catch {
    throw new RegistrationRefused(`${what} (${url}) did not answer with a JSON object.`);
  }
}
