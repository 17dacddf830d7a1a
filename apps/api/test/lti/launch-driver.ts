import request from 'supertest';
import type { PlannedLaunch, PlatformEmulator } from './platform-emulator';

/**
 * A launch as a browser makes it, for supertest: the tool's login redirects to the platform, the platform answers with
 * the id_token form, the form is posted to the tool with the cookie the login set. Resolves to the tool's answer.
 */
export async function launchThrough(server: Parameters<typeof request.agent>[0], platform: PlatformEmulator, launch: Partial<PlannedLaunch> & { targetLinkUri: string }): Promise<request.Response> {
  const login = await request.agent(server).get('/lti/login').query(platform.initiateLogin(launch));
  if (login.status !== 302) throw new Error(`login: ${login.status} ${login.text}`);
  const cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
  const authorized = await fetch(login.headers['location']!);
  const html = await authorized.text();
  if (authorized.status !== 200) throw new Error(`authorization: ${authorized.status} ${html}`);
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
  return request.agent(server).post('/lti/launch').type('form').set('Cookie', cookie).send({ id_token: field('id_token'), state: field('state') });
}
