import { createConnection, flagsFromNames, optionMss, optionWscale, step, type Connection, type Input, type Segment } from '../src';

const F = (...names: Parameters<typeof flagsFromNames>[0]): number => flagsFromNames(names);

function drive(conn: Connection, inputs: Input[]): { conn: Connection; segments: Segment[] } {
  const segments: Segment[] = [];
  for (const input of inputs) {
    const r = step(conn, input);
    if (!r.outcome.ok) throw new Error(JSON.stringify(r.outcome.error));
    conn = r.connection;
    segments.push(...r.segments);
  }
  return { conn, segments };
}

describe('manual mode: the window and options a caller gives go on the wire', () => {
  const start = createConnection({ mode: 'manual', client: { isn: 1000 }, server: { isn: 5000 } });

  it('a SYN with MSS 1000 and no window scale is sent as given, and the SYN,ACK then offers no window scale either (RFC 7323 §1.3)', () => {
    const { conn, segments } = drive(start, [
      { type: 'call', endpoint: 'server', call: 'listen' },
      { type: 'send', from: 'client', segment: { flags: F('SYN'), window: 8000, options: [{ kind: 'mss', value: 1000 }] } },
      { type: 'send', from: 'server', segment: { flags: F('SYN', 'ACK') } },
    ]);
    const [syn, synAck] = segments;
    expect(syn).toMatchObject({ window: 8000, options: [{ kind: 'mss', value: 1000 }] });
    expect(optionWscale(synAck!.options)).toBeNull();
    expect(optionMss(synAck!.options)).toBe(1460);
    expect(conn.server.tcb).toMatchObject({ snd_mss: 1000, snd_wscale: 0, rcv_wscale: 0, ts_enabled: false });
  });

  it('data and a FIN carry the window the caller advertises', () => {
    const { segments } = drive(start, [
      { type: 'call', endpoint: 'server', call: 'listen' },
      { type: 'send', from: 'client', segment: { flags: F('SYN') } },
      { type: 'send', from: 'server', segment: { flags: F('SYN', 'ACK') } },
      { type: 'send', from: 'client', segment: { flags: F('ACK') } },
      { type: 'send', from: 'client', segment: { flags: F('PSH', 'ACK'), length: 10, window: 100 } },
      { type: 'send', from: 'client', segment: { flags: F('FIN', 'ACK'), window: 99 } },
    ]);
    expect(segments.slice(-2).map((s) => [s.flags, s.window])).toEqual([
      [F('PSH', 'ACK'), 100],
      [F('FIN', 'ACK'), 99],
    ]);
  });
});
