import type { FastifyInstance } from 'fastify';

/** The routes a platform reaches by an HTML form post (the login may be one; the launch always is). */
const FORM_ROUTES = new Set(['/lti/login', '/lti/launch']);

/**
 * application/x-www-form-urlencoded bodies, for the LTI routes only: LTI's login and launch are form posts from the
 * platform's page (OIDC's form_post response mode). Every other route keeps answering 415 to them. The first value of
 * a repeated field counts; a body is a handful of fields, well under the 64 KiB limit every body has.
 */
export function registerLtiForms(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    if (!FORM_ROUTES.has(request.url.split('?')[0]!)) {
      return done(Object.assign(new Error('Send the body as application/json.'), { statusCode: 415, name: 'FastifyError' }), undefined);
    }
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(body as string)) fields[name] ??= value;
    done(null, fields);
  });
}
