import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { PlatformRegistrationDto } from './dto/platform.dto';

export interface PlatformRow {
  tenant_id: string;
  id: string;
  issuer: string;
  client_id: string;
  deployment_ids: string[];
  auth_url: string;
  token_url: string;
  jwks_url: string;
  frame_origins: string[];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'tenant_id, id, issuer, client_id, deployment_ids, auth_url, token_url, jwks_url, frame_origins, created_at, updated_at';

/** Whether a write broke the one-registration-per-(issuer, client_id) rule. */
export function isDuplicateRegistration(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return (e.code ?? e.driverError?.code) === '23505' && (e.constraint ?? e.driverError?.constraint ?? '').includes('issuer');
}

/** Registered platforms: the only code that touches lti_platforms. */
@Injectable()
export class PlatformsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** In `manager`'s transaction when given one (a dynamic registration spends its token in the same transaction). */
  async insert(tenantId: string, id: string, r: PlatformRegistrationDto, manager: EntityManager = this.dataSource.manager): Promise<PlatformRow> {
    const rows: PlatformRow[] = await manager.query(
      `INSERT INTO lti_platforms (tenant_id, id, issuer, client_id, deployment_ids, auth_url, token_url, jwks_url, frame_origins)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [tenantId, id, r.issuer, r.client_id, r.deployment_ids, r.auth_url, r.token_url, r.jwks_url, r.frame_origins ?? []],
    );
    return rows[0]!;
  }

  async update(tenantId: string, id: string, r: PlatformRegistrationDto): Promise<PlatformRow | null> {
    // In a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count] rather than the rows.
    const rows: PlatformRow[] = await this.dataSource.query(
      `WITH updated AS (UPDATE lti_platforms SET issuer = $3, client_id = $4, deployment_ids = $5, auth_url = $6, token_url = $7, jwks_url = $8, frame_origins = $9, updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}) SELECT * FROM updated`,
      [tenantId, id, r.issuer, r.client_id, r.deployment_ids, r.auth_url, r.token_url, r.jwks_url, r.frame_origins ?? []],
    );
    return rows[0] ?? null;
  }

  async find(tenantId: string, id: string): Promise<PlatformRow | null> {
    const rows: PlatformRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM lti_platforms WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0] ?? null;
  }

  list(tenantId: string): Promise<PlatformRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM lti_platforms WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1000`, [tenantId]);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`WITH deleted AS (DELETE FROM lti_platforms WHERE tenant_id = $1 AND id = $2 RETURNING id) SELECT id FROM deleted`, [
      tenantId,
      id,
    ]);
    return rows.length > 0;
  }

  /** The registrations of an issuer, whatever the tenant: an OIDC login names the issuer, and the client id only maybe. */
  byIssuer(issuer: string): Promise<PlatformRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM lti_platforms WHERE issuer = $1 ORDER BY created_at, id`, [issuer]);
  }

  async byId(id: string): Promise<PlatformRow | null> {
    const rows: PlatformRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM lti_platforms WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }
}
