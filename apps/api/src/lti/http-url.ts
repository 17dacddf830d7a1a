/**
 * A URL a platform gave (a return URL, a service endpoint, an OpenID configuration, a next page), parsed — against
 * `base` when it may be relative — and kept only if it is http(s): tcplab calls it or sends a browser to it, and
 * `javascript:`, `data:` or `file:` must never get that far. Null when it is not such a URL.
 */
export function httpUrl(value: unknown, base?: string): URL | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}
