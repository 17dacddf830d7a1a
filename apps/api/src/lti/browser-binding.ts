import { createHash, randomBytes } from 'node:crypto';

/**
 * The cookie that binds a launch to the browser that started its login (Security Framework §5.1.1.1: the state is
 * tied to the user agent). One per login, named after its state, so that two launches in two tabs do not overwrite
 * each other. SameSite=None because the launch is a cross-site form post from the platform. A browser that blocks
 * third-party cookies (tcplab framed in the LMS) will not send it: issue 13 item 7 (the LTI platform storage
 * messages, or a new window) is later work; such a launch is refused at `state` and says why.
 */
const PREFIX = 'tcplab-lti-';
const PATH = '/lti/';
export const LOGIN_TTL_S = 600;

export function newBrowserSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashBrowserSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function setBindingCookie(state: string, secret: string): string {
  return `${PREFIX}${state}=${secret}; Path=${PATH}; Max-Age=${LOGIN_TTL_S}; HttpOnly; Secure; SameSite=None`;
}

export function clearBindingCookie(state: string): string {
  return `${PREFIX}${state}=; Path=${PATH}; Max-Age=0; HttpOnly; Secure; SameSite=None`;
}

/** The secret this browser holds for a login, from its Cookie header (RFC 6265 §5.4's form: `name=value; …`). */
export function bindingSecret(cookieHeader: string | undefined, state: string): string | null {
  for (const pair of (cookieHeader ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === `${PREFIX}${state}`) return pair.slice(at + 1).trim();
  }
  return null;
}
