// The fault and browser tests run the service as `npm start` does — the built dist/ — in processes of their own:
// build it once per run (both projects call this), then share the run's database (see ../test/global-setup.ts).
import { execFileSync } from 'node:child_process';
import apiGlobalSetup from '../test/global-setup';

declare global {
  /* eslint-disable no-var */
  var __TCPLAB_BUILT__: boolean | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (!globalThis.__TCPLAB_BUILT__) {
    execFileSync('npx', ['nest', 'build', 'api'], { stdio: 'inherit' });
    globalThis.__TCPLAB_BUILT__ = true;
  }
  await apiGlobalSetup();
}
