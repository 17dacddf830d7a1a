import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { ApiError, ApiErrorCode } from './api-error';
import { RouteTable } from './route-table';

interface ProblemShape {
  status: number;
  title: string;
}

function assertUnreachable(code: never): never {
  throw new Error(`unmapped error code ${String(code)}`);
}

/** The one place where an error code becomes an HTTP status and a title. */
export function problemShape(code: ApiErrorCode): ProblemShape {
  switch (code) {
    case ApiErrorCode.ValidationFailed:
      return { status: 400, title: 'The request is not valid' };
    case ApiErrorCode.MalformedJson:
      return { status: 400, title: 'The body is not valid JSON' };
    case ApiErrorCode.Unauthenticated:
      return { status: 401, title: 'A valid API key is needed' };
    case ApiErrorCode.Forbidden:
      return { status: 403, title: 'This key may not use this route' };
    case ApiErrorCode.RateLimited:
      return { status: 429, title: 'Too many requests' };
    case ApiErrorCode.TenantNotFound:
      return { status: 404, title: 'No such tenant' };
    case ApiErrorCode.ApiKeyNotFound:
      return { status: 404, title: 'No such API key' };
    case ApiErrorCode.SessionNotFound:
      return { status: 404, title: 'No such session' };
    case ApiErrorCode.ScenarioNotFound:
      return { status: 404, title: 'No such scenario' };
    case ApiErrorCode.QuizNotFound:
      return { status: 404, title: 'No such quiz' };
    case ApiErrorCode.ExerciseNotFound:
      return { status: 404, title: 'No such exercise' };
    case ApiErrorCode.LinkNotFound:
      return { status: 404, title: 'No such link' };
    case ApiErrorCode.LtiPlatformNotFound:
      return { status: 404, title: 'No such LTI platform' };
    case ApiErrorCode.LtiPlatformExists:
      return { status: 409, title: 'This platform is already registered' };
    case ApiErrorCode.LtiSelectionClosed:
      return { status: 410, title: 'This content selection is closed' };
    case ApiErrorCode.LtiRegistrationNotFound:
      return { status: 404, title: 'No such registration URL' };
    case ApiErrorCode.RouteNotFound:
      return { status: 404, title: 'No such resource' };
    case ApiErrorCode.MethodNotAllowed:
      return { status: 405, title: 'Method not allowed' };
    case ApiErrorCode.HistoryFull:
      return { status: 409, title: 'The session history is full' };
    case ApiErrorCode.SegmentNotInFlight:
      return { status: 409, title: 'The segment is not in flight' };
    case ApiErrorCode.NotAScenarioSession:
      return { status: 409, title: 'The session was not created from a scenario' };
    case ApiErrorCode.ScenarioFinished:
      return { status: 409, title: 'The scenario has no more steps' };
    case ApiErrorCode.VersionMismatch:
      return { status: 412, title: 'The session has changed' };
    case ApiErrorCode.UriTooLong:
      return { status: 414, title: 'The URL is too long' };
    case ApiErrorCode.PayloadTooLarge:
      return { status: 413, title: 'The body is too large' };
    case ApiErrorCode.UnsupportedMediaType:
      return { status: 415, title: 'Unsupported media type' };
    case ApiErrorCode.CallRefused:
      return { status: 422, title: 'The TCP refuses this call in its state' };
    case ApiErrorCode.SegmentInvalid:
      return { status: 422, title: 'A conforming TCP would not send this segment now' };
    case ApiErrorCode.TraceNotEncodable:
      return { status: 422, title: 'The session cannot be written in this format' };
    case ApiErrorCode.CaptureUnreadable:
      return { status: 422, title: 'The capture holds no TCP segment' };
    case ApiErrorCode.IdempotencyKeyReused:
      return { status: 422, title: 'The Idempotency-Key was used for another request' };
    case ApiErrorCode.DatabaseUnavailable:
      return { status: 503, title: 'The database is unavailable' };
    case ApiErrorCode.Internal:
      return { status: 500, title: 'Internal error' };
    default:
      return assertUnreachable(code);
  }
}

/** The status of an error that names a client error of its own (Fastify's errors do), or null. */
function clientErrorStatus(exception: unknown): number | null {
  const status = exception && typeof exception === 'object' ? (exception as { statusCode?: unknown }).statusCode : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

const DATABASE_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006']);
/** What node-postgres says, without a code, when a connection dies under a query or cannot be made in time. */
const CONNECTION_LOST = /Connection terminated|not queryable|timeout exceeded when trying to connect|Client was closed/;

function isDatabaseDown(exception: object & { message: unknown }): boolean {
  const code = (exception as { code?: string }).code ?? (exception as { driverError?: { code?: string } }).driverError?.code;
  if (code && DATABASE_DOWN.has(code)) return true;
  if (exception instanceof QueryFailedError && code?.startsWith('57')) return true;
  return !code && typeof exception.message === 'string' && CONNECTION_LOST.test(exception.message);
}

/** The error as an RFC 9457 problem document, with its headers. */
export function sendProblem(reply: FastifyReply, url: string, error: ApiError): void {
  const { status, title } = problemShape(error.code);
  const body = {
    type: `https://tcplab.dev/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    detail: error.detail,
    instance: url,
    code: error.code,
    ...error.extensions,
  };
  void reply.status(status).headers({ ...error.headers, 'content-type': 'application/problem+json' }).send(body);
}

/**
 * Every error leaves the service as RFC 9457 problem+json: no stack trace,
 * no SQL, ever. Unknown errors are logged and answered with a bare 500.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  constructor(private readonly routes: RouteTable) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    sendProblem(http.getResponse<FastifyReply>(), request.url, this.toApiError(exception, request));
  }

  private toApiError(exception: unknown, request: FastifyRequest): ApiError {
    if (exception instanceof ApiError) return exception;
    // Nest's HttpExceptions, and Fastify's own errors (body parsing, content type), which carry a statusCode.
    const status = exception instanceof HttpException ? exception.getStatus() : clientErrorStatus(exception);
    if (status !== null) {
      const message = exception instanceof Error ? exception.message : String(exception);
      if (status === 404) {
        const allowed = this.routes.methodsFor(request.url.split('?')[0] ?? '/');
        if (allowed.length > 0) {
          return new ApiError(ApiErrorCode.MethodNotAllowed, `${request.method} is not allowed here; use ${allowed.join(', ')}.`, {}, { allow: allowed.join(', ') });
        }
        return new ApiError(ApiErrorCode.RouteNotFound, `There is nothing at ${request.method} ${request.url.split('?')[0]}.`);
      }
      if (status === 413) return new ApiError(ApiErrorCode.PayloadTooLarge, 'The request body is larger than 64 KiB.');
      if (status === 415) return new ApiError(ApiErrorCode.UnsupportedMediaType, 'Send the body as application/json.');
      if (status === 400) {
        const json = /JSON|Body cannot be empty/i.test(message);
        return new ApiError(json ? ApiErrorCode.MalformedJson : ApiErrorCode.ValidationFailed, message);
      }
      // Terminus answers a failed health check with 503 and the state of each indicator.
      if (status === 503) {
        const health = exception instanceof HttpException ? { health: exception.getResponse() } : {};
        return new ApiError(ApiErrorCode.DatabaseUnavailable, 'The database cannot be reached.', health, { 'retry-after': '5' });
      }
      // Any other client error Fastify finds in a request (a bad header, say) is still the client's, never a 500.
      if (status < 500) return new ApiError(ApiErrorCode.ValidationFailed, message);
    }
    if (exception && typeof exception === 'object' && 'message' in exception) {
      const code = (exception as { code?: string }).code ?? (exception as { driverError?: { code?: string } }).driverError?.code;
      const constraint = (exception as { constraint?: string }).constraint ?? (exception as { driverError?: { constraint?: string } }).driverError?.constraint;
      // The tenant was deleted after another process last checked its key (API_KEY_CACHE_TTL_MS): the key is gone.
      if (code === '23503' && constraint?.includes('tenant_id')) {
        return new ApiError(ApiErrorCode.Unauthenticated, 'The API key is not valid, or has been revoked.', {}, { 'www-authenticate': 'Bearer realm="tcplab", error="invalid_token"' });
      }
      // A date the calendar has not (February 31) in a cursor: the client's mistake.
      if (code === '22007' || code === '22008') return new ApiError(ApiErrorCode.ValidationFailed, 'A date in the request is not a real date.');
      if (isDatabaseDown(exception)) {
        return new ApiError(ApiErrorCode.DatabaseUnavailable, 'The database cannot be reached; try again shortly.', {}, { 'retry-after': '5' });
      }
    }
    this.logger.error({ req: { id: request.id, method: request.method, url: request.url } }, exception instanceof Error ? exception.stack : String(exception));
    return new ApiError(ApiErrorCode.Internal, 'Something went wrong on our side.');
  }
}
