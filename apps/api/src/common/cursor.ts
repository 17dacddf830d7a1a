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
