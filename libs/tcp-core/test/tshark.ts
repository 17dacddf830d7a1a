import { execFileSync, spawnSync } from 'node:child_process';

/**
 * tshark (Wireshark's dissectors, Debian package `tshark`) is not on a fresh
 * developer machine; .ci/run installs it. Without it the tshark suites are
 * reported as skipped — their names say why — rather than silently passing.
 */
export const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
export const describeWithTshark = hasTshark ? describe : describe.skip;

export function tsharkTitle(title: string): string {
  return hasTshark ? title : `${title} — SKIPPED: \`tshark\` is not on PATH (install the Debian package tshark, as .ci/run does)`;
}

/**
 * Every preference the assertions depend on, explicit, so that a developer's
 * own Wireshark preferences cannot change the answer: checksums verified,
 * sequence analysis on, raw sequence numbers.
 */
export const TSHARK_PREFERENCES = [
  '-o', 'ip.check_checksum:TRUE',
  '-o', 'tcp.check_checksum:TRUE',
  '-o', 'tcp.analyze_sequence_numbers:TRUE',
  '-o', 'tcp.relative_sequence_numbers:FALSE',
];

/** tshark's stdout for `file` read with TSHARK_PREFERENCES (stderr holds only notices such as running as root). */
export function runTshark(file: string, args: readonly string[]): string {
  return execFileSync('tshark', ['-n', '-r', file, ...TSHARK_PREFERENCES, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}
