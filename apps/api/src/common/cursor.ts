import { ApiError, ApiErrorCode } from './api-error';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cursors are opaque to clients; the kind tag makes a cursor of one list useless for another. */
export type CursorKind = 'sessions' | 'events' | 'segments' | 'tenants';

export function encodeCursor(kind: CursorKind, text: string): string {
  return Buffer.from(`${kind}:${text}`, 'utf8').toString('base64url');
}

export function decodeCursor(kind: CursorKind, cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor) || !text.startsWith(`${kind}:`)) throw invalidCursor();
  return text.slice(kind.length + 1);
}

export function invalidCursor(): ApiError {
  return new ApiError(ApiErrorCode.ValidationFailed, 'The cursor is not one this API handed out.', { errors: [{ field: 'cursor', message: 'invalid cursor' }] });
}

/** How PostgreSQL writes a timestamptz as text (created_at::text), the only form a time cursor holds. */
const PG_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

/** A time PostgreSQL's text form can hold but the calendar cannot (month 13) would fail in SQL: refuse it first. */
function isRealTime(text: string): boolean {
  const iso = text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  return !Number.isNaN(new Date(iso).getTime());
}

/** A (created_at, id) cursor, as the lists of sessions and tenants hand them out. */
export function encodeTimeCursor(kind: CursorKind, createdAt: string, id: string): string {
  return encodeCursor(kind, `${createdAt}|${id}`);
}

export function decodeTimeCursor(kind: CursorKind, cursor: string | undefined): { created_at: string; id: string } | null {
  if (!cursor) return null;
  const [createdAt, id, ...rest] = decodeCursor(kind, cursor).split('|');
  if (!createdAt || !id || rest.length > 0 || !UUID.test(id) || !PG_TIMESTAMPTZ.test(createdAt) || !isRealTime(createdAt)) {
    throw invalidCursor();
  }
  return { created_at: createdAt, id };
}
