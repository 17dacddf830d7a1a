import { createConnection, optionTimestamp, step, type Connection, type Input, type Segment } from '../src';

function drive(conn: Connection, inputs: Input[]): { conn: Connection; segments: Segment[] } {
  const segments: Segment[] = [];
  for (const input of inputs) {
    const r = step(conn, input);
    conn = r.connection;
    segments.push(...r.segments);
  }
  return { conn, segments };
}

describe('timestamps (RFC 7323)', () => {
  it('TSval runs with the simulated clock and TSecr echoes the latest TSval received, not the one from the SYN', () => {
    const { conn: established } = drive(createConnection({ seed: 3, client: { isn: 1000 }, server: { isn: 5000 } }), [
      { type: 'call', endpoint: 'server', call: 'listen' },
      { type: 'call', endpoint: 'client', call: 'connect' },
    ]);
    const { segments } = drive(established, [
      { type: 'advance', ms: 1500 },
      { type: 'call', endpoint: 'client', call: 'send', data: { length: 10 } },
    ]);
    const [push, ack] = segments.map((s) => optionTimestamp(s.options)!);
    expect(push!.val).toBe((established.client.ts_offset + 1500) >>> 0);
    expect(ack!.ecr).toBe(push!.val);
    expect(ack!.val).toBe((established.server.ts_offset + 1500) >>> 0);
  });
});

describe('RTO after a retransmitted SYN (RFC 6298 §5.7)', () => {
  it('is at least 3 s once the connection is established, and stays 1 s when the SYN went through at once', () => {
    const options = { client: { isn: 1000 }, server: { isn: 5000 } };
    const lost = drive(createConnection(options), [
      { type: 'call', endpoint: 'server', call: 'listen' },
      { type: 'call', endpoint: 'client', call: 'connect', network: 'drop' },
      { type: 'advance', ms: 1000 },
    ]).conn;
    expect(lost.client.state).toBe('ESTABLISHED');
    expect(lost.client.tcb!.rto_ms).toBe(3000);
    const clean = drive(createConnection(options), [
      { type: 'call', endpoint: 'server', call: 'listen' },
      { type: 'call', endpoint: 'client', call: 'connect' },
    ]).conn;
    expect(clean.client.tcb!.rto_ms).toBe(1000);
  });
});
