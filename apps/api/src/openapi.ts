import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { openApiDocument } from './app.factory';
import { AppModule } from './app.module';

/**
 * `npm run openapi`: writes openapi.json from the compiled app (so the Swagger
 * CLI plugin's descriptions are in it). Preview mode builds no provider, so no
 * database is needed. A test checks that the committed file is current.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { preview: true, logger: false });
  writeFileSync('openapi.json', JSON.stringify(openApiDocument(app), null, 2) + '\n');
  await app.close();
}

void main();
