// The fault tests run the service as `npm start` does — the built dist/ — in processes they can kill:
// build it once, then share the run's database (see ../test/global-setup.ts).
import { execFileSync } from 'node:child_process';
import apiGlobalSetup from '../test/global-setup';

export default async function globalSetup(): Promise<void> {
  execFileSync('npx', ['nest', 'build', 'api'], { stdio: 'inherit' });
  await apiGlobalSetup();
}
