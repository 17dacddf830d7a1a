import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Makes Fastify's close wait for the requests still in progress — those whose client has already hung up
 * included: their handler still runs, and still answers, into the void. The HTTP server waits only for its
 * connections, so without this it could close while such a handler still waited for the database, and Nest's
 * shutdown hooks would then close the pool under it (the handler failing, and logging an error, for nobody).
 * A request counts from its arrival to its answer (onSend), and the wait lasts at most `limitMs`.
 */
export function waitForRequestsInProgressOnClose(fastify: FastifyInstance, limitMs = 10_000): void {
  const inProgress = new WeakSet<FastifyRequest>();
  let count = 0;
  let drained: (() => void) | null = null;
  fastify.addHook('onRequest', (request, _reply, next) => {
    inProgress.add(request);
    count += 1;
    next();
  });
  fastify.addHook('onSend', (request, _reply, payload, next) => {
    if (inProgress.delete(request)) {
      count -= 1;
      if (count === 0) drained?.();
    }
    next(null, payload);
  });
  // onClose runs as the server closes, before Nest's shutdown hooks (which close the pool).
  fastify.addHook('onClose', async () => {
    if (count === 0) return;
    await new Promise<void>((resolve) => {
      drained = resolve;
      setTimeout(resolve, limitMs).unref();
    });
  });
}
