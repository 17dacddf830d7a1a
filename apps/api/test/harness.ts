import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../src/app.factory';

/** The real application on the run's real PostgreSQL database (see global-setup.mjs). */
export async function startApp(): Promise<{ app: NestFastifyApplication; http: () => request.Agent }> {
  const app = await createApp({ logger: false });
  const server = app.getHttpServer();
  return { app, http: () => request.agent(server) };
}

/** The seed capture's sockets and ISNs (../shared/fixtures): 192.168.1.63:53198 → 192.168.1.64:22. */
export const SEED_ENDPOINTS = {
  client: { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200 },
  server: { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960 },
};
