import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Language } from '@tcplab/tcp-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessFor } from '../auth/access.decorator';
import { bearerToken } from '../auth/api-key';
import { ProblemResponse } from '../common/problem-response';
import { PublicOperation } from '../common/public-operation';
import { Lang } from '../common/request-context';
import type { AppConfig } from '../config/configuration';
import { errorPage, PAGE_CSP, pageShell } from '../pages/page-shell';
import { DeepLinkingAnswerDto, DeepLinkingContextDto, DeepLinkingResponseDto } from './dto/deep-linking.dto';
import { pageCspWith } from './page-csp';
import { LtiDeepLinking } from './deep-linking';

const CLOSED_SELECTION: Record<'unknown' | 'expired' | 'used', { status: number; heading: Record<Language, string> }> = {
  unknown: { status: 404, heading: { en: 'This content selection is not known', 'zh-CN': '找不到此内容选择' } },
  expired: { status: 410, heading: { en: 'This content selection has expired', 'zh-CN': '此内容选择已过期' } },
  used: { status: 410, heading: { en: 'This content selection has been answered already', 'zh-CN': '此内容选择已经提交过' } },
};
const START_AGAIN: Record<Language, string> = {
  en: 'Start again from your course: add an activity and choose tcplab.',
  'zh-CN': '请回到课程重新开始：添加活动并选择 tcplab。',
};

/**
 * The picker page of a deep linking request (Deep Linking 2.0): its path holds the selection's token, like a share
 * link's page. Its CSP lets forms go to the platform's return URL's origin only (the signed answer is posted there),
 * and lets that origin frame it (platforms open content selection in a frame or a dialog).
 */
@ApiExcludeController()
@AccessFor('public')
@Controller('lti/deep-linking')
export class DeepLinkingPageController {
  constructor(private readonly deepLinking: LtiDeepLinking) {}

  @Get(':token')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  async picker(@Param('token') token: string, @Lang() lang: Language, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const verdict = await this.deepLinking.verify(token);
    if (!verdict.ok) {
      const refused = CLOSED_SELECTION[verdict.reason];
      void reply.status(refused.status).header('content-security-policy', PAGE_CSP);
      return errorPage(lang, refused.heading, START_AGAIN);
    }
    const platformOrigin = new URL(verdict.selection.return_url).origin;
    void reply.header('content-security-policy', pickerCsp(platformOrigin));
    return pageShell({ page: 'deep-linking', title: 'tcplab', lang, meta: { 'tcplab-selection': token } });
  }
}

/** The pages' CSP with form-action and frame-ancestors naming the platform's origin, and nothing else. */
function pickerCsp(platformOrigin: string): string {
  return pageCspWith({ 'form-action': platformOrigin, 'frame-ancestors': platformOrigin });
}

/**
 * The picker's API: the selection's token (tdl_…) is its bearer — no tenant key, no share link. Public as far as
 * ApiKeyGuard goes: the token is checked here, and reaches one selection only.
 */
@ApiTags('lti')
@AccessFor('public')
@PublicOperation()
@Controller('v1/lti/deep-linking/current')
export class DeepLinkingController {
  constructor(
    private readonly deepLinking: LtiDeepLinking,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  @Get()
  @ApiOperation({ summary: 'A content selection in progress (with the selection token): what the platform takes, the exercise goals and the tenant’s quizzes' })
  @ApiHeader({ name: 'Authorization', required: true, description: 'Bearer tdl_…: the token of the picker page the deep linking launch opened.' })
  @ApiResponse({ status: 200, type: DeepLinkingContextDto })
  @ProblemResponse(401, 'No selection token, or an unknown one.')
  @ProblemResponse(410, 'The selection has expired or has been answered already.')
  context(@Headers('authorization') authorization: string | undefined, @Lang() lang: Language): Promise<DeepLinkingContextDto> {
    return this.deepLinking.context(bearerToken(authorization), lang);
  }

  @Post('response')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Answer the content selection: the signed LtiDeepLinkingResponse, to post to the platform’s return URL',
    description:
      'Each item becomes an ltiResourceLink content item (Deep Linking 2.0 §3.1) whose url is the target_link_uri of later launches; exercises and quizzes carry a lineItem (scoreMaximum 100). No items cancels. The selection is answered once.',
  })
  @ApiHeader({ name: 'Authorization', required: true, description: 'Bearer tdl_…: the token of the picker page the deep linking launch opened.' })
  @ApiResponse({ status: 200, type: DeepLinkingResponseDto })
  @ProblemResponse(400, 'Invalid body (every bad field is named in `errors`), or several items where the platform takes one.')
  @ProblemResponse(401, 'No selection token, or an unknown one.')
  @ProblemResponse(404, 'No such scenario or quiz.')
  @ProblemResponse(410, 'The selection has expired or has been answered already.')
  answer(
    @Headers('authorization') authorization: string | undefined,
    @Body() dto: DeepLinkingAnswerDto,
    @Lang() lang: Language,
    @Req() request: FastifyRequest,
  ): Promise<DeepLinkingResponseDto> {
    const origin = this.config.get('publicUrl', { infer: true }) ?? `${request.protocol}://${request.host}`;
    return this.deepLinking.answer(bearerToken(authorization), dto, origin, lang);
  }
}
