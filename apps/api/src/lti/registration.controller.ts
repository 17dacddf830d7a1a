import { Controller, Delete, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeEndpoint, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Language } from '@tcplab/tcp-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessFor } from '../auth/access.decorator';
import { ProblemResponse } from '../common/problem-response';
import { PublicOperation } from '../common/public-operation';
import { Ctx, Lang, type RequestContext } from '../common/request-context';
import type { AppConfig } from '../config/configuration';
import { errorPage, pageShell } from '../pages/page-shell';
import { canvasConfiguration } from './canvas-configuration';
import { CreatedRegistrationUrlDto, RegistrationUrlDto, RegistrationUrlListDto } from './dto/registration.dto';
import { LtiDynamicRegistration, RegistrationRefused, type RegistrationParams } from './dynamic-registration';
import { pageCspWith } from './page-csp';
import { httpUrl } from './http-url';

const REFUSED: Record<Language, string> = { en: 'tcplab could not register with this LMS', 'zh-CN': 'tcplab 未能在此学习平台注册' };
const REGISTERED: Record<Language, string> = { en: 'tcplab is registered', 'zh-CN': 'tcplab 已注册' };
const REGISTERED_DETAIL: Record<Language, string> = {
  en: 'The LMS can now launch tcplab. This window closes by itself; if it stays open, close it and enable the tool in the LMS.',
  'zh-CN': '学习平台现在可以启动 tcplab 了。此窗口会自动关闭；如果没有关闭，请手动关闭并在学习平台中启用此工具。',
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * LTI Dynamic Registration (the registration URLs a tenant makes, and the page an LMS opens with one) and the Canvas
 * developer key's JSON configuration.
 */
@ApiTags('lti')
@Controller()
export class RegistrationController {
  constructor(
    private readonly registration: LtiDynamicRegistration,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  @Post('v1/lti/registrations')
  @ApiOperation({ summary: 'A dynamic registration URL for an LMS (Moodle 4.x "Tool URL"): it registers one platform into this tenant, within 7 days' })
  @ApiResponse({ status: 201, type: CreatedRegistrationUrlDto })
  create(@Ctx() ctx: RequestContext, @Req() request: FastifyRequest): Promise<CreatedRegistrationUrlDto> {
    return this.registration.create(ctx, this.origin(request));
  }

  @Get('v1/lti/registrations')
  @ApiOperation({ summary: "The tenant's registration URLs, newest first (without their tokens)" })
  @ApiResponse({ status: 200, type: RegistrationUrlListDto })
  list(@Ctx() ctx: RequestContext): Promise<RegistrationUrlListDto> {
    return this.registration.list(ctx);
  }

  @Delete('v1/lti/registrations/:id')
  @ApiOperation({ summary: 'Revoke a registration URL before an LMS uses it (a platform it registered stays registered)' })
  @ApiResponse({ status: 200, type: RegistrationUrlDto })
  @ProblemResponse(404, 'The tenant has no such registration URL.')
  revoke(@Param('id') id: string, @Ctx() ctx: RequestContext): Promise<RegistrationUrlDto> {
    return this.registration.revoke(id, ctx);
  }

  /**
   * Dynamic Registration §3.3: the LMS opens the registration URL (in a frame or a window) with openid_configuration
   * and registration_token added; the page that ends it tells the LMS to close it (§3.7, org.imsglobal.lti.close).
   */
  @Get('lti/register')
  @AccessFor('public')
  @ApiExcludeEndpoint()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  async register(@Query() query: RegistrationParams, @Req() request: FastifyRequest, @Lang() lang: Language, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const params = onlyStrings(query);
    // The LMS frames this page (Moodle opens it in a dialog): the origin of its OpenID configuration may.
    void reply.header('content-security-policy', pageCspWith({ 'frame-ancestors': originOf(params.openid_configuration) ?? "'none'" }));
    try {
      const platform = await this.registration.register(params, this.origin(request));
      return pageShell({
        page: 'lti-registered',
        title: `tcplab — ${REGISTERED[lang]}`,
        lang,
        body:
          `<section role="status" data-lti-registered="${escapeHtml(platform.id)}"><h1>${REGISTERED[lang]}</h1>` +
          `<p>${REGISTERED_DETAIL[lang]}</p>` +
          `<p lang="en">issuer <code>${escapeHtml(platform.issuer)}</code>, client_id <code>${escapeHtml(platform.client_id)}</code>, deployment_id <code>${escapeHtml(platform.deployment_ids[0]!)}</code></p></section>`,
      });
    } catch (error) {
      if (!(error instanceof RegistrationRefused)) throw error;
      void reply.status(400);
      return errorPage(lang, REFUSED, { en: error.message, 'zh-CN': error.message });
    }
  }

  @Get('lti/canvas.json')
  @AccessFor('public')
  @PublicOperation()
  @ApiOperation({ summary: 'The JSON configuration of a Canvas LTI 1.3 developer key ("Enter URL" in Canvas\'s LTI key form)' })
  @ApiResponse({ status: 200, description: 'Canvas\'s tool configuration: title, description, oidc_initiation_url, target_link_uri, public_jwk_url, scopes, extensions (placements, privacy_level).' })
  canvas(@Req() request: FastifyRequest): Record<string, unknown> {
    return canvasConfiguration(this.origin(request));
  }

  private origin(request: FastifyRequest): string {
    return this.config.get('publicUrl', { infer: true }) ?? `${request.protocol}://${request.host}`;
  }
}

/** Query strings may repeat a parameter (an array): the first value counts. */
function onlyStrings(params: RegistrationParams): RegistrationParams {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') result[name] = first;
  }
  return result;
}

function originOf(url: string | undefined): string | null {
  return httpUrl(url)?.origin ?? null;
}
