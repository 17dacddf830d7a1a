import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgsEmulator } from './emulator-ags';
import type { PlatformEmulator } from './platform-emulator';

/**
 * The platform's Names and Role Provisioning Services 2.0, mounted on a PlatformEmulator, written from the
 * specification: the context membership service (§3.6) answers GET with Accept
 * `application/vnd.ims.lti-nrps.v2.membershipcontainer+json` and a bearer token that the platform's token endpoint
 * (AgsEmulator's, which grants this scope too) issued for the `contextmembership.readonly` scope (§3.6.1), a page
 * of members at a time, the next page named by `Link: <…>; rel="next"` (§3.6.2.1).
 */

export const NRPS_CLAIM = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice';
export const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
const CONTAINER = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';
const PATH = '/nrps/course-101/memberships';

export interface NrpsMember {
  user_id: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  roles: string[];
  status?: 'Active' | 'Inactive' | 'Deleted';
}

export class NrpsEmulator {
  /** The course's members, in the order the platform lists them. */
  members: NrpsMember[] = [];
  /** Members per page. */
  pageSize = 2;
  /** Pages served (2xx), and requests refused, as "GET ?page=N" or the reason. */
  readonly pagesServed: number[] = [];
  readonly refused: string[] = [];
  private failures: number[] = [];

  constructor(
    private readonly platform: PlatformEmulator,
    private readonly tokenEndpoint: AgsEmulator,
  ) {
    tokenEndpoint.otherScopes.push(NRPS_SCOPE);
    platform.mount((request, response, url) => this.handle(request, response, url));
  }

  get contextMembershipsUrl(): string {
    return `${this.platform.issuer}${PATH}`;
  }

  /** The launch claim that offers the service (NRPS 2.0 §3.6.1). */
  claim(): Record<string, unknown> {
    return { [NRPS_CLAIM]: { context_memberships_url: this.contextMembershipsUrl, service_versions: ['2.0'] } };
  }

  /** The next `count` membership requests are answered with `status`. */
  failNext(count: number, status: number): void {
    for (let i = 0; i < count; i += 1) this.failures.push(status);
  }

  private handle(request: IncomingMessage, response: ServerResponse, url: URL): boolean {
    if (url.pathname !== PATH) return false;
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      response.writeHead(status, { 'content-type': status === 200 ? CONTAINER : 'application/json', ...headers }).end(JSON.stringify(body));
    if (request.method !== 'GET') {
      answer(405, { error: 'the membership service answers GET' }, { allow: 'GET' });
      return true;
    }
    const denied = this.tokenEndpoint.authorize(request, NRPS_SCOPE);
    if (denied) {
      this.refused.push(`${denied.status} ${JSON.stringify(denied.body)}`);
      answer(denied.status, denied.body, denied.headers);
      return true;
    }
    // §3.6: the container's media type is the one to ask for (a platform may also answer application/json).
    if (!(request.headers.accept ?? '').split(',').some((type) => type.trim().split(';')[0] === CONTAINER)) {
      this.refused.push(`406 accept ${request.headers.accept}`);
      answer(406, { error: `Accept must name ${CONTAINER}` });
      return true;
    }
    const failure = this.failures.shift();
    if (failure !== undefined) {
      this.refused.push(`${failure} as the test asked`);
      answer(failure, { error: 'failing as the test asked' });
      return true;
    }
    const page = Number(url.searchParams.get('page') ?? '1');
    const start = (page - 1) * this.pageSize;
    const members = this.members.slice(start, start + this.pageSize);
    const more = start + this.pageSize < this.members.length;
    this.pagesServed.push(page);
    answer(
      200,
      { id: this.contextMembershipsUrl, context: { id: 'course-101', label: 'NET101', title: 'Networks 101' }, members },
      more ? { link: `<${this.contextMembershipsUrl}?page=${page + 1}>; rel="next"` } : {},
    );
    return true;
  }
}
