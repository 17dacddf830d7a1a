import { createConnection, type ConnectionOptions } from '@tcplab/tcp-core';
import { randomUUID } from 'node:crypto';
import { generateLinkToken, hashLinkToken } from '../auth/link-verifier';
import type { SessionsRepository } from '../sessions/sessions.repository';
import type { TenantsRepository } from '../tenants/tenants.repository';
import { LINK_ALLOWANCES } from './dto/link.dto';
import type { LinksRepository } from './links.repository';

/** The seed capture's two hosts (README), in manual mode: the newcomer plays both TCPs of a real connection. */
const DEMO_SESSION: ConnectionOptions = {
  mode: 'manual',
  client: { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200 },
  server: { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960 },
};

/**
 * A demo tenant with one manual session and a share link to it, made on the first start of a fresh database: the
 * URL is returned to be printed once (only the token's hash is stored), so that a newcomer's first `npm start`
 * ends with one link to click.
 */
export async function makeDemo(repositories: { tenants: TenantsRepository; sessions: SessionsRepository; links: LinksRepository }, baseUrl: string): Promise<string> {
  const { tenants, sessions, links } = repositories;
  const tenant = await tenants.insertTenant(randomUUID(), 'tcplab demo');
  const snapshot = createConnection(DEMO_SESSION);
  const session = await sessions.insertSession({ id: randomUUID(), tenant_id: tenant.id, mode: snapshot.config.mode, options: DEMO_SESSION, snapshot, scenario_id: null });
  const token = generateLinkToken();
  await links.insert({
    tenant_id: tenant.id,
    id: randomUUID(),
    token_hash: hashLinkToken(token),
    target: 'session',
    target_id: session.id,
    learner_id: null,
    allow: [...LINK_ALLOWANCES],
    expires_at: null,
  });
  return `${baseUrl}/l/${token}`;
}
