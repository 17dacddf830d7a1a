// The public /v1 API, as any client calls it. The browser never holds an API key: at most the token of a share
// link (kept in this tab's sessionStorage by /l/{token}), sent as the bearer on the routes the link reaches.
import { lang } from './i18n.js';
import { session } from './storage.js';

const LINK_KEY = 'tcplab.link';

export function linkToken() {
  return session?.getItem(LINK_KEY) ?? /^#(tlnk_[A-Za-z0-9_-]+)(?:&|$)/.exec(location.hash)?.[1] ?? null;
}

/**
 * Keeps a link's token for this tab; the page to open next, with the token in its fragment where this tab has no
 * sessionStorage (framed by an LMS with third-party storage blocked). `extra` is a fragment the link's own page came
 * with (an instructor's results page finds its "try it" token there), carried along after the token. A fragment
 * never reaches a server, and the pages send no Referer.
 */
export function rememberLink(token, next, extra = '') {
  const fragment = [];
  if (session === null) fragment.push(token);
  else session.setItem(LINK_KEY, token);
  if (extra) fragment.push(extra);
  return fragment.length > 0 ? `${next}#${fragment.join('&')}` : next;
}

/** An RFC 9457 problem document the API answered with. */
export class Problem extends Error {
  constructor(status, problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(path, { method = 'GET', body, accept = 'application/json' } = {}) {
  const headers = { accept, 'accept-language': lang() };
  const token = linkToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({ title: response.statusText }));
    throw new Problem(response.status, problem);
  }
  if (accept !== 'application/json') return response.blob();
  return response.status === 204 ? null : response.json();
}
