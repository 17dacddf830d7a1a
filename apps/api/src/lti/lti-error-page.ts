import type { Language } from '@tcplab/tcp-core';
import { pageShell } from '../pages/page-shell';
import type { LaunchRefused } from './launch-refused';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const HEADING: Record<Language, string> = { en: 'This LTI launch was refused', 'zh-CN': '此 LTI 启动被拒绝' };
const CHECK: Record<Language, string> = { en: 'Failed check', 'zh-CN': '未通过的检查' };
const NEW_WINDOW: Record<Language, string> = { en: 'Open in a new window', 'zh-CN': '在新窗口中打开' };
const ADVICE: Record<Language, string> = {
  en: 'Launch again from your course. If it keeps failing, show this page to whoever connected tcplab to your LMS.',
  'zh-CN': '请从课程中重新启动。如果仍然失败，请把此页面给将 tcplab 接入学习平台的管理员看。',
};

/**
 * A refused login or launch, drawn by the server: the check by its name (in `data-lti-check` too, for whoever
 * automates), and the reason. The reason is in English: it names claims and registration fields, which are English
 * in every LMS's settings.
 */
export function launchRefusedPage(refused: LaunchRefused, lang: Language, relaunch?: string): string {
  return pageShell({
    page: 'error',
    title: `tcplab — ${HEADING[lang]}`,
    lang,
    body:
      `<section class="problem" role="alert" data-lti-check="${escapeHtml(refused.check)}">` +
      `<h1>${HEADING[lang]}</h1>` +
      `<p>${CHECK[lang]}: <code>${escapeHtml(refused.check)}</code></p>` +
      `<p lang="en">${escapeHtml(refused.detail)}</p>` +
      (relaunch !== undefined ? newWindowLink(relaunch, lang) : '') +
      `<p>${ADVICE[lang]}</p></section>`,
  });
}

/**
 * The way on when the browser keeps no cookie in the platform's frame: the same login started again in a window of
 * its own (GET /lti/relaunch), where tcplab is the site the browser shows and its cookie is first-party.
 */
export function newWindowLink(relaunch: string, lang: Language): string {
  return `<p><a class="button" href="${escapeHtml(relaunch)}" target="_blank" data-lti-relaunch>${NEW_WINDOW[lang]}</a></p>`;
}
