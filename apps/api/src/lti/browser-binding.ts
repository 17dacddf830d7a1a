import { createHash, randomBytes } from 'node:crypto';

/**
 * The cookie that binds a launch to the browser that started its login (Security Framework §5.1.1.1: the state is
 * tied to the user agent). One per login, named after its state, so that two launches in two tabs do not overwrite
 * each other. SameSite=None because the launch is a cross-site form post from the platform, and so Secure, without
 * which browsers drop a SameSite=None cookie: the tool must be served over HTTPS (behind a proxy: PUBLIC_URL or
 * TRUST_PROXY), or from localhost, which browsers count as secure. Over plain HTTP elsewhere a Secure cookie would be
 * dropped; it is then SameSite=Lax, which a browser keeps and sends only when the LMS is on the same site.
 * A browser that blocks third-party cookies (tcplab framed in the LMS) keeps none: the launch then goes through the
 * platform's storage (platform-storage.ts) or a new window (GET /lti/relaunch).
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

/** The cookie's cross-site attributes for a tool at this origin (its scheme as the browser sees it). */
function crossSite(toolOrigin: string): string {
  const { protocol, hostname } = new URL(toolOrigin);
  const secureContext = protocol === 'https:' || hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '127.0.0.1' || hostname === '[::1]';
  return secureContext ? 'Secure; SameSite=None' : 'SameSite=Lax';
}

export function setBindingCookie(state: string, secret: string, toolOrigin: string): string {
  return `${PREFIX}${state}=${secret}; Path=${PATH}; Max-Age=${LOGIN_TTL_S}; HttpOnly; ${crossSite(toolOrigin)}`;
}

export function clearBindingCookie(state: string, toolOrigin: string): string {
  return `${PREFIX}${state}=; Path=${PATH}; Max-Age=0; HttpOnly; ${crossSite(toolOrigin)}`;
}

/** The secret this browser holds for a login, from its Cookie header (RFC 6265 §5.4's form: `name=value; …`). */
export function bindingSecret(cookieHeader: string | undefined, state: string): string | null {
  for (const pair of (cookieHeader ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === `${PREFIX}${state}`) return pair.slice(at + 1).trim();
  }
  return null;
}
