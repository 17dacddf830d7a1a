import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type request from 'supertest';
import { startApp } from './harness';

describe('GET /openapi.json', () => {
  let app: NestFastifyApplication;
  let http: () => request.Agent;

  beforeAll(async () => {
    ({ app, http } = await startApp());
  });
  afterAll(() => app.close());

  it('serves exactly the committed openapi.json (run `npm run openapi` after changing the API)', async () => {
    const served = await http().get('/openapi.json').expect(200);
    const committed = JSON.parse(readFileSync(join(__dirname, '../../../openapi.json'), 'utf8'));
    expect(served.body).toEqual(committed);
  });
});
