import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCompress from '@fastify/compress';
import helmet from 'helmet';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import { ApiError, ApiErrorCode } from './common/api-error';
import { ProblemFilter, sendProblem } from './common/problem.filter';
import { PUBLIC_OPERATION } from './common/public-operation';
import { waitForRequestsInProgressOnClose } from './common/requests-in-progress';
import { RouteTable } from './common/route-table';
import { validationPipe } from './common/validation';
import { configuration } from './config/configuration';
import { publicDir } from './pages/page-shell';
import { jsonDepth, MAX_JSON_DEPTH } from './common/json-depth';
import { registerLtiForms } from './lti/form-body';

export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tcplab')
    .setDescription(
      'Teach TCP by simulating it: open simulated connections, send segments with flags and seq/ack numbers, drop or delay them, ' +
        'advance a simulated clock, and get back the states of both endpoints, the segments on the wire and the RFC 9293 rule that applied. ' +
        'Errors are RFC 9457 problem+json.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    // Relative: a client, and Swagger UI's "Try it out", use the host that served the document.
    .addServer('/')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'tcpl_… or tlnk_… (opaque)',
        description: "A tenant's API key (sessions, captures), the admin key (/v1/admin), or a share link's token (tlnk_…) on the routes its target reaches.",
      },
      'api_key',
    )
    .build();
  return withAuthAnswers(SwaggerModule.createDocument(app, config));
}

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } };
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: 'Requests this key may make per window.', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in this window.', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window ends.', schema: { type: 'integer' } },
  'RateLimit-Policy': { description: 'The limit and the window, e.g. `1200;w=60`.', schema: { type: 'string' } },
};

/**
 * Every /v1 operation needs the api_key scheme and can answer 401, 403 and 429: said once here rather than on
 * every route. /health and the /v1 operations marked PUBLIC_OPERATION stay public, and say so (an empty
 * `security`), so that no client guesses; the public /v1 ones can still answer 429.
 */
function withAuthAnswers(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      if (!path.startsWith('/v1/')) {
        operation.security = [];
        continue;
      }
      const extensions = operation as unknown as Record<string, unknown>;
      if (extensions[PUBLIC_OPERATION]) {
        delete extensions[PUBLIC_OPERATION];
        operation.security = [];
        operation.responses['429'] ??= { description: 'Too many requests from this address: Retry-After says when to come back.', content: PROBLEM };
        continue;
      }
      operation.security = [{ api_key: [] }];
      operation.responses['401'] ??= { description: 'No API key, or one that is not valid or revoked (WWW-Authenticate: Bearer).', content: PROBLEM };
      operation.responses['403'] ??= { description: "The key's role does not fit the route (the admin key on sessions, a tenant key on /v1/admin).", content: PROBLEM };
      operation.responses['429'] ??= {
        description: 'Too many requests for this key: Retry-After says when to come back.',
        headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } }, ...RATE_LIMIT_HEADERS },
        content: PROBLEM,
      };
    }
  }
  return document;
}

/**
 * `curl --data-binary @file.pcap -H 'content-type: application/vnd.tcpdump.pcap'` (or octet-stream, or
 * text/plain for tcpdump's text) on POST /v1/captures: the body becomes the JSON form the route validates,
 * `{pcap: base64}` or `{text}`. On every other route these media types stay a 415.
 */
function registerCaptureUploads(fastify: FastifyInstance): void {
  const onCaptures = (url: string): boolean => url.split('?')[0]!.replace(/\/$/, '') === '/v1/captures';
  const unsupported = (): Error => Object.assign(new Error('Send the body as application/json.'), { statusCode: 415, name: 'FastifyError' });
  fastify.addContentTypeParser(['application/vnd.tcpdump.pcap', 'application/octet-stream'], { parseAs: 'buffer' }, (request, body, done) => {
    if (!onCaptures(request.url)) return done(unsupported(), undefined);
    done(null, { pcap: (body as Buffer).toString('base64') });
  });
  fastify.addContentTypeParser('text/plain', { parseAs: 'string' }, (request, body, done) => {
    if (!onCaptures(request.url)) return done(unsupported(), undefined);
    done(null, { text: body as string });
  });
}

/**
 * Graceful shutdown: once the server is closing, every answer — those of the requests still in progress
 * included — says `Connection: close`, so that keep-alive connections end with their last answer and the
 * process can exit; connections idle at that moment are closed by Fastify itself.
 */
function closeConnectionsWhenClosing(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
}

/**
 * One JSON line per answered request: its id, method, URL, status and time — never a header or a body (the
 * API key is in a header, a session's data in the body). Errors (5xx) at level error, the rest at info.
 */
function logRequests(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    // The logger's serializers (app.module.ts) keep only these fields; `res` is the answer itself, as they expect.
    // A share link's token is a credential: its URL is logged without it.
    const url = request.url.replace(/^\/l\/[^/?#]+/, '/l/…');
    const line = { req: { id: request.id, method: request.method, url }, res: reply.raw, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
    if (reply.statusCode >= 500) PinoLogger.root.error(line, 'request errored');
    else PinoLogger.root.info(line, 'request completed');
    done();
  });
}

/** Fastify's own JSON parser (with its prototype-poisoning checks), behind a nesting limit. */
function limitJsonDepth(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepth(body as string) > MAX_JSON_DEPTH) {
      return done(Object.assign(new Error(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`), { statusCode: 400 }), undefined);
    }
    parse(request, body as string, done);
  });
}

/** TRUST_PROXY as Fastify takes it: a number of hops is a function of the hop (the adapter's types lack the number). */
function trustedProxies(setting: boolean | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/** The application as `npm start` and the tests run it: Fastify, /v1 routes, problem+json errors, docs at /docs. */
export async function createApp(options: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const routes = new RouteTable();
  const adapter = new FastifyAdapter({
    bodyLimit: configuration().bodyLimit,
    // Behind a reverse proxy (TRUST_PROXY): its X-Forwarded-Proto and -Host make request.protocol and request.host,
    // so that an LTI login names the https address the LMS knows and its cookie is Secure.
    trustProxy: trustedProxies(configuration().trustProxy),
    // A request's id: the caller's X-Request-Id, else a new UUID; it is in the request's log line.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Errors the router meets before any route runs (a path segment over 100 characters, a malformed URL)
    // are problem+json too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      sendProblem(reply, request.url, new ApiError(tooLong ? ApiErrorCode.UriTooLong : ApiErrorCode.ValidationFailed, tooLong ? 'A path segment is longer than 100 characters.' : 'The URL is malformed.'));
    },
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  // JSON only: any other body is a 415. Fastify's own JSON parser stays; its text/plain one goes,
  // and Nest's extra parsers (urlencoded) are never registered (bodyParser: false below) —
  // except that POST /v1/captures also takes a capture file or tcpdump text as it is, and the LTI login and launch
  // take the form posts LMSs send.
  fastify.removeContentTypeParser(['text/plain']);
  registerCaptureUploads(fastify);
  registerLtiForms(fastify);
  limitJsonDepth(fastify);
  closeConnectionsWhenClosing(fastify);
  waitForRequestsInProgressOnClose(fastify);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    bodyParser: false,
    bufferLogs: true,
    logger: options.logger === false ? false : undefined,
  });
  // Answers compressed for clients that ask (browsers do): a scenario's run with its diagrams is ~10× smaller in gzip.
  await app.register(fastifyCompress, { encodings: ['br', 'gzip'], threshold: 1024 });
  if (options.logger !== false) {
    app.useLogger(app.get(Logger));
    logRequests(fastify);
  }
  // Security headers from helmet, its middleware built once: @fastify/helmet would build it again for every request.
  const securityHeaders = helmet({
    // Swagger UI at /docs loads its own scripts and styles, and a few inline styles and data: images. No
    // upgrade-insecure-requests: `npm start` serves plain http on localhost, and /docs must work there.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Nothing is framed, not even by tcplab itself; the pages an LTI launch opens name their platform (LaunchFrames).
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    xFrameOptions: { action: 'deny' },
  });
  fastify.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));
  const { corsOrigins } = configuration();
  if (corsOrigins.length > 0) {
    app.enableCors({
      origin: corsOrigins,
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept-Language', 'If-Match', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: ['ETag', 'Location', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy'],
      maxAge: 600,
    });
  }
  // Nest routes Fastify's own errors (body parsing, content type) through the global filters too.
  app.useGlobalFilters(new ProblemFilter(routes));
  app.useGlobalPipes(validationPipe());
  // The playground's scripts, styles and icons; its pages are routes of PagesModule.
  app.useStaticAssets({ root: publicDir(), prefix: '/assets/', maxAge: 60_000 });
  const document = openApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
