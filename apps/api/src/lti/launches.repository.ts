import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { LtiRole } from './roles';

export interface LoginRow {
  state: string;
  nonce: string;
  platform_id: string;
  browser_hash: string;
  target_link_uri: string;
  expires_at: Date;
  used_at: Date | null;
  /** The platform's login initiation (LoginParams), to start the login again in a new window; null in older rows. */
  initiation: Record<string, string> | null;
}

export interface LtiUserRow {
  tenant_id: string;
  id: string;
  platform_id: string;
  deployment_id: string;
  sub: string;
  role: LtiRole;
  name: string | null;
}

/** Logins in progress and the people launched: the only code that touches lti_logins and lti_users. */
@Injectable()
export class LaunchesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A new login; logins expired for an hour go at the same time. They are kept that long after expiring so that a
   * replayed launch is told its nonce was used (not merely that its state is unknown), and no longer: an id_token
   * outlives its login by minutes.
   */
  async insertLogin(login: Omit<LoginRow, 'used_at'>): Promise<void> {
    await this.dataSource.query(`DELETE FROM lti_logins WHERE expires_at < now() - interval '1 hour'`);
    await this.dataSource.query(
      `INSERT INTO lti_logins (state, nonce, platform_id, browser_hash, target_link_uri, expires_at, initiation) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [login.state, login.nonce, login.platform_id, login.browser_hash, login.target_link_uri, login.expires_at, login.initiation],
    );
  }

  async findLogin(state: string): Promise<LoginRow | null> {
    const rows: LoginRow[] = await this.dataSource.query(
      `SELECT state, nonce, platform_id, browser_hash, target_link_uri, expires_at, used_at, initiation FROM lti_logins WHERE state = $1`,
      [state],
    );
    return rows[0] ?? null;
  }

  /**
   * The launch that completes a login: its nonce is consumed (atomically: of two launches racing with one id_token,
   * one gets the login and the other nothing) and the person is recorded or brought up to date, in one transaction.
   * Null when the login was used already.
   */
  async completeLogin(state: string, user: Omit<LtiUserRow, 'id'> & { id: string }): Promise<LtiUserRow | null> {
    return this.dataSource.transaction(async (manager) => {
      // In a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count] rather than the rows.
      const used: unknown[] = await manager.query(
        `WITH used AS (UPDATE lti_logins SET used_at = now() WHERE state = $1 AND used_at IS NULL RETURNING state) SELECT state FROM used`,
        [state],
      );
      if (used.length === 0) return null;
      const rows: LtiUserRow[] = await manager.query(
        `INSERT INTO lti_users (tenant_id, id, platform_id, deployment_id, sub, role, name) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (platform_id, deployment_id, sub) DO UPDATE SET role = EXCLUDED.role, name = EXCLUDED.name, last_launch_at = now()
         RETURNING tenant_id, id, platform_id, deployment_id, sub, role, name`,
        [user.tenant_id, user.id, user.platform_id, user.deployment_id, user.sub, user.role, user.name],
      );
      return rows[0]!;
    });
  }
}
