import { Injectable } from '@nestjs/common';
import type { PlatformRow } from './platforms.repository';
import { callPlatform, LtiServiceConnector, PlatformCallFailed } from './service-connector';

/** AGS 2.0 §3.1: the scope to post scores, and the one to manage line items (create them). */
export const AGS_SCOPE = {
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  lineitem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
} as const;

/** AGS 2.0 §3.4 (the Score service): what a tool posts to a line item's scores. */
export interface AgsScore {
  userId: string;
  scoreGiven: number;
  scoreMaximum: number;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  /** ISO 8601 with milliseconds: the platform ignores a score older than the last one it took for this user. */
  timestamp: string;
  comment?: string;
}

/** A line item as tcplab creates one (AGS 2.0 §3.2). */
export interface NewLineItem {
  label: string;
  scoreMaximum: number;
  resourceLinkId: string;
}

/**
 * Assignment and Grade Services 2.0 calls, each with a token for just the scope it needs. A token the platform
 * refuses (401: revoked or expired early) is asked for again once.
 */
@Injectable()
export class LtiAssignmentsGradesService {
  constructor(private readonly connector: LtiServiceConnector) {}

  async postScore(platform: PlatformRow, lineitem: string, score: AgsScore): Promise<void> {
    await this.withToken(platform, AGS_SCOPE.score, (token) =>
      callPlatform(scoresUrl(lineitem), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.ims.lis.v1.score+json' },
        body: JSON.stringify(score),
      }),
    );
  }

  /** The new line item's URL (its `id`). */
  async createLineItem(platform: PlatformRow, lineitems: string, item: NewLineItem): Promise<string> {
    const response = await this.withToken(platform, AGS_SCOPE.lineitem, (token) =>
      callPlatform(lineitems, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/vnd.ims.lis.v2.lineitem+json',
          accept: 'application/vnd.ims.lis.v2.lineitem+json',
        },
        body: JSON.stringify(item),
      }),
    );
    const created = (await response.json().catch(() => null)) as { id?: unknown } | null;
    if (typeof created?.id !== 'string') throw new PlatformCallFailed(`The platform created a line item at ${lineitems} but answered without its id.`, false);
    return created.id;
  }

  private async withToken(platform: PlatformRow, scope: string, call: (token: string) => Promise<Response>): Promise<Response> {
    try {
      return await call(await this.connector.accessToken(platform, [scope]));
    } catch (error) {
      if (!(error instanceof PlatformCallFailed) || error.status !== 401) throw error;
      this.connector.forget(platform, [scope]);
      return call(await this.connector.accessToken(platform, [scope]));
    }
  }
}

/**
 * AGS 2.0 §3.4.1: scores are posted to the line item's URL with `/scores` appended to its path — its query string
 * (some LMSs put the line item's id there: Moodle's `?type_id=…`) kept where it is.
 */
export function scoresUrl(lineitem: string): string {
  const url = new URL(lineitem);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/scores`;
  return url.toString();
}
