import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { displayPrefix, generateApiKey, hashApiKey } from '../auth/api-key';
import { ApiKeyVerifier } from '../auth/api-key.verifier';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { decodeTimeCursor, encodeTimeCursor, UUID } from '../common/cursor';
import type { PageQueryDto } from '../sessions/dto/list-query.dto';
import type { ApiKeyDto, ApiKeyListDto, CreatedApiKeyDto, CreateApiKeyDto, CreateTenantDto, TenantDto, TenantPageDto } from './dto/tenant.dto';
import { TenantsRepository, type ApiKeyRow, type TenantRow } from './tenants.repository';

function presentTenant(row: TenantRow): TenantDto {
  return { id: row.id, name: row.name, created_at: new Date(row.created_at).toISOString() };
}

function presentKey(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    tenant_id: row.tenant_id!,
    name: row.name,
    prefix: row.prefix,
    created_at: new Date(row.created_at).toISOString(),
    revoked_at: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}

function tenantNotFound(id: string): ApiError {
  return new ApiError(ApiErrorCode.TenantNotFound, `There is no tenant ${id}.`);
}

/** The admin's side: tenants, and the keys through which they use the API. */
@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly verifier: ApiKeyVerifier,
  ) {}

  async create(dto: CreateTenantDto): Promise<TenantDto> {
    return presentTenant(await this.tenants.insertTenant(randomUUID(), dto.name));
  }

  async get(id: string): Promise<TenantDto> {
    return presentTenant(await this.find(id));
  }

  async list(query: PageQueryDto): Promise<TenantPageDto> {
    const limit = query.limit ?? 20;
    const rows = await this.tenants.listTenants(limit + 1, decodeTimeCursor('tenants', query.cursor));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(presentTenant),
      next_cursor: rows.length > limit && last ? encodeTimeCursor('tenants', last.created_at_exact, last.id) : null,
    };
  }

  /** Deletes the tenant with its keys and sessions. */
  async delete(id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.tenants.deleteTenant(id))) throw tenantNotFound(id);
    this.verifier.forget((p) => p.role === 'tenant' && p.tenantId === id);
  }

  async createKey(tenantId: string, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    await this.find(tenantId);
    const key = generateApiKey();
    const row = await this.tenants.insertKey({
      id: randomUUID(),
      tenantId,
      role: 'tenant',
      name: dto.name ?? 'unnamed',
      prefix: displayPrefix(key),
      hash: hashApiKey(key),
    });
    return { ...presentKey(row), key };
  }

  async listKeys(tenantId: string): Promise<ApiKeyListDto> {
    await this.find(tenantId);
    return { items: (await this.tenants.listKeys(tenantId)).map(presentKey) };
  }

  async revokeKey(tenantId: string, keyId: string): Promise<void> {
    await this.find(tenantId);
    const row = UUID.test(keyId) ? await this.tenants.revokeKey(tenantId, keyId) : null;
    if (!row) throw new ApiError(ApiErrorCode.ApiKeyNotFound, `Tenant ${tenantId} has no key ${keyId}.`);
    this.verifier.forget((p) => p.keyId === keyId);
  }

  private async find(id: string): Promise<TenantRow> {
    const row = UUID.test(id) ? await this.tenants.findTenant(id) : null;
    if (!row) throw tenantNotFound(id);
    return row;
  }
}
