import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformEmulator } from './platform-emulator';

/**
 * The platform's side of 1EdTech LTI Dynamic Registration 1.0 for the emulator, written from the specification: its
 * OpenID configuration (§3.4, with the LTI platform configuration of §3.4.1) and its registration endpoint (§3.5–3.6),
 * which takes a registration only with the bearer registration token it handed out (once), checks the tool's request
 * as a platform would, and answers with the client id and the deployment it made.
 */

const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';

export class DynamicRegistrationPlatform {
  /** The tool registrations this platform accepted, as they were sent. */
  readonly registrations: Array<Record<string, unknown>> = [];
  readonly refused: string[] = [];
  private readonly tokens = new Set<string>();
  /** An issuer to put in the configuration instead of the platform's own (a configuration that lies about its issuer). */
  issuerOverride: string | null = null;

  constructor(private readonly platform: PlatformEmulator) {
    platform.mount((request, response, url) => {
      if (request.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.configuration()));
        return true;
      }
      if (request.method === 'GET' && url.pathname === '/tool-registration') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(this.registrationFrame(url.searchParams.get('url') ?? ''));
        return true;
      }
      if (request.method === 'POST' && url.pathname === '/register') {
        void this.register(request, response);
        return true;
      }
      return false;
    });
  }

  get openidConfigurationUrl(): string {
    return `${this.platform.issuer}/.well-known/openid-configuration`;
  }

  /** What the LMS appends to the tool's registration URL when an administrator starts a registration (§3.3). */
  initiation(): { openid_configuration: string; registration_token: string } {
    const token = randomBytes(16).toString('hex');
    this.tokens.add(token);
    return { openid_configuration: this.openidConfigurationUrl, registration_token: token };
  }

  /**
   * The administrator's page that opens the tool's registration URL in a frame (§3.3, as Moodle does), and listens for
   * the tool's org.imsglobal.lti.close message (§3.7), which it shows in `data-closed` on its body.
   */
  private registrationFrame(toolUrl: string): string {
    const initiation = new URL(toolUrl);
    for (const [name, value] of Object.entries(this.initiation())) initiation.searchParams.set(name, value);
    const src = initiation.toString().replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    return `<!doctype html><title>Register a tool</title><iframe src="${src}" width="800" height="400"></iframe>
<script>addEventListener('message', (event) => { document.body.dataset.closed = JSON.stringify(event.data); });</script>`;
  }

  private configuration(): Record<string, unknown> {
    const issuer = this.platform.issuer;
    return {
      issuer: this.issuerOverride ?? issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      registration_endpoint: `${issuer}/register`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'https://purl.imsglobal.org/spec/lti-ags/scope/score'],
      response_types_supported: ['id_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['iss', 'aud', 'sub', 'name'],
      'https://purl.imsglobal.org/spec/lti-platform-configuration': {
        product_family_code: 'tcplab-emulator',
        version: '1.0',
        messages_supported: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
      },
    };
  }

  private async register(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += chunk;
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const refuse = (status: number, error: string) => {
      this.refused.push(error);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client_metadata', error_description: error }));
    };
    if (!token || !this.tokens.delete(token)) return refuse(401, 'the registration token is missing, unknown or used');
    let registration: Record<string, unknown>;
    try {
      registration = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return refuse(400, 'the body is not JSON');
    }
    const lti = registration[TOOL_CONFIGURATION] as Record<string, unknown> | undefined;
    const problems = [
      registration['application_type'] === 'web' ? null : 'application_type must be web',
      JSON.stringify(registration['response_types']) === '["id_token"]' ? null : 'response_types must be ["id_token"]',
      ['implicit', 'client_credentials'].every((g) => (registration['grant_types'] as string[] | undefined)?.includes(g)) ? null : 'grant_types must hold implicit and client_credentials',
      typeof registration['initiate_login_uri'] === 'string' ? null : 'initiate_login_uri is missing',
      Array.isArray(registration['redirect_uris']) && registration['redirect_uris'].length > 0 ? null : 'redirect_uris is missing',
      typeof registration['jwks_uri'] === 'string' ? null : 'jwks_uri is missing',
      registration['token_endpoint_auth_method'] === 'private_key_jwt' ? null : 'token_endpoint_auth_method must be private_key_jwt',
      typeof lti?.['domain'] === 'string' ? null : 'the LTI tool configuration has no domain',
      typeof lti?.['target_link_uri'] === 'string' ? null : 'the LTI tool configuration has no target_link_uri',
    ].filter((p): p is string => p !== null);
    if (problems.length > 0) return refuse(400, problems.join('; '));
    this.registrations.push(registration);
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        ...registration,
        client_id: this.platform.clientId,
        [TOOL_CONFIGURATION]: { ...lti, deployment_id: this.platform.deploymentId },
      }),
    );
  }
}
