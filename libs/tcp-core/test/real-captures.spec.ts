import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCapture } from '../src';

/**
 * Real Linux TCP, captured with tcpdump on this machine's loopback (fixtures/real/README.md says how): the
 * simulator, replaying each capture as an observer of both ends, must find nothing a conforming TCP would not
 * have sent, and must end in the states Linux was in.
 */
function analyze(name: string): { roles: string[]; states: Array<{ client: string | null; server: string | null }>; anomalies: unknown[]; connections: number } {
  const report = analyzeCapture(new Uint8Array(readFileSync(join(__dirname, 'fixtures/real', `${name}.pcap`))));
  const [connection] = report.connections;
  return {
    connections: report.connections.length,
    roles: connection!.segments.map((s) => `${s.from} ${s.flags.join(',')}: ${s.role}`),
    states: connection!.segments.map((s) => s.states_after),
    anomalies: connection!.segments.flatMap((s) => s.anomalies),
  };
}

describe('real Linux captures replayed through the simulator', () => {
  it('curl to a local HTTP/1.0 server: handshake, request, response, the server closes first and ends in TIME_WAIT', () => {
    const r = analyze('curl-http');
    expect(r.connections).toBe(1);
    expect(r.anomalies).toEqual([]);
    expect(r.roles.slice(0, 3)).toEqual(['client SYN: 1st handshake (SYN)', 'server SYN,ACK: 2nd handshake (SYN,ACK)', 'client ACK: 3rd handshake (ACK)']);
    expect(r.roles.slice(-3)).toEqual(['server FIN,ACK: FIN from the active closer', 'client FIN,ACK: FIN from the passive closer', 'server ACK: last ACK']);
    expect(r.states[r.states.length - 1]).toEqual({ client: 'CLOSED', server: 'TIME_WAIT' });
  });

  it('a connection refused on a closed port: SYN, then RST,ACK; the client is CLOSED', () => {
    const r = analyze('refused');
    expect(r.anomalies).toEqual([]);
    expect(r.roles).toEqual(['client SYN: 1st handshake (SYN)', 'server RST,ACK: RST']);
    expect(r.states[1]).toEqual({ client: 'CLOSED', server: 'CLOSED' });
  });

  it('a half-close: the server keeps sending in CLOSE_WAIT while the client waits in FIN_WAIT_2', () => {
    const r = analyze('half-close');
    expect(r.anomalies).toEqual([]);
    expect(r.roles).toContain('server PSH,ACK: data');
    expect(r.states).toContainEqual({ client: 'FIN_WAIT_2', server: 'CLOSE_WAIT' });
    expect(r.states[r.states.length - 1]).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
  });

  it('an abort with SO_LINGER 0: one RST,ACK closes both sides at once', () => {
    const r = analyze('rst-abort');
    expect(r.anomalies).toEqual([]);
    expect(r.roles[r.roles.length - 1]).toBe('client RST,ACK: RST');
    expect(r.states[r.states.length - 1]).toEqual({ client: 'CLOSED', server: 'CLOSED' });
  });
});
