import {
  EVENT_CODES,
  createConnection,
  flagsFromNames,
  pickLanguage,
  renderEvent,
  renderOwed,
  renderViolation,
  step,
  type Connection,
  type Input,
  type TcpEvent,
} from '../src';

const SEED = {
  client: { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200 },
  server: { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960 },
};

function run(conn: Connection, inputs: Input[]): { conn: Connection; events: TcpEvent[] } {
  const events: TcpEvent[] = [];
  for (const input of inputs) {
    const result = step(conn, input);
    conn = result.connection;
    events.push(...result.events);
  }
  return { conn, events };
}

describe('message catalogue', () => {
  const { events } = run(createConnection(SEED), [
    { type: 'call', endpoint: 'server', call: 'listen' },
    { type: 'call', endpoint: 'client', call: 'connect' },
  ]);
  const synReceived = events.find((e) => e.code === 'LISTEN_SYN_TO_SYN_RECEIVED')!;

  it('explains the second handshake with the exact numbers in English', () => {
    const text = renderEvent(synReceived, 'en');
    expect(text).toContain('RCV.NXT = 481914174 + 1 = 481914175');
    expect(text).toContain('SYN,ACK seq=2737267460 ack=481914175');
  });

  it('explains the second handshake in Chinese with the glossary terms and the same numbers', () => {
    const text = renderEvent(synReceived, 'zh-CN');
    expect(text).toContain('第二次握手');
    expect(text).toContain('初始序列号');
    expect(text).toContain('确认号为 481914175');
    expect(text).toContain('SYN_RECEIVED');
  });

  it('renders every event of a whole connection without an empty or undefined text', () => {
    const whole = run(createConnection(SEED), [
      { type: 'call', endpoint: 'server', call: 'listen' },
      { type: 'call', endpoint: 'client', call: 'connect' },
      { type: 'call', endpoint: 'client', call: 'send', data: { length: 21 } },
      { type: 'call', endpoint: 'client', call: 'close' },
      { type: 'call', endpoint: 'server', call: 'close' },
      { type: 'advance', ms: 60_000 },
    ]);
    for (const event of whole.events) {
      for (const lang of ['en', 'zh-CN'] as const) {
        const text = renderEvent(event, lang);
        expect(text.length).toBeGreaterThan(10);
        expect(text).not.toMatch(/undefined|NaN|\[object/);
      }
    }
  });

  it('has a message for every event code in both languages', () => {
    for (const code of EVENT_CODES) {
      const event: TcpEvent = { at_ms: 0, endpoint: 'client', kind: 'receive', from_state: 'ESTABLISHED', to_state: 'ESTABLISHED', segment_id: null, code, params: {}, rfc: '' };
      expect(renderEvent(event, 'en')).not.toBe('');
      expect(renderEvent(event, 'zh-CN')).not.toBe('');
    }
  });

  it('tells in manual mode what the server owes, and why a wrong ack is wrong', () => {
    let conn = createConnection({ ...SEED, mode: 'manual' });
    conn = run(conn, [
      { type: 'call', endpoint: 'server', call: 'listen' },
      { type: 'send', from: 'client', segment: { flags: flagsFromNames(['SYN']) } },
    ]).conn;
    expect(renderOwed('server', conn.server.owed[0]!, 'en')).toBe('The server must send SYN,ACK seq=2737267460 ack=481914175 next.');
    const wrong = step(conn, { type: 'send', from: 'server', segment: { flags: flagsFromNames(['SYN', 'ACK']), ack: 481914174 } });
    expect(wrong.outcome.ok).toBe(false);
    if (wrong.outcome.ok || wrong.outcome.error.code !== 'SEGMENT_INVALID') throw new Error('expected SEGMENT_INVALID');
    const violation = wrong.outcome.error.violations[0]!;
    expect(renderViolation(violation, 'en')).toBe(
      "ack must be 481914175 = the client's ISN 481914174 + 1, because a SYN consumes one sequence number.",
    );
    expect(renderViolation(violation, 'zh-CN')).toContain('确认号必须是 481914175');
  });

  it('picks Chinese for zh, zh-CN and zh-Hans, English otherwise', () => {
    expect(pickLanguage('zh-CN')).toBe('zh-CN');
    expect(pickLanguage('zh')).toBe('zh-CN');
    expect(pickLanguage('zh-Hans,en;q=0.5')).toBe('zh-CN');
    expect(pickLanguage('en-GB')).toBe('en');
    expect(pickLanguage(undefined)).toBe('en');
  });
});

describe('numbers in explanations wrap like the sequence space', () => {
  it('cites data that crosses 2^32 as seq=4294967290:4', () => {
    const event: TcpEvent = {
      at_ms: 0,
      endpoint: 'client',
      kind: 'send',
      from_state: 'ESTABLISHED',
      to_state: 'ESTABLISHED',
      segment_id: 1,
      code: 'SEGMENT_SENT',
      params: { flags: 'PSH,ACK', seq: 4294967290, ack: 7, length: 10, window: 100, with_ack: true },
      rfc: 'RFC 9293 §3.10',
    };
    expect(renderEvent(event, 'en')).toBe('The client sends PSH,ACK seq=4294967290:4 ack=7, window 100.');
  });
});
