import { createRemoteJWKSet, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformEmulator } from './platform-emulator';

/**
 * The platform's side of LTI Advantage grading, mounted on a PlatformEmulator and written from the specifications,
 * not from tcplab's code:
 * - the token endpoint of the 1EdTech Security Framework §4.1: an OAuth 2.0 client-credentials grant (RFC 6749 §4.4)
 *   authenticated by a JWT client assertion (RFC 7523 §2.2, §3), verified against the tool's JWKS URL — signature,
 *   iss = sub = the client id, aud the token endpoint, exp, a jti used once — and errors as RFC 6749 §5.2 spells them;
 * - Assignment and Grade Services 2.0: line items (§3.2, created with the lineitem scope) and scores (§3.4, posted to
 *   `{lineitem}/scores` with the score scope, as application/vnd.ims.lis.v1.score+json), every one recorded.
 * Line item URLs carry a query string, as Moodle's do (…/lineitem?type_id=1), so that a tool appending `/scores` to
 * the whole URL is caught.
 */

export const AGS_CLAIM = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
export const AGS_SCOPES = {
  lineitem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineitemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  resultReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
} as const;
const ACTIVITY_PROGRESS = ['Initialized', 'Started', 'InProgress', 'Submitted', 'Completed'];
const GRADING_PROGRESS = ['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady'];
/** ISO 8601 with a time zone, as AGS §3.4 asks for `timestamp` (sub-second precision allowed). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export interface TokenRequest {
  /** The assertion's header and claims as the endpoint verified them, or the reason it was refused. */
  header: ProtectedHeaderParameters | null;
  claims: JWTPayload | null;
  scope: string;
  refused: string | null;
}

export interface LineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceLinkId?: string;
}

export interface ReceivedScore {
  lineItem: string;
  contentType: string;
  score: Record<string, unknown>;
}

export class AgsEmulator {
  readonly tokenRequests: TokenRequest[] = [];
  readonly lineItems: LineItem[] = [];
  /** Scores the platform took (2xx). */
  readonly scores: ReceivedScore[] = [];
  /** Score posts answered with a failure the test asked for. */
  failedScorePosts = 0;
  private readonly grants = new Map<string, { scopes: string[]; expiresAt: number }>();
  private readonly usedJtis = new Set<string>();
  private readonly failures: Array<{ status: number; retryAfter?: string }> = [];
  private readonly tokenFailures: number[] = [];
  private hold: (() => void) | null = null;
  private readonly toolKeySet: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly platform: PlatformEmulator,
    /** The tool's JWKS URL, registered with the platform as any LMS registers it. */
    toolJwksUrl: string,
    /** How long the access tokens it grants live (RFC 6749 §5.1 expires_in). */
    private readonly tokenLifetimeS = 3600,
  ) {
    this.toolKeySet = createRemoteJWKSet(new URL(toolJwksUrl));
    platform.mount((request, response, url) => this.handle(request, response, url));
  }

  get tokenUrl(): string {
    return `${this.platform.issuer}/token`;
  }

  /** The line items URL of the course (AGS §3.2). */
  get lineItemsUrl(): string {
    return `${this.platform.issuer}/ags/course-101/lineitems?type_id=1`;
  }

  /** A line item made on the platform's side, as when a teacher adds a graded link. */
  newLineItem(label = 'TCP exercise', scoreMaximum = 100): string {
    return this.addLineItem({ label, scoreMaximum });
  }

  /** The AGS endpoint claim of a launch (AGS §3.1): with or without a line item, with the scopes the tool gets. */
  endpointClaim(options: { lineitem?: string; scopes?: string[] }): Record<string, unknown> {
    return {
      [AGS_CLAIM]: {
        scope: options.scopes ?? [AGS_SCOPES.lineitem, AGS_SCOPES.resultReadonly, AGS_SCOPES.score],
        lineitems: this.lineItemsUrl,
        ...(options.lineitem ? { lineitem: options.lineitem } : {}),
      },
    };
  }

  /** The next `count` score posts are answered with `status` (and Retry-After, when given) instead of being taken. */
  failNextScorePosts(count: number, status: number, retryAfter?: string): void {
    for (let i = 0; i < count; i += 1) this.failures.push({ status, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  }

  /**
   * The next score post is received and never answered (the platform hangs): nothing is recorded. Resolves when it
   * has arrived, so that a test can kill the tool while it waits.
   */
  holdNextScorePost(): Promise<void> {
    return new Promise((resolve) => {
      this.hold = resolve;
    });
  }

  /** The next `count` token requests are answered with `status` (a server error, or RFC 6749's invalid_client for a 4xx). */
  failNextTokenRequests(count: number, status: number): void {
    for (let i = 0; i < count; i += 1) this.tokenFailures.push(status);
  }

  /** Every access token granted so far stops working (as when an administrator revokes the tool's tokens). */
  revokeTokens(): void {
    this.grants.clear();
  }

  private addLineItem(item: Omit<LineItem, 'id'>): string {
    const id = `${this.platform.issuer}/ags/course-101/lineitems/${this.lineItems.length + 1}/lineitem?type_id=1`;
    this.lineItems.push({ id, ...item });
    return id;
  }

  private handle(request: IncomingMessage, response: ServerResponse, url: URL): boolean {
    if (request.method !== 'POST') return false;
    let answer: ((body: string) => Promise<Answer>) | null = null;
    if (url.pathname === '/token') answer = (body) => this.token(body);
    else if (url.pathname === '/ags/course-101/lineitems') answer = (body) => this.createLineItem(request, body);
    else if (/^\/ags\/course-101\/lineitems\/\d+\/lineitem\/scores$/.test(url.pathname)) answer = (body) => this.score(request, url, body);
    if (!answer) return false;
    const work = answer;
    readBody(request)
      .then(work)
      .then(
        ({ status, body, headers }) => response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body === undefined ? '' : JSON.stringify(body)),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
      );
    return true;
  }

  /** Security Framework §4.1 with RFC 7523: the client-credentials grant, authenticated by the tool's signed assertion. */
  private async token(body: string): Promise<Answer> {
    const form = new URLSearchParams(body);
    const scope = form.get('scope') ?? '';
    const failure = this.tokenFailures.shift();
    if (failure !== undefined) {
      this.tokenRequests.push({ header: null, claims: null, scope, refused: `failing with ${failure} as the test asked` });
      return { status: failure, body: failure < 500 ? { error: 'invalid_client', error_description: 'failing as the test asked' } : { error: 'temporarily_unavailable' } };
    }
    const refuse = (error: string, description: string, header: ProtectedHeaderParameters | null = null, claims: JWTPayload | null = null): Answer => {
      this.tokenRequests.push({ header, claims, scope, refused: `${error}: ${description}` });
      return { status: error === 'invalid_client' ? 401 : 400, body: { error, error_description: description } };
    };
    if (form.get('grant_type') !== 'client_credentials') return refuse('unsupported_grant_type', `grant_type is ${form.get('grant_type')}`);
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return refuse('invalid_client', 'client_assertion_type is not jwt-bearer');
    const assertion = form.get('client_assertion');
    if (!assertion) return refuse('invalid_client', 'no client_assertion');
    let verified: { payload: JWTPayload; protectedHeader: ProtectedHeaderParameters };
    try {
      // RFC 7523 §3: signed by the client's key, aud naming the token endpoint, exp required.
      verified = await jwtVerify(assertion, this.toolKeySet, { algorithms: ['RS256'], audience: this.tokenUrl, requiredClaims: ['exp', 'iat', 'jti', 'iss', 'sub'] });
    } catch (error) {
      return refuse('invalid_client', `the client assertion does not verify: ${(error as Error).message}`);
    }
    const { payload, protectedHeader } = verified;
    if (payload.iss !== this.platform.clientId || payload.sub !== this.platform.clientId) return refuse('invalid_client', 'iss and sub must be the client id', protectedHeader, payload);
    if (this.usedJtis.has(payload.jti!)) return refuse('invalid_client', 'this jti was used already (a replayed assertion)', protectedHeader, payload);
    this.usedJtis.add(payload.jti!);
    const scopes = scope.split(' ').filter((s) => s.length > 0);
    const known: string[] = Object.values(AGS_SCOPES);
    if (scopes.length === 0 || !scopes.every((s) => known.includes(s))) return refuse('invalid_scope', `scope ${scope} is not one this platform grants`, protectedHeader, payload);
    this.tokenRequests.push({ header: protectedHeader, claims: payload, scope, refused: null });
    const token = randomBytes(24).toString('base64url');
    this.grants.set(token, { scopes, expiresAt: Date.now() + this.tokenLifetimeS * 1000 });
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: this.tokenLifetimeS, scope: scopes.join(' ') } };
  }

  /** AGS §3.2.4 (line item service, POST): needs the lineitem scope; answers the created line item with its id. */
  private async createLineItem(request: IncomingMessage, body: string): Promise<Answer> {
    const denied = this.authorize(request, AGS_SCOPES.lineitem);
    if (denied) return denied;
    if (request.headers['content-type'] !== 'application/vnd.ims.lis.v2.lineitem+json') return { status: 415, body: { error: 'a line item is application/vnd.ims.lis.v2.lineitem+json' } };
    const item = parseJson(body);
    if (typeof item?.['label'] !== 'string' || item['label'].length === 0 || typeof item['scoreMaximum'] !== 'number' || item['scoreMaximum'] <= 0) {
      return { status: 400, body: { error: 'a line item needs a label and a scoreMaximum above 0' } };
    }
    const id = this.addLineItem({
      label: item['label'],
      scoreMaximum: item['scoreMaximum'],
      ...(typeof item['resourceLinkId'] === 'string' ? { resourceLinkId: item['resourceLinkId'] } : {}),
    });
    return { status: 201, body: { ...item, id } };
  }

  /** AGS §3.4 (score publish service): needs the score scope and the score media type; records what it takes. */
  private async score(request: IncomingMessage, url: URL, body: string): Promise<Answer> {
    const denied = this.authorize(request, AGS_SCOPES.score);
    if (denied) return denied;
    const lineItem = `${url.origin}${url.pathname.replace(/\/scores$/, '')}${url.search}`;
    if (!this.lineItems.some((item) => item.id === lineItem)) return { status: 404, body: { error: `no line item ${lineItem}` } };
    if (this.hold) {
      const arrived = this.hold;
      this.hold = null;
      arrived();
      return new Promise<Answer>(() => undefined);
    }
    const contentType = String(request.headers['content-type']);
    if (contentType !== 'application/vnd.ims.lis.v1.score+json') return { status: 415, body: { error: 'a score is application/vnd.ims.lis.v1.score+json' } };
    const failure = this.failures.shift();
    if (failure) {
      this.failedScorePosts += 1;
      return { status: failure.status, body: { error: 'failing as the test asked' }, headers: failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {} };
    }
    const score = parseJson(body);
    const problems = [
      typeof score?.['userId'] === 'string' && score['userId'].length > 0 ? null : 'userId',
      typeof score?.['scoreGiven'] === 'number' && score['scoreGiven'] >= 0 ? null : 'scoreGiven',
      typeof score?.['scoreMaximum'] === 'number' && score['scoreMaximum'] > 0 ? null : 'scoreMaximum',
      ACTIVITY_PROGRESS.includes(score?.['activityProgress'] as string) ? null : 'activityProgress',
      GRADING_PROGRESS.includes(score?.['gradingProgress'] as string) ? null : 'gradingProgress',
      typeof score?.['timestamp'] === 'string' && ISO_8601.test(score['timestamp']) ? null : 'timestamp',
    ].filter((p) => p !== null);
    if (problems.length > 0) return { status: 400, body: { error: `invalid score: ${problems.join(', ')}` } };
    this.scores.push({ lineItem, contentType, score: score! });
    return { status: 200, body: {} };
  }

  /** RFC 6750 §3.1: a bearer token this platform granted, unexpired, for the scope the service needs. */
  private authorize(request: IncomingMessage, scope: string): Answer | null {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const grant = token === undefined ? undefined : this.grants.get(token);
    if (!grant || grant.expiresAt <= Date.now()) return { status: 401, body: { error: 'invalid_token' }, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    if (!grant.scopes.includes(scope)) return { status: 403, body: { error: 'insufficient_scope' } };
    return null;
  }
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
