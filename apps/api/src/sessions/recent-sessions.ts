import { LRUCache } from 'lru-cache';
import type { SessionEntity } from './session.entity';

/**
 * The sessions this process changed last, as committed: a hint that saves the read before an optimistic change.
 * Only ever a hint — the write goes through only if the session is still at the cached version (a version is
 * bumped by every committed change, so a (session, version) pair names one content) — so another process
 * changing the session, or deleting it, makes the hint stale, never wrong. Rows must be committed before they go
 * in: a version that was rolled back could later name someone else's change.
 */
export class RecentSessions {
  private readonly rows: LRUCache<string, SessionEntity> | null;

  constructor(size: number) {
    this.rows = size > 0 ? new LRUCache({ max: size }) : null;
  }

  get(tenantId: string, id: string): SessionEntity | undefined {
    return this.rows?.get(`${tenantId}/${id}`);
  }

  remember(row: SessionEntity): void {
    this.rows?.set(`${row.tenant_id}/${row.id}`, row);
  }

  forget(tenantId: string, id: string): void {
    this.rows?.delete(`${tenantId}/${id}`);
  }
}
