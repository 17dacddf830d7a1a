import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Language } from '@tcplab/tcp-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessFor } from '../auth/access.decorator';
import { Lang } from '../common/request-context';
import type { AppConfig } from '../config/configuration';
import { frameableBy, LaunchFrames } from './launch-frames';
import { LaunchRefused } from './launch-refused';
import { launchRefusedPage } from './lti-error-page';
import { LtiMessageLaunch, type LaunchForm } from './message-launch';
import { LtiOidcLogin, type LoginParams } from './oidc-login';

/**
 * The browser's side of an LTI 1.3 launch: the platform's login initiation, then its form post of the id_token. Both
 * answer with a redirect, or with a page naming the check that failed. Outside /v1 and the OpenAPI document: they
 * speak HTML and OIDC to browsers, not JSON to API clients.
 */
@ApiExcludeController()
@AccessFor('public')
@Controller('lti')
export class LtiController {
  constructor(
    private readonly login: LtiOidcLogin,
    private readonly messageLaunch: LtiMessageLaunch,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly frames: LaunchFrames,
  ) {}

  /** LTI 1.3 Core §4.1: the platform may initiate the login with a GET or a form POST. */
  @Get('login')
  loginByGet(@Query() query: LoginParams, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @Lang() lang: Language): Promise<void> {
    return this.startLogin(query, request, reply, lang);
  }

  @Post('login')
  loginByPost(@Body() body: LoginParams, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @Lang() lang: Language): Promise<void> {
    return this.startLogin(body ?? {}, request, reply, lang);
  }

  @Post('launch')
  async launch(@Body() body: LaunchForm, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @Lang() lang: Language): Promise<void> {
    await this.answer(body ?? {}, reply, lang, async () => {
      const { redirect, cookie } = await this.messageLaunch.launch(body ?? {}, request.headers.cookie, this.origin(request));
      // 303: the browser follows a POST's answer with a GET of the landing page.
      void reply.status(303).header('set-cookie', cookie).header('location', redirect).send();
    });
  }

  private startLogin(params: LoginParams, request: FastifyRequest, reply: FastifyReply, lang: Language): Promise<void> {
    return this.answer(params, reply, lang, async () => {
      const { redirect, cookie } = await this.login.start(onlyStrings(params), this.origin(request));
      void reply.status(302).header('set-cookie', cookie).header('location', redirect).header('cache-control', 'no-store').send();
    });
  }

  /**
   * A refusal is a page naming its check (400), shown in the platform's frame where the launch began; anything else
   * is the service's own error (problem+json, logged).
   */
  private async answer(params: { iss?: unknown; id_token?: unknown }, reply: FastifyReply, lang: Language, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof LaunchRefused)) throw error;
      frameableBy(reply, await this.frames.ofRefusal(params));
      void reply.status(400).header('content-type', 'text/html; charset=utf-8').send(launchRefusedPage(error, lang));
    }
  }

  /** This tool's address as the platform knows it: PUBLIC_URL behind a proxy, else the address the request came to. */
  private origin(request: FastifyRequest): string {
    return this.config.get('publicUrl', { infer: true }) ?? `${request.protocol}://${request.host}`;
  }
}

/** Query strings and forms may repeat a field (an array) or carry none; each parameter is one string or absent. */
function onlyStrings(params: LoginParams): LoginParams {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') result[name] = first;
  }
  return result;
}
