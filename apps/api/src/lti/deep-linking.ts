import { Injectable } from '@nestjs/common';
import { EXERCISE_GOALS, GOALS, scenario, type ExerciseGoalId, type Language } from '@tcplab/tcp-core';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { UUID } from '../common/cursor';
import { QuizzesRepository } from '../quizzes/quizzes.repository';
import type { ChosenContentDto, DeepLinkingAnswerDto, DeepLinkingContextDto, DeepLinkingResponseDto } from './dto/deep-linking.dto';
import { DeepLinkingRepository, type DeepLinkingRow } from './deep-linking.repository';
import { LaunchRefused } from './launch-refused';
import { PlatformsRepository, type PlatformRow } from './platforms.repository';
import { ToolKeys } from './tool-keys.service';
import { httpUrl } from './http-url';

const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL_CLAIM = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
/** The picker page's token: a bearer for one content selection, never mistaken for a key or a share link. */
export const DEEP_LINKING_TOKEN_PREFIX = 'tdl_';
/** Long enough to look through the content and preview it; a selection left open longer is started again from the LMS. */
const SELECTION_TTL_MS = 3600_000;
/** The score every gradable item is reported on (its line item's scoreMaximum): a percentage. */
const SCORE_MAXIMUM = 100;

/** What the platform asked for in its deep_linking_settings claim (Deep Linking 2.0 §4.4.1), as tcplab uses it. */
export interface DeepLinkingSettings {
  returnUrl: string;
  acceptMultiple: boolean;
  /** The platform's `data`, kept as JSON text, to be echoed unchanged. */
  data: string | null;
}

export type SelectionVerdict = { ok: true; selection: DeepLinkingRow } | { ok: false; reason: 'unknown' | 'expired' | 'used' };

/**
 * The claim checks of an LtiDeepLinkingRequest beyond those every launch passes: tcplab answers with
 * ltiResourceLink items only, so a platform that does not take them cannot be answered.
 */
export function deepLinkingSettings(claims: Record<string, unknown>): DeepLinkingSettings {
  const settings = claims[`${DL_CLAIM}deep_linking_settings`] as Record<string, unknown> | undefined;
  if (typeof settings !== 'object' || settings === null) throw new LaunchRefused('deep_linking_settings', 'A deep linking request must carry the deep_linking_settings claim.');
  const returnUrl = settings['deep_link_return_url'];
  if (typeof returnUrl !== 'string' || !httpUrl(returnUrl)) throw new LaunchRefused('deep_linking_settings', 'deep_link_return_url must be an http(s) URL.');
  const acceptTypes = settings['accept_types'];
  if (!Array.isArray(acceptTypes) || !acceptTypes.includes('ltiResourceLink')) {
    throw new LaunchRefused('deep_linking_settings', 'accept_types must include ltiResourceLink: tcplab answers with LTI resource links only.');
  }
  const acceptMultiple = settings['accept_multiple'];
  if (acceptMultiple !== undefined && typeof acceptMultiple !== 'boolean') throw new LaunchRefused('deep_linking_settings', 'accept_multiple must be true or false.');
  return {
    returnUrl,
    // §4.4.1 leaves it optional; without it one item is the answer every platform takes.
    acceptMultiple: acceptMultiple === true,
    data: settings['data'] === undefined ? null : JSON.stringify(settings['data']),
  };
}

/**
 * Deep Linking 2.0 (1EdTech): an instructor launched for content selection gets a picker page holding a token for
 * that selection only; the answer is an LtiDeepLinkingResponse signed by the tool's current key, posted by the
 * browser to the platform's deep_link_return_url. The selection is answered once (choose or cancel).
 */
@Injectable()
export class LtiDeepLinking {
  constructor(
    private readonly selections: DeepLinkingRepository,
    private readonly platforms: PlatformsRepository,
    private readonly quizzes: QuizzesRepository,
    private readonly toolKeys: ToolKeys,
  ) {}

  /** Opens the selection; the browser goes to the picker page, whose path holds the token. */
  async open(platform: PlatformRow, deploymentId: string, userId: string, settings: DeepLinkingSettings, now: Date): Promise<string> {
    const token = DEEP_LINKING_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    await this.selections.insert({
      tenant_id: platform.tenant_id,
      id: randomUUID(),
      token_hash: hashToken(token),
      platform_id: platform.id,
      deployment_id: deploymentId,
      user_id: userId,
      return_url: settings.returnUrl,
      accept_multiple: settings.acceptMultiple,
      data: settings.data,
      expires_at: new Date(now.getTime() + SELECTION_TTL_MS),
    });
    return `/lti/deep-linking/${token}`;
  }

  async verify(token: string, now = new Date()): Promise<SelectionVerdict> {
    const selection = token.startsWith(DEEP_LINKING_TOKEN_PREFIX) ? await this.selections.byTokenHash(hashToken(token)) : null;
    if (!selection) return { ok: false, reason: 'unknown' };
    if (selection.used_at !== null) return { ok: false, reason: 'used' };
    if (selection.expires_at <= now) return { ok: false, reason: 'expired' };
    return { ok: true, selection };
  }

  async context(token: string | null, lang: Language, now = new Date()): Promise<DeepLinkingContextDto> {
    const selection = await this.openSelection(token, now);
    const quizzes = await this.quizzes.listSummaries(selection.tenant_id, 200);
    return {
      accept_multiple: selection.accept_multiple,
      return_origin: new URL(selection.return_url).origin,
      expires_at: selection.expires_at.toISOString(),
      goals: EXERCISE_GOALS.map((id) => ({ id, title: GOALS[id].title[lang], instructions: GOALS[id].instructions[lang] })),
      quizzes: quizzes.map((q) => ({
        id: q.id,
        scenario_id: q.scenario_id,
        seed: Number(q.seed),
        lang: q.lang as Language,
        questions: q.questions,
        created_at: q.created_at.toISOString(),
      })),
    };
  }

  /**
   * The signed answer: every item checked first (a bad one answers 4xx and leaves the selection open), then the
   * selection consumed, atomically, so that a second answer (a replay, a double click) signs nothing.
   */
  async answer(token: string | null, dto: DeepLinkingAnswerDto, toolOrigin: string, lang: Language, now = new Date()): Promise<DeepLinkingResponseDto> {
    const selection = await this.openSelection(token, now);
    if (dto.items.length > 1 && !selection.accept_multiple) {
      throw new ApiError(ApiErrorCode.ValidationFailed, 'The platform takes one item in this selection (accept_multiple is false).', {
        errors: [{ field: 'items', message: 'choose one item' }],
      });
    }
    const contentItems: Record<string, unknown>[] = [];
    for (const item of dto.items) contentItems.push(await this.contentItem(item, selection, toolOrigin, lang));
    const platform = await this.platforms.byId(selection.platform_id);
    const consumed = await this.selections.consume(selection.token_hash, now);
    if (!platform || !consumed) throw closed('used');
    const claims: Record<string, unknown> = {
      iss: platform.client_id,
      aud: platform.issuer,
      nonce: randomBytes(16).toString('base64url'),
      [`${CLAIM}deployment_id`]: selection.deployment_id,
      [`${CLAIM}message_type`]: 'LtiDeepLinkingResponse',
      [`${CLAIM}version`]: '1.3.0',
      [`${DL_CLAIM}content_items`]: contentItems,
    };
    if (selection.data !== null) claims[`${DL_CLAIM}data`] = JSON.parse(selection.data);
    return { return_url: selection.return_url, jwt: await this.toolKeys.sign(claims, now) };
  }

  /** The open selection a picker's bearer token names, or the problem that says why there is none. */
  private async openSelection(token: string | null, now: Date): Promise<DeepLinkingRow> {
    if (token === null) throw new ApiError(ApiErrorCode.Unauthenticated, 'Send the selection token as "Authorization: Bearer tdl_…".', {}, { 'www-authenticate': 'Bearer realm="tcplab"' });
    const verdict = await this.verify(token, now);
    if (!verdict.ok) {
      if (verdict.reason === 'unknown') {
        throw new ApiError(ApiErrorCode.Unauthenticated, 'This content selection is not known.', {}, { 'www-authenticate': 'Bearer realm="tcplab", error="invalid_token"' });
      }
      throw closed(verdict.reason);
    }
    return verdict.selection;
  }

  /**
   * Deep Linking 2.0 §3.1 (ltiResourceLink): the url is the target_link_uri later launches carry, so it follows the
   * tool's landing conventions — /scenarios/{id}, /exercises/{goal}?seed=N (a fresh exercise per learner and link),
   * /quizzes/{id}. Exercises and quizzes are graded: their lineItem asks the platform for a gradebook column.
   */
  private async contentItem(item: ChosenContentDto, selection: DeepLinkingRow, toolOrigin: string, lang: Language): Promise<Record<string, unknown>> {
    const custom: Record<string, string> = item.lang ? { lang: item.lang } : {};
    switch (item.kind) {
      case 'scenario': {
        const found = scenario(item.id);
        if (!found) throw new ApiError(ApiErrorCode.ScenarioNotFound, `There is no scenario ${item.id}.`);
        const title = item.title ?? found.title[item.lang ?? lang];
        return { type: 'ltiResourceLink', title, url: `${toolOrigin}/scenarios/${encodeURIComponent(found.id)}`, custom: { ...custom, scenario: found.id } };
      }
      case 'exercise': {
        if (!(EXERCISE_GOALS as readonly string[]).includes(item.id)) {
          throw new ApiError(ApiErrorCode.ValidationFailed, `There is no exercise goal ${item.id}.`, { errors: [{ field: 'items.id', message: `goal must be one of ${EXERCISE_GOALS.join(', ')}` }] });
        }
        if (item.seed === undefined) throw new ApiError(ApiErrorCode.ValidationFailed, 'An exercise needs a seed.', { errors: [{ field: 'items.seed', message: 'seed is required for an exercise' }] });
        const goal = item.id as ExerciseGoalId;
        const title = item.title ?? GOALS[goal].title[item.lang ?? lang];
        return {
          type: 'ltiResourceLink',
          title,
          url: `${toolOrigin}/exercises/${goal}?seed=${item.seed}`,
          custom: { ...custom, goal, seed: String(item.seed) },
          lineItem: { scoreMaximum: SCORE_MAXIMUM, label: title, resourceId: `exercise:${goal}:${item.seed}`, tag: 'exercise' },
        };
      }
      case 'quiz': {
        const quiz = UUID.test(item.id) ? await this.quizzes.findQuiz(selection.tenant_id, item.id) : null;
        if (!quiz) throw new ApiError(ApiErrorCode.QuizNotFound, `There is no quiz ${item.id}.`);
        const scenarioTitle = quiz.scenario_id ? scenario(quiz.scenario_id)?.title[item.lang ?? lang] : undefined;
        const title = item.title ?? (scenarioTitle ? `Quiz: ${scenarioTitle}` : `Quiz ${quiz.id.slice(0, 8)}`);
        return {
          type: 'ltiResourceLink',
          title,
          url: `${toolOrigin}/quizzes/${quiz.id}`,
          custom: { ...custom, quiz: quiz.id },
          lineItem: { scoreMaximum: SCORE_MAXIMUM, label: title, resourceId: `quiz:${quiz.id}`, tag: 'quiz' },
        };
      }
    }
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function closed(reason: 'expired' | 'used'): ApiError {
  return new ApiError(
    ApiErrorCode.LtiSelectionClosed,
    reason === 'used' ? 'This content selection has been answered already: start a new one from the course.' : 'This content selection has expired: start a new one from the course.',
    { selection: reason },
  );
}
