import type { FastifyReply } from 'fastify';
import { ApiError, ApiErrorCode } from '../common/api-error';
import type { RequestContext } from '../common/request-context';
import type { SessionsRepository, Transaction } from './sessions.repository';

/** A response as the client gets it, and as it is stored for an idempotent retry. */
export interface Reply<T> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/** Sets the reply's status and headers, and gives back the body for Nest to send. */
export function sendReply<T>(reply: FastifyReply, result: Reply<T>): T {
  void reply.status(result.status).headers(result.headers);
  return result.body;
}

/**
 * Runs `work` in one transaction. With an Idempotency-Key, a retry with the
 * same request gets the stored reply and changes nothing; the same key with
 * another request is refused.
 */
export function idempotently<T>(sessions: SessionsRepository, ctx: RequestContext, work: (tx: Transaction) => Promise<Reply<T>>): Promise<Reply<T>> {
  return sessions.transaction(async (tx) => {
    const idempotency = ctx.idempotency;
    if (idempotency !== null) {
      const stored = await tx.lockIdempotencyKey(ctx.tenantId, idempotency.key);
      if (stored) {
        if (stored.fingerprint !== idempotency.fingerprint) {
          throw new ApiError(ApiErrorCode.IdempotencyKeyReused, 'This Idempotency-Key was already used with a different request; use a new key.');
        }
        return { status: stored.status, headers: stored.headers, body: stored.body as T };
      }
    }
    const reply = await work(tx);
    if (idempotency !== null) await tx.storeIdempotentResponse(ctx.tenantId, idempotency.key, { fingerprint: idempotency.fingerprint, ...reply });
    return reply;
  });
}
