import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { pickLanguage, type Language } from '@tcplab/tcp-core';

/** What a handler needs from the request's headers, read in one place. */
export interface RequestContext {
  lang: Language;
  ifMatch: string | null;
  idempotencyKey: string | null;
  /** SHA-256 over method, path and body: a retried request has the same one. */
  fingerprint: string;
}

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

export function readRequestContext(request: FastifyRequest): RequestContext {
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0]}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
  return {
    lang: pickLanguage(header(request, 'accept-language')),
    ifMatch: header(request, 'if-match'),
    idempotencyKey: header(request, 'idempotency-key'),
    fingerprint,
  };
}

export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext =>
  readRequestContext(context.switchToHttp().getRequest<FastifyRequest>()),
);
