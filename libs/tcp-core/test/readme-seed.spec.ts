import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCapture } from '../src';

/** The tcpdump text the README shows under "Importing a capture", read from the README itself. */
function readmeSeedText(): string {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const block = /The seed capture itself[\s\S]*?```text\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no seed capture block under "Importing a capture"');
  return block[1]!;
}

describe("the README's seed capture", () => {
  it('imports as the three handshakes and two 21-byte pushes, with no anomaly, both sides ESTABLISHED', () => {
    const report = analyzeCapture(readmeSeedText());
    expect(report.connections).toHaveLength(1);
    const segments = report.connections[0]!.segments;
    expect(segments.map((s) => [s.from, s.flags.join(','), s.role, s.length])).toEqual([
      ['client', 'SYN', '1st handshake (SYN)', 0],
      ['server', 'SYN,ACK', '2nd handshake (SYN,ACK)', 0],
      ['client', 'ACK', '3rd handshake (ACK)', 0],
      ['client', 'PSH,ACK', 'data', 21],
      ['server', 'ACK', 'ACK of data', 0],
      ['server', 'PSH,ACK', 'data', 21],
    ]);
    expect(segments.flatMap((s) => s.anomalies)).toEqual([]);
    expect(segments[segments.length - 1]!.states_after).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
  });
});
