import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Language } from '@tcplab/tcp-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessFor } from '../auth/access.decorator';
import { Lang } from '../common/request-context';
import type { AppConfig } from '../config/configuration';
import { bindingSecret } from './browser-binding';
import { frameableBy, LaunchFrames, originsOf } from './launch-frames';
import { LaunchRefused } from './launch-refused';
import { launchRefusedPage } from './lti-error-page';
import { LtiMessageLaunch, type LaunchBinding, type LaunchForm } from './message-launch';
import { LtiOidcLogin, type LoginParams } from './oidc-login';
import { checkWithPlatformPage, LtiPlatformStorage, STORAGE_VERIFIED, storageTarget, storeInPlatformPage } from './platform-storage';

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
    private readonly platformStorage: LtiPlatformStorage,
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

  /** A launch refused for want of its cookie, started again in a new window (its link is on the refusal page). */
  @Get('relaunch')
  relaunch(@Query('state') state: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @Lang() lang: Language): Promise<void> {
    return this.answer({}, reply, lang, async () => {
      const { redirect, cookie } = await this.login.restart(typeof state === 'string' ? state : '', this.origin(request));
      void reply.status(302).header('set-cookie', cookie).header('location', redirect).header('cache-control', 'no-store').send();
    });
  }

  @Post('launch')
  async launch(@Body() body: LaunchForm & Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @Lang() lang: Language): Promise<void> {
    const form = body ?? {};
    await this.answer(form, reply, lang, async () => {
      let binding: LaunchBinding = 'cookie';
      const target = storageTarget(form['lti_storage_target']);
      // The cookie did not come back (a browser blocking third-party cookies), but the platform offers its storage.
      if (target !== null && typeof form.state === 'string' && typeof form.id_token === 'string' && bindingSecret(request.headers.cookie, form.state) === null) {
        // Only the tool's own page (the check below) can post with Sec-Fetch-Site: same-origin.
        if (form[STORAGE_VERIFIED] === '1' && request.headers['sec-fetch-site'] === 'same-origin') binding = 'platform-storage';
        else {
          const started = await this.platformStorage.loginOf(form.state);
          if (started) {
            frameableBy(reply, originsOf(started.platform));
            void reply
              .status(200)
              .header('content-type', 'text/html; charset=utf-8')
              .header('cache-control', 'no-store')
              .send(checkWithPlatformPage({ target, ...started, idToken: form.id_token, relaunch: relaunchUrl(form.state), lang }));
            return;
          }
        }
      }
      const { redirect, cookie } = await this.messageLaunch.launch(form, request.headers.cookie, this.origin(request), new Date(), binding);
      // 303: the browser follows a POST's answer with a GET of the landing page.
      void reply.status(303).header('set-cookie', cookie).header('location', redirect).send();
    });
  }

  private startLogin(params: LoginParams, request: FastifyRequest, reply: FastifyReply, lang: Language): Promise<void> {
    return this.answer(params, reply, lang, async () => {
      const login = await this.login.start(onlyStrings(params), this.origin(request));
      void reply.header('set-cookie', login.cookie).header('cache-control', 'no-store');
      const target = storageTarget(onlyStrings(params).lti_storage_target);
      if (target === null) {
        void reply.status(302).header('location', login.redirect).send();
        return;
      }
      // The platform offers its storage: the state and nonce go there too, before the redirect (platform-storage.ts).
      frameableBy(reply, originsOf(login.platform));
      void reply
        .status(200)
        .header('content-type', 'text/html; charset=utf-8')
        .send(storeInPlatformPage({ target, platform: login.platform, state: login.state, nonce: login.nonce, next: login.redirect, lang }));
    });
  }

  /**
   * A refusal is a page naming its check (400), shown in the platform's frame where the launch began; anything else
   * is the service's own error (problem+json, logged).
   */
  private async answer(params: { iss?: unknown; id_token?: unknown; state?: unknown }, reply: FastifyReply, lang: Language, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof LaunchRefused)) throw error;
      frameableBy(reply, await this.frames.ofRefusal(params));
      // A launch refused at its state may be one whose cookie the browser kept from the frame: a new window helps.
      const relaunch = error.check === 'state' && typeof params.id_token === 'string' && typeof params.state === 'string' ? relaunchUrl(params.state) : undefined;
      void reply.status(400).header('content-type', 'text/html; charset=utf-8').send(launchRefusedPage(error, lang, relaunch));
    }
  }

  /** This tool's address as the platform knows it: PUBLIC_URL behind a proxy, else the address the request came to. */
  private origin(request: FastifyRequest): string {
    return this.config.get('publicUrl', { infer: true }) ?? `${request.protocol}://${request.host}`;
  }
}

export function relaunchUrl(state: string): string {
  return `/lti/relaunch?state=${encodeURIComponent(state)}`;
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
