import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ProblemResponse } from '../common/problem-response';
import { Ctx, type RequestContext } from '../common/request-context';
import { PlatformDto, PlatformListDto, PlatformRegistrationDto } from './dto/platform.dto';
import { PlatformsService } from './platforms.service';

const BAD_REQUEST = ProblemResponse(400, 'Invalid body: every bad field is named in `errors`.');
const NOT_FOUND = ProblemResponse(404, 'The tenant has no such platform.');
const TAKEN = ProblemResponse(409, 'This issuer and client_id are already registered.');

/**
 * The LMSs (LTI 1.3 platforms) that may launch tcplab for a tenant, registered with the tenant's key (a share link's
 * holder never reaches these routes: none carries @LinkMay).
 */
@ApiTags('lti')
@Controller('v1/lti/platforms')
export class PlatformsController {
  constructor(private readonly platforms: PlatformsService) {}

  @Post()
  @ApiOperation({ summary: 'Register an LMS: its issuer, the client id it gave tcplab, its deployments and its OIDC, token and JWKS URLs' })
  @ApiResponse({ status: 201, type: PlatformDto })
  @BAD_REQUEST
  @TAKEN
  create(@Body() dto: PlatformRegistrationDto, @Ctx() ctx: RequestContext): Promise<PlatformDto> {
    return this.platforms.create(dto, ctx);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's registered platforms, newest first" })
  @ApiResponse({ status: 200, type: PlatformListDto })
  list(@Ctx() ctx: RequestContext): Promise<PlatformListDto> {
    return this.platforms.list(ctx);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A registered platform' })
  @ApiResponse({ status: 200, type: PlatformDto })
  @NOT_FOUND
  get(@Param('id') id: string, @Ctx() ctx: RequestContext): Promise<PlatformDto> {
    return this.platforms.get(id, ctx);
  }

  @Put(':id')
  @ApiOperation({ summary: "Replace a platform's registration (a new deployment, a moved URL)" })
  @ApiResponse({ status: 200, type: PlatformDto })
  @BAD_REQUEST
  @NOT_FOUND
  @TAKEN
  replace(@Param('id') id: string, @Body() dto: PlatformRegistrationDto, @Ctx() ctx: RequestContext): Promise<PlatformDto> {
    return this.platforms.replace(id, dto, ctx);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a platform: its launches stop at once, and the people it launched go with it' })
  @ApiResponse({ status: 204, description: 'Removed.' })
  @NOT_FOUND
  delete(@Param('id') id: string, @Ctx() ctx: RequestContext): Promise<void> {
    return this.platforms.delete(id, ctx);
  }
}
