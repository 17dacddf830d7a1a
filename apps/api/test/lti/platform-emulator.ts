import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An LTI 1.3 platform (an LMS's side of a launch) for the tests: a real HTTP server on 127.0.0.1, written from the
 * specifications rather than from tcplab's code — 1EdTech LTI 1.3 Core §4.1 (third-party-initiated login) and §5.3
 * (the resource link launch's claims), and the 1EdTech Security Framework §5.1.1 (the OIDC authentication request
 * it checks, and the id_token it answers with as an auto-submitting form post) and §6 (its keys at a JWKS URL).
 *
 * It can be told to misbehave, one way per launch, so that each of the tool's checks can be seen failing on its own.
 * It is checked against an independent, IMS-certified tool, ltijs, in lti-emulator-ltijs.e2e.spec.ts: what it
 * sends is LTI as certified code expects, not only as tcplab reads it.
 */

const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
export const ROLE = {
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
} as const;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** How a launch's id_token departs from a correct one. */
export interface Tamper {
  /** Claims replaced; `undefined` removes one. Times are absolute (seconds since the epoch). */
  claims?: Record<string, unknown>;
  /** `stranger`: a key that is not the platform's, under the published kid. `unpublished`: a kid the JWKS lacks. `hs256`: a shared-secret signature. */
  signWith?: 'stranger' | 'unpublished' | 'hs256';
}

/** What the platform knows of a launch it is about to make: who, which link, with which roles. */
export interface PlannedLaunch {
  user: string;
  targetLinkUri: string;
  roles: string[];
  resourceLinkId: string;
  tamper: Tamper;
  /** LTI Client Side postMessages: the frame of the platform's page that keeps tool data (course-page.ts), if offered. */
  storageTarget?: string;
  /** Claims of the LTI Advantage services the platform offers with this launch (AGS's endpoint, NRPS's…). */
  claims?: Record<string, unknown>;
}

/**
 * More of the platform, mounted beside the launch endpoints, each in a file of its own (emulator-ags.ts,
 * deep-linking-return.ts, dynamic-registration.ts): true when it answered the request.
 */
export type EmulatedService = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean;

export class PlatformEmulator {
  readonly clientId = `tcplab-${randomBytes(4).toString('hex')}`;
  readonly deploymentId = 'deployment-1';
  /** How many times the JWKS was fetched: a tool caches it and fetches again on an unknown kid. */
  jwksFetches = 0;
  private keys: SigningKey[] = [];
  private readonly launches = new Map<string, PlannedLaunch>();
  private readonly services: EmulatedService[] = [];

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    /** The tool's launch URL, the one redirect_uri this platform accepts (registered with it, as in any LMS). */
    private readonly redirectUri: string,
  ) {}

  static async start(toolOrigin: string): Promise<PlatformEmulator> {
    let emulator!: PlatformEmulator;
    const server = createServer((request, response) => emulator.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    emulator = new PlatformEmulator(server, `http://127.0.0.1:${port}`, `${toolOrigin}/lti/launch`);
    await emulator.rotateKey();
    return emulator;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The registration an administrator copies from the LMS into tcplab (POST /v1/lti/platforms). */
  registration(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      client_id: this.clientId,
      deployment_ids: [this.deploymentId],
      auth_url: `${this.issuer}/auth`,
      token_url: `${this.issuer}/token`,
      jwks_url: `${this.issuer}/jwks`,
    };
  }

  mount(service: EmulatedService): void {
    this.services.push(service);
  }

  /** A new key, published and signing from now on; the older ones stay published (the platform's own rotation). */
  async rotateKey(): Promise<string> {
    this.keys.push(await newKey());
    return this.current.kid;
  }

  /**
   * LTI 1.3 Core §4.1.1: the login initiation the platform sends the browser to the tool with — as a query string
   * (GET) or a form (POST). `lti_message_hint` names the launch being prepared.
   */
  initiateLogin(launch: Partial<PlannedLaunch> & { targetLinkUri: string }): Record<string, string> {
    const hint = randomUUID();
    const planned: PlannedLaunch = { user: 'user-17', roles: [ROLE.learner], resourceLinkId: 'link-1', tamper: {}, ...launch };
    this.launches.set(hint, planned);
    return {
      iss: this.issuer,
      login_hint: planned.user,
      target_link_uri: planned.targetLinkUri,
      client_id: this.clientId,
      lti_deployment_id: this.deploymentId,
      lti_message_hint: hint,
      ...(planned.storageTarget !== undefined ? { lti_storage_target: planned.storageTarget } : {}),
    };
  }

  private get current(): SigningKey {
    return this.keys[this.keys.length - 1]!;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.issuer);
    if (request.method === 'GET' && url.pathname === '/jwks') {
      this.jwksFetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) }));
      return;
    }
    if (request.method === 'GET' && url.pathname === '/auth') {
      this.authorize(url.searchParams).then(
        (html) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
        (error: Error) => response.writeHead(400, { 'content-type': 'text/plain' }).end(error.message),
      );
      return;
    }
    if (this.services.some((service) => service(request, response, url))) return;
    response.writeHead(404).end();
  }

  /**
   * Security Framework §5.1.1.2: the authentication request is checked as a platform must, then answered (§5.1.1.3)
   * with the id_token and the state in a form the browser posts to redirect_uri.
   */
  private async authorize(params: URLSearchParams): Promise<string> {
    const expect = (name: string, value?: string): string => {
      const actual = params.get(name);
      if (actual === null || actual === '' || (value !== undefined && actual !== value)) throw new Error(`invalid_request: ${name} is ${actual ?? 'missing'}${value ? `, not ${value}` : ''}`);
      return actual;
    };
    expect('scope', 'openid');
    expect('response_type', 'id_token');
    expect('response_mode', 'form_post');
    expect('prompt', 'none');
    expect('client_id', this.clientId);
    const redirectUri = expect('redirect_uri', this.redirectUri);
    const state = expect('state');
    const nonce = expect('nonce');
    const launch = this.launches.get(expect('lti_message_hint'));
    if (!launch || expect('login_hint') !== launch.user) throw new Error('login_required: unknown login_hint or lti_message_hint');
    const idToken = await this.idToken(launch, nonce);
    // The storage target offered at the login is sent back with the authentication response (OIDC Login with LTI
    // Client Side postMessages), so that the tool knows at the launch where to look.
    const storage = launch.storageTarget !== undefined ? `<input type="hidden" name="lti_storage_target" value="${launch.storageTarget}">` : '';
    return `<!doctype html><form method="post" action="${redirectUri}"><input type="hidden" name="id_token" value="${idToken}"><input type="hidden" name="state" value="${state}">${storage}</form><script>document.forms[0].submit()</script>`;
  }

  /** LTI 1.3 Core §5.3: a resource link launch's id_token, with the launch's tampering applied. */
  private async idToken(launch: PlannedLaunch, nonce: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: this.issuer,
      aud: this.clientId,
      sub: launch.user,
      iat: now,
      exp: now + 300,
      nonce,
      name: 'Ada Lovelace',
      [`${CLAIM}message_type`]: 'LtiResourceLinkRequest',
      [`${CLAIM}version`]: '1.3.0',
      [`${CLAIM}deployment_id`]: this.deploymentId,
      [`${CLAIM}target_link_uri`]: launch.targetLinkUri,
      [`${CLAIM}resource_link`]: { id: launch.resourceLinkId, title: 'TCP: lose the final ACK' },
      [`${CLAIM}roles`]: launch.roles,
      [`${CLAIM}context`]: { id: 'course-101', label: 'NET101', title: 'Networks 101' },
      ...launch.claims,
    };
    for (const [name, value] of Object.entries(launch.tamper.claims ?? {})) {
      if (value === undefined) delete claims[name];
      else claims[name] = value;
    }
    const jwt = new SignJWT(claims);
    switch (launch.tamper.signWith) {
      case 'hs256':
        return jwt.setProtectedHeader({ alg: 'HS256', kid: this.current.kid }).sign(randomBytes(32));
      case 'stranger':
        return jwt.setProtectedHeader({ alg: 'RS256', kid: this.current.kid, typ: 'JWT' }).sign((await newKey()).privateKey);
      case 'unpublished': {
        const unpublished = await newKey();
        return jwt.setProtectedHeader({ alg: 'RS256', kid: unpublished.kid, typ: 'JWT' }).sign(unpublished.privateKey);
      }
      case undefined:
        return jwt.setProtectedHeader({ alg: 'RS256', kid: this.current.kid, typ: 'JWT' }).sign(this.current.privateKey);
    }
  }
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}
