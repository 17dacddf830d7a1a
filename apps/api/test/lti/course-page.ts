import { randomUUID } from 'node:crypto';
import type { PlannedLaunch, PlatformEmulator } from './platform-emulator';

/**
 * The platform's course page, for launches in a real browser: a link that starts the launch inside an iframe (as
 * Moodle, Canvas and Brightspace show a tool), and — when the platform offers it — the platform's side of the 1EdTech
 * "LTI Client Side postMessages" storage: lti.capabilities, lti.put_data and lti.get_data answered for the tool's
 * frame only, its data kept per sending origin (so one tool never reads another's), each answer sent to that origin.
 */

/** How the platform's storage behaves: as the spec says, absent, or answering every read with an error. */
export type PlatformStorage = 'offered' | 'none' | 'forgetful';

const FRAME = 'tool-frame';

export class CoursePage {
  private readonly pages = new Map<string, string>();

  constructor(
    private readonly platform: PlatformEmulator,
    /** The tool's login initiation URL, registered with the platform. */
    private readonly toolLogin: string,
  ) {
    platform.mount((request, response, url) => {
      const page = request.method === 'GET' && url.pathname.startsWith('/course/') ? this.pages.get(url.pathname.slice('/course/'.length)) : undefined;
      if (page === undefined) return false;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
      return true;
    });
  }

  /** A course page whose "Launch" link starts this launch in the page's iframe; its URL. */
  plan(launch: Partial<PlannedLaunch> & { targetLinkUri: string }, storage: PlatformStorage = 'none'): string {
    const initiation = this.platform.initiateLogin({ ...launch, ...(storage !== 'none' ? { storageTarget: '_parent' } : {}) });
    const id = randomUUID();
    this.pages.set(id, coursePage(`${this.toolLogin}?${new URLSearchParams(initiation)}`, storage));
    return `${this.platform.issuer}/course/${id}`;
  }
}

function coursePage(launchUrl: string, storage: PlatformStorage): string {
  const escaped = launchUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Networks 101</title></head>
<body>
<h1>Networks 101</h1>
<p><a id="launch" href="${escaped}" target="${FRAME}">TCP: lose the final ACK</a></p>
<iframe name="${FRAME}" title="tcplab" width="1000" height="700"></iframe>
${storage === 'none' ? '' : `<script>${storageScript(storage === 'forgetful')}</script>`}
</body></html>`;
}

/** The platform's storage, as the spec's platform side: the page's own script (served by the platform). */
function storageScript(forgetful: boolean): string {
  return `
const kept = new Map();
window.addEventListener('message', (event) => {
  const tool = window.frames['${FRAME}'];
  const m = event.data;
  if (event.source !== tool || typeof m !== 'object' || m === null || typeof m.subject !== 'string') return;
  const reply = (fields) => event.source.postMessage({ subject: m.subject + '.response', message_id: m.message_id, ...fields }, event.origin);
  const mine = kept.get(event.origin) ?? new Map();
  kept.set(event.origin, mine);
  switch (m.subject) {
    case 'lti.capabilities':
      return reply({ supported_messages: [{ subject: 'lti.capabilities' }, { subject: 'lti.put_data' }, { subject: 'lti.get_data' }] });
    case 'lti.put_data':
      if (typeof m.key !== 'string') return reply({ error: { code: 'bad_request', message: 'key is missing' } });
      mine.set(m.key, m.value);
      return reply({ key: m.key, value: m.value });
    case 'lti.get_data':
      if (${forgetful} || !mine.has(m.key)) return reply({ key: m.key, error: { code: 'bad_request', message: 'There is no value stored for this key' } });
      return reply({ key: m.key, value: mine.get(m.key) });
    default:
      return reply({ error: { code: 'unsupported_subject', message: 'unknown subject ' + m.subject } });
  }
});`;
}
