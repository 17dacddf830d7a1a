import { Injectable } from '@nestjs/common';
import type { Language } from '@tcplab/tcp-core';
import { pageShell } from '../pages/page-shell';
import { newWindowLink } from './lti-error-page';
import { LaunchesRepository } from './launches.repository';
import { PlatformsRepository, type PlatformRow } from './platforms.repository';

/**
 * A launch in a browser that blocks third-party cookies, through the platform's own storage: 1EdTech "LTI Client
 * Side postMessages" (lti.put_data / lti.get_data sent to the platform's frame) and "OIDC Login with LTI Client Side
 * postMessages". When the login initiation carries `lti_storage_target`, the login answers with a page that stores
 * the state and the nonce in the platform's frame before going on to the platform (the cookie is still set, and
 * counts when the browser keeps it). When the launch comes back without the cookie, it answers with a page that
 * reads them back from the platform's frame and, if they are there, posts the launch again marked as checked.
 *
 * Why a forged launch cannot pass that way: the platform keeps each tool's data under the tool's origin and answers
 * only its own frames' messages, so only a login this browser started in the platform's frame is found; the read is
 * done by the tool's script from the tool's origin (the page can be framed by the platform only), and the marked post
 * counts only as a same-origin request (Sec-Fetch-Site: same-origin, which no other site's page can send).
 */

/** The form field the checked launch carries. */
export const STORAGE_VERIFIED = 'lti_storage_verified';

/** `_parent`, or the name of a frame of the platform's page (Canvas names one `post_message_forwarding`). */
export function storageTarget(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9_.-]{1,100}$/.test(value) ? value : null;
}

/** The spec's keys for what the tool stores (`state_<state>`, `nonce_<nonce>`), each holding its own value. */
function stored(login: { state: string; nonce: string }): string {
  return JSON.stringify([
    { key: `state_${login.state}`, value: login.state },
    { key: `nonce_${login.nonce}`, value: login.nonce },
  ]);
}

/** Messages go to, and answers are taken from, the origin of the platform's OIDC authorization endpoint only. */
export function storageOrigin(platform: PlatformRow): string {
  return new URL(platform.auth_url).origin;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const TEXT = {
  storing: { en: 'Connecting to your course…', 'zh-CN': '正在连接课程……' },
  checking: { en: 'Checking this launch with your course…', 'zh-CN': '正在与课程核对此次启动……' },
  refused: { en: 'This launch could not be checked', 'zh-CN': '无法核对此次启动' },
  refusedDetail: {
    en: 'Your course did not confirm that this browser started the launch, and the browser blocks the cookie that would. Open tcplab in a new window from the course, or allow cookies for this site.',
    'zh-CN': '课程未能确认此次启动来自这个浏览器，而浏览器又拦截了可以确认的 Cookie。请从课程中在新窗口打开 tcplab，或允许此网站的 Cookie。',
  },
} as const;

/** The login's page: stores the state and the nonce in the platform's frame, then goes on to the platform. */
export function storeInPlatformPage(options: { target: string; platform: PlatformRow; state: string; nonce: string; next: string; lang: Language }): string {
  return pageShell({
    page: 'lti-storage',
    // lti-storage.js imports nothing and moves on: preloading the shared modules would only have them aborted.
    preload: [],
    title: 'tcplab',
    lang: options.lang,
    meta: {
      'lti-storage-mode': 'put',
      'lti-storage-target': options.target,
      'lti-storage-origin': storageOrigin(options.platform),
      'lti-storage-data': stored(options),
      'lti-storage-next': options.next,
    },
    body: `<p role="status">${TEXT.storing[options.lang]}</p>`,
  });
}

/**
 * The launch's page when the cookie did not come back: reads the state and the nonce from the platform's frame and
 * posts the launch again, marked as checked; or says why it cannot, and how to go on (a new window).
 */
export function checkWithPlatformPage(options: { target: string; platform: PlatformRow; login: { state: string; nonce: string }; idToken: string; relaunch: string; lang: Language }): string {
  const field = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  return pageShell({
    page: 'lti-storage',
    // lti-storage.js imports nothing and moves on: preloading the shared modules would only have them aborted.
    preload: [],
    title: 'tcplab',
    lang: options.lang,
    meta: {
      'lti-storage-mode': 'get',
      'lti-storage-target': options.target,
      'lti-storage-origin': storageOrigin(options.platform),
      'lti-storage-data': stored(options.login),
    },
    body:
      `<p role="status" data-lti-storage="checking">${TEXT.checking[options.lang]}</p>` +
      `<form id="lti-launch" method="post" action="/lti/launch" hidden>` +
      field('id_token', options.idToken) +
      field('state', options.login.state) +
      field('lti_storage_target', options.target) +
      field(STORAGE_VERIFIED, '1') +
      `</form>` +
      `<section class="problem" role="alert" data-lti-check="state" hidden><h1>${TEXT.refused[options.lang]}</h1><p>${TEXT.refusedDetail[options.lang]}</p>${newWindowLink(options.relaunch, options.lang)}</section>`,
  });
}

/** The login a launch names and its platform, for the page that checks it: nothing is consumed or written. */
@Injectable()
export class LtiPlatformStorage {
  constructor(
    private readonly launches: LaunchesRepository,
    private readonly platforms: PlatformsRepository,
  ) {}

  async loginOf(state: string): Promise<{ login: { state: string; nonce: string }; platform: PlatformRow } | null> {
    const login = await this.launches.findLogin(state);
    if (!login || login.used_at !== null) return null;
    const platform = await this.platforms.byId(login.platform_id);
    return platform ? { login, platform } : null;
  }
}
