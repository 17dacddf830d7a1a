/**
 * Payload octets travel as base64 strings, so that a connection stays plain
 * JSON. Written out here rather than with Node's Buffer so that the core runs
 * anywhere (a browser too) and stays free of Node APIs.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let n = 0;
  for (const char of clean) {
    buffer = (buffer << 6) | VALUE.get(char)!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[n++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes.subarray(0, n);
}

export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(chunk >> 18) & 63]! + ALPHABET[(chunk >> 12) & 63]!;
    out += i + 1 < bytes.length ? ALPHABET[(chunk >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? ALPHABET[chunk & 63]! : '=';
  }
  return out;
}

/** How many octets a base64 payload holds. */
export function payloadLength(payload: string): number {
  return decodeBase64(payload).length;
}

/** Octets `from`..`to` of a base64 payload, as base64. */
export function slicePayload(payload: string, from: number, to: number): string {
  return encodeBase64(decodeBase64(payload).subarray(from, to));
}

/** Several payloads one after the other, as one. */
export function concatPayloads(payloads: readonly string[]): string {
  const parts = payloads.map(decodeBase64);
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return encodeBase64(all);
}
