import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { LinkMay } from '../auth/link-access';
import type { AuthenticatedRequest } from '../auth/principal';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { ProblemResponse } from '../common/problem-response';
import { Ctx, type RequestContext } from '../common/request-context';
import type { AppConfig } from '../config/configuration';
import { CreatedLinkDto, CreateLinkDto, LinkGrantDto, LinkListDto } from './dto/link.dto';
import { LinksService } from './links.service';

/** Share links: a tenant's key mints them; their holders (learners' browsers) reach one target without a key. */
@ApiTags('links')
@Controller('v1/links')
export class LinksController {
  constructor(
    private readonly links: LinksService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Mint a share link to a scenario, session, exercise or quiz: its url and token are in this answer only' })
  @ApiResponse({ status: 201, type: CreatedLinkDto })
  @ProblemResponse(400, 'Invalid body: every bad field is named in `errors`.')
  @ProblemResponse(404, 'The tenant has no such scenario, session, exercise or quiz.')
  create(@Body() dto: CreateLinkDto, @Ctx() ctx: RequestContext, @Req() request: FastifyRequest): Promise<CreatedLinkDto> {
    const origin = this.config.get('publicUrl', { infer: true }) ?? `${request.protocol}://${request.host}`;
    return this.links.create(dto, tenantOnly(ctx), origin);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's links, newest first (never their tokens)" })
  @ApiResponse({ status: 200, type: LinkListDto })
  list(@Ctx() ctx: RequestContext): Promise<LinkListDto> {
    return this.links.list(tenantOnly(ctx));
  }

  @Get('current')
  @LinkMay({ kind: 'own-link' })
  @ApiOperation({ summary: "With a link's token as the bearer: what the link opens, and the page that opens it" })
  @ApiResponse({ status: 200, type: LinkGrantDto })
  current(@Req() request: AuthenticatedRequest): Promise<LinkGrantDto> {
    const principal = request.principal;
    if (principal?.role !== 'link') throw new ApiError(ApiErrorCode.Forbidden, "This route answers a share link's holder: send the link's token, not an API key.");
    return this.links.grant(principal.link);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a link: it stops working at once, on every replica' })
  @ApiResponse({ status: 204, description: 'Revoked (revoking twice is fine).' })
  @ProblemResponse(404, 'No such link.')
  revoke(@Param('id') id: string, @Ctx() ctx: RequestContext): Promise<void> {
    return this.links.revoke(id, tenantOnly(ctx));
  }
}

/** Links are managed with the tenant's keys; a link's holder cannot mint or revoke links (the guard keeps them out). */
function tenantOnly(ctx: RequestContext): RequestContext {
  if (ctx.link !== null) throw new ApiError(ApiErrorCode.Forbidden, 'Links are managed with an API key.');
  return ctx;
}
