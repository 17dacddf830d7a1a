import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCapture } from '../src';

/**
 * Real Linux TCP, captured with tcpdump on a loopback interface (fixtures/real/README.md says how): the
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

  it('an RTO: the first data segment is lost, Linux retransmits it after its 200 ms minimum RTO, and the connection closes normally', () => {
    const r = analyze('rto');
    expect(r.anomalies).toEqual([]);
    // The capture was taken on the sending host and the nftables rule dropped the segment after it: the capture
    // holds it, and the replay says it was lost past the capture point.
    expect(r.roles.slice(3, 6)).toEqual(['client PSH,ACK: data (lost after the capture point, retransmitted later)', 'client PSH,ACK: retransmission', 'server ACK: ACK of data']);
    expect(r.states[r.states.length - 1]).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
  });

  // Defect 2 of issue 11, fixed: Linux's probe form (seq = SND.UNA − 1, no data) is a zero-window probe (RFC 9293
  // §3.8.6.1, MUST-36); it was refused with SEQ_MUST_BE_SND_NXT.
  it('a zero window: the receiver reads nothing for 1.2 s, the sender probes the closed window twice, then the window opens', () => {
    const r = analyze('zero-window');
    expect(r.anomalies).toEqual([]);
    expect(r.states[r.states.length - 1]).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
  });

  // Defect 4 of issue 11, fixed: Linux's 3000 and 1552 point to the end of the urgent data (RFC 9293 §3.8.5,
  // MUST-31); they were refused, tcplab expecting each segment's pointer to end inside that segment (1448).
  it('urgent data over the MSS: 3,000 octets sent with MSG_OOB go out as three URG segments with urgent pointers 3000, 1552, 104', () => {
    const r = analyze('urgent-over-mss');
    expect(r.anomalies).toEqual([]);
    expect(r.states[r.states.length - 1]).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
  });
});
