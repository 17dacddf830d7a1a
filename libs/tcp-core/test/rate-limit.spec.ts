import { ACK, PSH, createConnection, step, type Connection, type Input } from '../src';

function drive(conn: Connection, inputs: Input[]): { conn: Connection; results: ReturnType<typeof step>[] } {
  const results: ReturnType<typeof step>[] = [];
  for (const input of inputs) {
    const r = step(conn, input);
    results.push(r);
    conn = r.connection;
  }
  return { conn, results };
}

describe('out-of-window ACKs are rate-limited (RFC 5961 §7, Linux tcp_invalid_ratelimit)', () => {
  const established = drive(createConnection({ client: { isn: 1000 }, server: { isn: 5000 } }), [
    { type: 'call', endpoint: 'server', call: 'listen' },
    { type: 'call', endpoint: 'client', call: 'connect' },
  ]).conn;

  it('an injected in-window data segment ends after one round of out-of-window ACKs instead of an endless ACK war', () => {
    // The server takes 10 octets the client never sent: the two stacks now disagree about the client's sequence space.
    const r = step(established, { type: 'inject', to: 'server', segment: { flags: ACK | PSH, seq: 1001, ack: 5001, length: 10 } });
    const wire = r.segments.map((s) => `${s.id}:${s.from}>${s.to} seq=${s.seq} ack=${s.ack} len=${s.length}`);
    expect(wire).toEqual([
      '4:client>server seq=1001 ack=5001 len=10',
      '5:server>client seq=5001 ack=1011 len=0',
      '6:client>server seq=1001 ack=5001 len=0',
      '7:server>client seq=5001 ack=1011 len=0',
    ]);
    const codes = r.events.map((e) => `${e.endpoint}:${e.code}`).filter((c) => !c.includes('SEGMENT_'));
    expect(codes).toEqual([
      'server:DATA_RECEIVED',
      'client:ACK_OF_UNSENT_DATA',
      'server:SEQ_UNACCEPTABLE_ACKED',
      'client:ACK_OF_UNSENT_DATA',
      'client:OUT_OF_WINDOW_ACK_RATE_LIMITED',
    ]);
    expect(r.connection.network.in_flight).toEqual([]);
  });

  it('answers again once 500 ms have passed', () => {
    const first = step(established, { type: 'inject', to: 'server', segment: { flags: ACK, seq: 900, ack: 5001 } });
    expect(first.segments.filter((s) => s.from === 'server')).toHaveLength(1);
    const soon = step(first.connection, { type: 'inject', to: 'server', segment: { flags: ACK, seq: 900, ack: 5001 } });
    expect(soon.segments.filter((s) => s.from === 'server')).toHaveLength(0);
    const later = drive(first.connection, [
      { type: 'advance', ms: 500 },
      { type: 'inject', to: 'server', segment: { flags: ACK, seq: 900, ack: 5001 } },
    ]).results[1]!;
    expect(later.segments.filter((s) => s.from === 'server').map((s) => s.ack)).toEqual([1001]);
  });
});
