import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';

/**
 * Counts the route handlers still running, those of requests whose client has already gone included. The HTTP
 * server counts connections, so on shutdown it can be closed while such a handler still waits for the database;
 * the database pool must not close under it (the handler would fail, and log an error, for nobody).
 */
export class HandlersInFlight implements NestInterceptor {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.running += 1;
    return next.handle().pipe(
      finalize(() => {
        this.running -= 1;
        if (this.running === 0) for (const resolve of this.waiting.splice(0)) resolve();
      }),
    );
  }

  /** Resolves once no handler runs. */
  drained(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}
