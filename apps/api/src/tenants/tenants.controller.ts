import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessFor } from '../auth/access.decorator';
import { ProblemResponse } from '../common/problem-response';
import { PageQueryDto } from '../sessions/dto/list-query.dto';
import { ProblemDto } from '../sessions/dto/session.dto';
import { ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto, CreateTenantDto, TenantDto, TenantPageDto } from './dto/tenant.dto';
import { TenantsService } from './tenants.service';

const BAD_REQUEST = ProblemResponse(400, 'Invalid body or query: every bad field is named in `errors`.');
const TENANT_NOT_FOUND = ProblemResponse(404, 'No such tenant.');

/** Tenants and their keys, for the admin key only. */
@ApiTags('admin')
@ApiExtraModels(ProblemDto)
@AccessFor('admin')
@Controller('v1/admin/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a tenant (a school, a course, an integration); then give it a key' })
  @ApiResponse({ status: 201, type: TenantDto })
  @BAD_REQUEST
  create(@Body() dto: CreateTenantDto): Promise<TenantDto> {
    return this.tenants.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List tenants, newest first (cursor-paginated)' })
  @ApiResponse({ status: 200, type: TenantPageDto })
  @BAD_REQUEST
  list(@Query() query: PageQueryDto): Promise<TenantPageDto> {
    return this.tenants.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a tenant' })
  @ApiResponse({ status: 200, type: TenantDto })
  @TENANT_NOT_FOUND
  get(@Param('id') id: string): Promise<TenantDto> {
    return this.tenants.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a tenant with its keys and all its sessions' })
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @TENANT_NOT_FOUND
  delete(@Param('id') id: string): Promise<void> {
    return this.tenants.delete(id);
  }

  @Post(':id/keys')
  @ApiOperation({ summary: 'Make an API key for the tenant: the key is in this answer only, never shown again' })
  @ApiResponse({ status: 201, type: CreatedApiKeyDto })
  @BAD_REQUEST
  @TENANT_NOT_FOUND
  createKey(@Param('id') id: string, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.tenants.createKey(id, dto);
  }

  @Get(':id/keys')
  @ApiOperation({ summary: "The tenant's keys, revoked ones included (never the keys themselves)" })
  @ApiResponse({ status: 200, type: ApiKeyListDto })
  @TENANT_NOT_FOUND
  listKeys(@Param('id') id: string): Promise<ApiKeyListDto> {
    return this.tenants.listKeys(id);
  }

  @Delete(':id/keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key: it stops working at once on this process, within API_KEY_CACHE_TTL_MS everywhere' })
  @ApiResponse({ status: 204, description: 'Revoked (revoking twice is fine).' })
  @ProblemResponse(404, 'No such tenant, or no such key of it.')
  revokeKey(@Param('id') id: string, @Param('keyId') keyId: string): Promise<void> {
    return this.tenants.revokeKey(id, keyId);
  }
}
