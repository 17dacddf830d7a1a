import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hashBrowserSecret, LOGIN_TTL_S, newBrowserSecret, setBindingCookie } from './browser-binding';
import { LaunchesRepository } from './launches.repository';
import { LaunchRefused } from './launch-refused';
import { PlatformsRepository, type PlatformRow } from './platforms.repository';

/** The parameters of a third-party-initiated login (LTI 1.3 Core §4.1.1, Security Framework §5.1.1.1). */
export interface LoginParams {
  iss?: string;
  login_hint?: string;
  target_link_uri?: string;
  client_id?: string;
  lti_deployment_id?: string;
  lti_message_hint?: string;
  /** LTI Client Side postMessages: the platform's frame that keeps data for the tool (`_parent` or a frame's name). */
  lti_storage_target?: string;
}

/**
 * Step one of a launch: the platform sends the browser here; tcplab finds the registration, remembers a state and a
 * nonce for this browser, and sends it on to the platform's authorization endpoint, which posts the id_token back.
 */
@Injectable()
export class LtiOidcLogin {
  constructor(
    private readonly platforms: PlatformsRepository,
    private readonly launches: LaunchesRepository,
  ) {}

  /** The platform URL to redirect to, and the cookie that binds the login to this browser. */
  async start(params: LoginParams, toolOrigin: string, now = new Date()): Promise<{ redirect: string; cookie: string; state: string; nonce: string; platform: PlatformRow }> {
    const platform = await this.registration(params);
    if (!params.login_hint) throw new LaunchRefused('login_hint', 'The platform sent no login_hint: it names who logs in, and must be sent back.');
    if (params.lti_deployment_id !== undefined && !platform.deployment_ids.includes(params.lti_deployment_id)) {
      throw new LaunchRefused('deployment_id', `Deployment ${params.lti_deployment_id} is not registered for this platform: add it to the registration's deployment_ids.`);
    }
    if (!params.target_link_uri || !isOwn(params.target_link_uri, toolOrigin)) {
      throw new LaunchRefused('target_link_uri', `target_link_uri must be a page of this tool (${toolOrigin}), not ${params.target_link_uri ?? 'missing'}.`);
    }
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    const secret = newBrowserSecret();
    await this.launches.insertLogin({
      state,
      nonce,
      platform_id: platform.id,
      browser_hash: hashBrowserSecret(secret),
      target_link_uri: params.target_link_uri,
      expires_at: new Date(now.getTime() + LOGIN_TTL_S * 1000),
      initiation: initiationOf(params),
    });
    // Security Framework §5.1.1.2: the authentication request, answered by a form post of the id_token (§5.1.1.3).
    const redirect = new URL(platform.auth_url);
    const query: Record<string, string> = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: platform.client_id,
      redirect_uri: `${toolOrigin}/lti/launch`,
      login_hint: params.login_hint,
      state,
      nonce,
    };
    if (params.lti_message_hint !== undefined) query['lti_message_hint'] = params.lti_message_hint;
    for (const [name, value] of Object.entries(query)) redirect.searchParams.set(name, value);
    return { redirect: redirect.toString(), cookie: setBindingCookie(state, secret, toolOrigin), state, nonce, platform };
  }

  /**
   * The same login started again, in a new window where the browser keeps the cookie (first-party there): from a
   * login whose launch was refused for want of it, while that login is still unused and unexpired.
   */
  async restart(state: string, toolOrigin: string, now = new Date()): Promise<{ redirect: string; cookie: string }> {
    const login = await this.launches.findLogin(state);
    if (!login || login.used_at !== null || login.expires_at <= now || login.initiation === null) {
      throw new LaunchRefused('state', 'This launch cannot be started again here (it is unknown, used or expired): launch again from the course.');
    }
    return this.start(login.initiation, toolOrigin, now);
  }

  /** The registration the login is for: the issuer's, and the client id's when the issuer has several. */
  private async registration(params: LoginParams): Promise<PlatformRow> {
    if (!params.iss) throw new LaunchRefused('iss', 'The platform sent no iss: it must say who it is.');
    const candidates = await this.platforms.byIssuer(params.iss);
    if (candidates.length === 0) throw new LaunchRefused('iss', `No platform with issuer ${params.iss} is registered.`);
    if (params.client_id !== undefined) {
      const platform = candidates.find((p) => p.client_id === params.client_id);
      if (!platform) throw new LaunchRefused('client_id', `Client id ${params.client_id} is not registered for issuer ${params.iss}.`);
      return platform;
    }
    if (candidates.length > 1) throw new LaunchRefused('client_id', `Issuer ${params.iss} has several registrations: the platform must send client_id.`);
    return candidates[0]!;
  }
}

/** What a new window needs to start the login again; not the storage target, which only the platform's frame has. */
function initiationOf(params: LoginParams): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['iss', 'login_hint', 'target_link_uri', 'client_id', 'lti_deployment_id', 'lti_message_hint'] as const) {
    if (params[name] !== undefined) kept[name] = params[name];
  }
  return kept;
}

/** Whether a URL is a page of this tool (its origin), so that a login cannot send a learner elsewhere. */
export function isOwn(url: string, toolOrigin: string): boolean {
  try {
    return new URL(url).origin === new URL(toolOrigin).origin;
  } catch {
    return false;
  }
}
