// Jest globalTeardown of the linux project: deletes this run's network namespaces that are still there (a
// worker killed before its own cleanup ran). Other runs' namespaces carry another tag and are left alone.
const { execFileSync } = require('node:child_process');

module.exports = async () => {
  const tag = process.env.TCPLAB_NETNS_TAG;
  let listing;
  try {
    listing = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return; // no ip, or not allowed: then no namespace was made either
  }
  for (const name of listing.split('\n').map((line) => line.split(' ')[0])) {
    if (tag && name.startsWith(`tcplab-${tag}-`)) execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  }
};
