// Jest globalSetup of the linux project: tags the network namespaces this run makes (kernel.ts names them
// tcplab-<tag>-<random>; workers inherit the variable), so that netns-teardown.js can delete any that a
// killed worker left behind — and only this run's.
module.exports = async () => {
  process.env.TCPLAB_NETNS_TAG = String(process.pid);
};
