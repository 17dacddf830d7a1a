import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { pickLanguage, type Language } from '@tcplab/tcp-core';
import type { AuthenticatedRequest } from '../auth/principal';

/** What a tenant's handler needs from the request: who calls, and what its headers ask for, read in one place. */
export interface RequestContext {
  /** The tenant whose key authenticated the request: it sees and changes only its own sessions. */
  tenantId: string;
  /** Set when a share link's holder calls (never with a tenant key): what is made is tagged with the link and learner. */
  link: { id: string; learnerId: string | null; hints: boolean } | null;
  lang: Language;
  ifMatch: string | null;
  /** The Idempotency-Key, if any, and SHA-256 over method, path and body: a retried request has the same one. */
  idempotency: { key: string; fingerprint: string } | null;
}

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function fingerprintOf(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0]}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

export function readRequestContext(request: AuthenticatedRequest): RequestContext {
  const principal = request.principal;
  // ApiKeyGuard lets only tenant keys and links through to tenant routes; reaching here without one is a wiring bug.
  if (principal?.role !== 'tenant' && principal?.role !== 'link') throw new Error('RequestContext read on a route that is not for tenants');
  const key = header(request, 'idempotency-key');
  return {
    tenantId: principal.tenantId,
    link: principal.role === 'link' ? { id: principal.link.id, learnerId: principal.link.learner_id, hints: principal.link.allow.includes('hints') } : null,
    lang: pickLanguage(header(request, 'accept-language')),
    ifMatch: header(request, 'if-match'),
    // Without a key there is nothing to compare a fingerprint with: most requests skip the hash.
    idempotency: key === null ? null : { key, fingerprint: fingerprintOf(request) },
  };
}

export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext =>
  readRequestContext(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);

/** The language Accept-Language asks for (en or zh-CN), for routes that need nothing else. */
export const Lang = createParamDecorator((_: unknown, context: ExecutionContext): Language =>
  pickLanguage(header(context.switchToHttp().getRequest<FastifyRequest>(), 'accept-language')),
);
