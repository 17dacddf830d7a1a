import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ProblemFilter } from './common/problem.filter';
import { RouteTable } from './common/route-table';
import { validationPipe } from './common/validation';
import { configuration } from './config/configuration';

export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tcplab')
    .setDescription(
      'Teach TCP by simulating it: open simulated connections, send segments with flags and seq/ack numbers, drop or delay them, ' +
        'advance a simulated clock, and get back the states of both endpoints, the segments on the wire and the RFC 9293 rule that applied. ' +
        'Errors are RFC 9457 problem+json.',
    )
    .setVersion('1')
    .build();
  return SwaggerModule.createDocument(app, config);
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

/** The application as `npm start` and the tests run it: Fastify, /v1 routes, problem+json errors, docs at /docs. */
export async function createApp(options: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const routes = new RouteTable();
  const adapter = new FastifyAdapter({ bodyLimit: configuration().bodyLimit });
  const fastify = adapter.getInstance();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  // JSON only: any other body is a 415. Fastify's own JSON parser stays; its text/plain one goes,
  // and Nest's extra parsers (urlencoded) are never registered (bodyParser: false below) —
  // except that POST /v1/captures also takes a capture file or tcpdump text as it is.
  fastify.removeContentTypeParser(['text/plain']);
  registerCaptureUploads(fastify);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    bodyParser: false,
    bufferLogs: true,
    logger: options.logger === false ? false : undefined,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  // Nest routes Fastify's own errors (body parsing, content type) through the global filters too.
  app.useGlobalFilters(new ProblemFilter(routes));
  app.useGlobalPipes(validationPipe());
  const document = openApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
