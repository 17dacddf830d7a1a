import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../src/app.factory';

export interface Tenant {
  id: string;
  key: string;
  /** A client sending this tenant's key. */
  http: () => request.Agent;
}

export interface TestApp {
  app: NestFastifyApplication;
  /** A client of a tenant made for this app (most tests need no other). */
  http: () => request.Agent;
  tenant: Tenant;
  /** A client sending the admin key (ADMIN_API_KEY, set by global-setup.ts). */
  admin: () => request.Agent;
  /** A client with no key at all. */
  anonymous: () => request.Agent;
  /** Another tenant, with its own key, made through the admin API. */
  newTenant: (name?: string) => Promise<Tenant>;
}

/** The real application on the run's real PostgreSQL database (see global-setup.ts), with a tenant of its own. */
export async function startApp(): Promise<TestApp> {
  const app = await createApp({ logger: false });
  const server = app.getHttpServer();
  const withKey = (key: string) => () => request.agent(server).set('Authorization', `Bearer ${key}`);
  const admin = withKey(process.env['ADMIN_API_KEY']!);
  const newTenant = async (name = 'test tenant'): Promise<Tenant> => {
    const tenant = await admin().post('/v1/admin/tenants').send({ name });
    if (tenant.status !== 201) throw new Error(`creating a tenant: ${tenant.status} ${JSON.stringify(tenant.body)}`);
    const key = await admin().post(`/v1/admin/tenants/${tenant.body.id}/keys`).send({ name: 'tests' });
    if (key.status !== 201) throw new Error(`creating a key: ${key.status} ${JSON.stringify(key.body)}`);
    return { id: tenant.body.id, key: key.body.key, http: withKey(key.body.key) };
  };
  const tenant = await newTenant();
  return { app, http: tenant.http, tenant, admin, anonymous: () => request.agent(server), newTenant };
}

/** The seed capture's sockets and ISNs (../shared/fixtures): 192.168.1.63:53198 → 192.168.1.64:22. */
export const SEED_ENDPOINTS = {
  client: { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200 },
  server: { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960 },
};
