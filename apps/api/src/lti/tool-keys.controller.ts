import { Controller, Get, Header, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessFor } from '../auth/access.decorator';
import { JwksDto, ToolKeyDto, ToolKeyListDto } from './dto/tool-key.dto';
import type { ToolKeyRow } from './tool-keys.repository';
import { ToolKeys } from './tool-keys.service';

function present(row: ToolKeyRow): ToolKeyDto {
  return {
    kid: row.kid,
    created_at: row.created_at.toISOString(),
    signs_from: row.signs_from.toISOString(),
    signs_until: row.signs_until?.toISOString() ?? null,
    published_until: row.published_until?.toISOString() ?? null,
  };
}

/** The tool's keys: their public halves for every platform, their rotation for the admin. */
@ApiTags('lti')
@Controller()
export class ToolKeysController {
  constructor(private readonly keys: ToolKeys) {}

  @Get('lti/jwks')
  @AccessFor('public')
  // Platforms fetch it on every launch they check or cache it; a minute keeps a rotation's new key visible soon.
  @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: "The tool's public keys (JWKS): give this URL to each platform as tcplab's key set" })
  @ApiResponse({ status: 200, type: JwksDto })
  jwks(): Promise<JwksDto> {
    return this.keys.jwks();
  }

  @Get('v1/admin/lti/keys')
  @AccessFor('admin')
  @ApiOperation({ summary: "The tool's keys in its JWKS, with when each signs and when it leaves" })
  @ApiResponse({ status: 200, type: ToolKeyListDto })
  async list(): Promise<ToolKeyListDto> {
    return { items: (await this.keys.published()).map(present) };
  }

  @Post('v1/admin/lti/keys')
  @AccessFor('admin')
  @ApiOperation({ summary: 'Rotate: a new key, published now and signing after LTI_KEY_ROTATION_LEAD_MS (replacing one still waiting); the current one signs until then' })
  @ApiResponse({ status: 201, type: ToolKeyDto })
  async rotate(): Promise<ToolKeyDto> {
    return present(await this.keys.rotate());
  }
}
