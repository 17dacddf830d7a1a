import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROLE, type PlannedLaunch, type PlatformEmulator } from './platform-emulator';

/**
 * The platform's side of LTI Deep Linking 2.0, for the emulator, written from the specification (1EdTech Deep
 * Linking 2.0 §4.4 the request's deep_linking_settings, §4.2 and §4.5 the response): a content-selection launch, and
 * the deep_link_return_url that takes the tool's answer — the form field `JWT`, verified against the tool's JWKS (the
 * URL a platform is given at registration) as a platform must: RS256, iss = the client id, aud = the platform,
 * message type, version, deployment, nonce, times, `data` echoed. What passes is recorded; what fails is answered 400
 * and recorded as refused.
 */

const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL_CLAIM = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

export interface ReceivedAnswer {
  header: { alg: string; kid?: string };
  claims: JWTPayload;
  contentItems: Array<Record<string, unknown>>;
}

export class DeepLinkingReturn {
  readonly received: ReceivedAnswer[] = [];
  readonly refused: string[] = [];
  /** The opaque `data` this platform sends with every request, to be echoed. */
  readonly data = 'dl-request-42';
  private readonly toolKeys: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly platform: PlatformEmulator,
    toolJwksUrl: string,
  ) {
    this.toolKeys = createRemoteJWKSet(new URL(toolJwksUrl));
    platform.mount((request, response, url) => {
      if (request.method !== 'POST' || url.pathname !== '/deep-linking/return') return false;
      void this.take(request, response);
      return true;
    });
  }

  get returnUrl(): string {
    return `${this.platform.issuer}/deep-linking/return`;
  }

  /** A content-selection launch (§4.4): no resource_link, the settings claim instead; as an instructor unless told. */
  launch(planned: Partial<PlannedLaunch> & { targetLinkUri: string }, settings: Record<string, unknown> = {}): Partial<PlannedLaunch> & { targetLinkUri: string } {
    return {
      roles: [ROLE.instructor],
      ...planned,
      tamper: {
        ...planned.tamper,
        claims: {
          [`${CLAIM}message_type`]: 'LtiDeepLinkingRequest',
          [`${CLAIM}resource_link`]: undefined,
          [`${DL_CLAIM}deep_linking_settings`]: {
            deep_link_return_url: this.returnUrl,
            accept_types: ['ltiResourceLink', 'link'],
            accept_presentation_document_targets: ['iframe', 'window'],
            accept_multiple: true,
            accept_lineitem: true,
            auto_create: true,
            title: 'Add an activity',
            data: this.data,
            ...settings,
          },
          ...planned.tamper?.claims,
        },
      },
    };
  }

  private async take(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += chunk;
    const jwt = new URLSearchParams(body).get('JWT');
    try {
      if (!jwt) throw new Error('no JWT field');
      const { payload, protectedHeader } = await jwtVerify(jwt, this.toolKeys, {
        algorithms: ['RS256'],
        issuer: this.platform.clientId,
        audience: this.platform.issuer,
        requiredClaims: ['iat', 'exp', 'nonce'],
        maxTokenAge: 600,
      });
      const expect = (name: string, value: unknown) => {
        if (payload[name] !== value) throw new Error(`${name} is ${JSON.stringify(payload[name])}, not ${JSON.stringify(value)}`);
      };
      expect(`${CLAIM}message_type`, 'LtiDeepLinkingResponse');
      expect(`${CLAIM}version`, '1.3.0');
      expect(`${CLAIM}deployment_id`, this.platform.deploymentId);
      expect(`${DL_CLAIM}data`, this.data);
      const items = payload[`${DL_CLAIM}content_items`] ?? [];
      if (!Array.isArray(items)) throw new Error('content_items is not an array');
      this.received.push({ header: protectedHeader as ReceivedAnswer['header'], claims: payload, contentItems: items as Array<Record<string, unknown>> });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Platform</title><p id="received">${items.length} item(s) received</p>`);
    } catch (error) {
      this.refused.push((error as Error).message);
      response.writeHead(400, { 'content-type': 'text/plain' }).end((error as Error).message);
    }
  }
}
