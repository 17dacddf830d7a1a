import { NotFoundException, ServiceUnavailableException, type ArgumentsHost } from '@nestjs/common';
import { ApiError, ApiErrorCode } from './api-error';
import { ProblemFilter, problemShape } from './problem.filter';
import { RouteTable } from './route-table';

/** Runs the filter on `exception` for `method url` and returns what it sent. */
function answer(exception: unknown, method = 'GET', url = '/v1/sessions/x'): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const routes = new RouteTable();
  routes.add(['GET', 'DELETE'], '/v1/sessions/:id');
  const sent = { status: 0, headers: {} as Record<string, string>, body: {} as Record<string, unknown> };
  const reply = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    headers(h: Record<string, string>) {
      sent.headers = h;
      return this;
    },
    send(body: Record<string, unknown>) {
      sent.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ method, url }), getResponse: () => reply }) } as unknown as ArgumentsHost;
  new ProblemFilter(routes).catch(exception, host);
  return sent;
}

describe('ProblemFilter', () => {
  it('maps every error code to a 4xx or 5xx status and a title', () => {
    for (const code of Object.values(ApiErrorCode)) {
      const { status, title } = problemShape(code);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(title.length).toBeGreaterThan(5);
    }
  });

  it('sends a domain error as problem+json with its extensions and headers', () => {
    const sent = answer(new ApiError(ApiErrorCode.SegmentInvalid, 'ack must be 481914175', { violations: [] }, { etag: '"3"' }), 'POST', '/v1/sessions/x/send');
    expect(sent.status).toBe(422);
    expect(sent.headers).toEqual({ etag: '"3"', 'content-type': 'application/problem+json' });
    expect(sent.body).toEqual({
      type: 'https://tcplab.dev/problems/segment-invalid',
      title: 'A conforming TCP would not send this segment now',
      status: 422,
      detail: 'ack must be 481914175',
      instance: '/v1/sessions/x/send',
      code: 'SEGMENT_INVALID',
      violations: [],
    });
  });

  it('answers a known path with another method by 405 and Allow', () => {
    const sent = answer(new NotFoundException(), 'PATCH');
    expect(sent.status).toBe(405);
    expect(sent.headers['allow']).toBe('DELETE, GET');
  });

  it('answers a failed health check (Terminus 503) with 503 problem+json and Retry-After, not 500', () => {
    const sent = answer(new ServiceUnavailableException({ status: 'error', error: { database: { status: 'down' } } }), 'GET', '/health');
    expect(sent.status).toBe(503);
    expect(sent.headers['retry-after']).toBe('5');
    expect(sent.body['code']).toBe('DATABASE_UNAVAILABLE');
  });

  it('answers a lost database connection with 503, not 500', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(answer(error).status).toBe(503);
  });

  it.each(['Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable', 'timeout exceeded when trying to connect'])(
    'answers node-postgres "%s" (a connection dropped under a query, no code) with 503 and Retry-After',
    (message) => {
      const sent = answer(new Error(message));
      expect({ status: sent.status, code: sent.body['code'], retryAfter: sent.headers['retry-after'] }).toEqual({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '5' });
    },
  );

  it('answers a client error Fastify raises with its own status code as a 4xx problem, never 500', () => {
    const sent = answer(Object.assign(new Error('The JSON body nests deeper than 32 levels.'), { statusCode: 400 }), 'POST');
    expect({ status: sent.status, code: sent.body['code'] }).toEqual({ status: 400, code: 'MALFORMED_JSON' });
    expect(answer(Object.assign(new Error('Request header fields too large'), { statusCode: 431 })).status).toBe(400);
  });

  it("answers a foreign-key failure on tenant_id (a tenant deleted while another process still trusted its key) with 401", () => {
    const error = Object.assign(new Error('insert or update on table "sessions" violates foreign key constraint'), { code: '23503', constraint: 'sessions_tenant_id_fkey' });
    const sent = answer(error, 'POST');
    expect({ status: sent.status, code: sent.body['code'] }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('answers an unknown error with a bare 500 that leaks nothing', () => {
    const sent = answer(new Error('SELECT secret FROM somewhere failed at line 3'));
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toMatch(/SELECT|secret|line 3/);
  });
});
