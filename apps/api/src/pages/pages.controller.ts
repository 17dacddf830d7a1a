import { applyDecorators, Controller, Get, Header, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LANGUAGES, type Language } from '@tcplab/tcp-core';
import { AccessFor } from '../auth/access.decorator';
import { LINK_TOKEN_PREFIX, LinkVerifier } from '../auth/link-verifier';
import { Lang } from '../common/request-context';
import type { LinkRow } from '../links/links.repository';
import { LinksService } from '../links/links.service';
import { frameableBy, LaunchFrames } from '../lti/launch-frames';
import { errorPage, LINK_PAGE_MODULES, PAGE_CSP, pageShell } from './page-shell';

const REFUSED_LINK: Record<'unknown' | 'expired' | 'revoked', { status: number; heading: Record<Language, string>; detail: Record<Language, string> }> = {
  unknown: {
    status: 404,
    heading: { en: 'This link does not work', 'zh-CN': '此链接无效' },
    detail: {
      en: 'Check that the whole link was copied, or ask your teacher for a new one.',
      'zh-CN': '请检查链接是否完整复制，或向老师索取新的链接。',
    },
  },
  expired: {
    status: 410,
    heading: { en: 'This link has expired', 'zh-CN': '此链接已过期' },
    detail: { en: 'It was valid for a limited time only. Ask your teacher for a new one.', 'zh-CN': '此链接仅在限定时间内有效，请向老师索取新的链接。' },
  },
  revoked: {
    status: 410,
    heading: { en: 'This link has been withdrawn', 'zh-CN': '此链接已被撤销' },
    detail: { en: 'Whoever made it has revoked it. Ask your teacher for a new one.', 'zh-CN': '创建者已撤销此链接，请向老师索取新的链接。' },
  },
};

/** An HTML page under the pages' own content security policy. */
const HtmlPage = (): MethodDecorator => applyDecorators(Header('content-type', 'text/html; charset=utf-8'), Header('content-security-policy', PAGE_CSP));

/**
 * The playground's pages. Each is a shell whose script draws the view from the public /v1 API, as any client
 * would; the browser holds at most a share link's token (from /l/{token}), never an API key.
 */
@ApiExcludeController()
@AccessFor('public')
@Controller()
export class PagesController {
  constructor(
    private readonly linkTokens: LinkVerifier,
    private readonly links: LinksService,
    private readonly frames: LaunchFrames,
  ) {}

  @Get()
  @HtmlPage()
  catalogue(@Lang() lang: Language): string {
    return pageShell({ page: 'catalogue', title: 'tcplab', lang });
  }

  // The pages a link opens may be framed by the platform whose launch made the link (LaunchFrames).
  @Get('scenarios/:id')
  @HtmlPage()
  async player(@Lang() lang: Language, @Query('link') linkId: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.frameForLink(linkId, request, reply);
    return pageShell({ page: 'player', title: 'tcplab', lang });
  }

  @Get('play/:id')
  @HtmlPage()
  async play(@Lang() lang: Language, @Query('link') linkId: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.frameForLink(linkId, request, reply);
    return pageShell({ page: 'play', title: 'tcplab', lang });
  }

  @Get('captures')
  @HtmlPage()
  captures(@Lang() lang: Language): string {
    return pageShell({ page: 'captures', title: 'tcplab', lang });
  }

  @Get('quizzes/:id')
  @HtmlPage()
  async quiz(@Lang() lang: Language, @Query('link') linkId: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.frameForLink(linkId, request, reply);
    return pageShell({ page: 'quiz', title: 'tcplab', lang });
  }

  /** An instructor's LTI landing: the resource link's results, read with the results link's token. */
  @Get('lti/results')
  @HtmlPage()
  async ltiResults(@Lang() lang: Language, @Query('link') linkId: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.frameForLink(linkId, request, reply);
    return pageShell({ page: 'lti-results', title: 'tcplab', lang });
  }

  /**
   * A share link as handed out: checked here, so that a link that does not work gets its own page at once; one
   * that works hands its token to the page's script (kept in this tab's sessionStorage) and opens its target —
   * in the language `?lang=` names, when an LTI launch says which one its link was made for.
   */
  @Get('l/:token')
  @HtmlPage()
  // The page holds the token: no cache may keep it.
  @Header('cache-control', 'no-store')
  async link(@Param('token') token: string, @Query('lang') chosen: unknown, @Lang() lang: Language, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const verdict = token.startsWith(LINK_TOKEN_PREFIX) ? await this.linkTokens.verify(token) : ({ ok: false, reason: 'unknown' } as const);
    if (!verdict.ok) {
      const refused = REFUSED_LINK[verdict.reason];
      void reply.status(refused.status);
      return errorPage(lang, refused.heading, refused.detail);
    }
    const grant = await this.links.grant(verdict.link);
    const origins = await this.frames.ofLink(verdict.link);
    frameableBy(reply, origins);
    // The page it opens is told which link it was opened through, so that it too may be framed by the platform.
    const next = origins.length > 0 ? withQuery(grant.page, 'link', verdict.link.id) : grant.page;
    const meta: Record<string, string> = { 'tcplab-link': token, 'tcplab-next': next };
    if ((LANGUAGES as readonly unknown[]).includes(chosen)) meta['tcplab-lang'] = chosen as Language;
    // link.js moves on at once: it preloads only what it imports.
    return pageShell({ page: 'link', title: 'tcplab', lang, meta, preload: LINK_PAGE_MODULES });
  }

  private async frameForLink(linkId: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const path = new URL(request.url, 'http://page').pathname;
    const opens = async (link: LinkRow) => new URL((await this.links.grant(link)).page, 'http://page').pathname === path;
    frameableBy(reply, await this.frames.ofLinkId(typeof linkId === 'string' ? linkId : undefined, opens));
  }
}

function withQuery(page: string, name: string, value: string): string {
  const url = new URL(page, 'http://page');
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}
