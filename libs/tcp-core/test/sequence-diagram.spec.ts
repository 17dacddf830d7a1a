/**
 * The sequence-diagram renderers, on histories made by the real simulator
 * from the seed session (client 192.168.1.63:53198 ISN 481914174, server
 * 192.168.1.64:22 ISN 2737267460): the layout model, the SVG (checked as XML,
 * element by element, and for overlapping labels) and the Mermaid text.
 */
import { createConnection, step, type Connection, type Input, type Side } from '../src';
import { renderMermaid } from '../src/render/mermaid';
import { sequenceDiagram, type SessionHistory } from '../src/render/sequence-diagram';
import { renderSvg } from '../src/render/svg';
import { all, arrowOf, byClass, hasClass, labelOf, labelsOutsideLines, overlappingLabels, parseXml, statesOf } from './svg-reader';

const SEED = {
  client: { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200 },
  server: { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960 },
};

/** Runs the inputs through the simulator and keeps every step's events and segments, as the service stores a session. */
function session(inputs: Input[]): SessionHistory {
  let connection: Connection = createConnection(SEED);
  const steps: SessionHistory['steps'][number][] = [];
  for (const input of inputs) {
    const result = step(connection, input);
    expect(result.outcome).toEqual({ ok: true });
    connection = result.connection;
    steps.push({ events: result.events, segments: result.segments });
  }
  return { client: { ip: SEED.client.ip, port: SEED.client.port }, server: { ip: SEED.server.ip, port: SEED.server.port }, steps };
}

const call = (endpoint: Side, name: 'listen' | 'connect' | 'close'): Input => ({ type: 'call', endpoint, call: name });
const deliver = (segment_id: number): Input => ({ type: 'deliver', segment_id, action: 'deliver' });
const drop = (segment_id: number): Input => ({ type: 'deliver', segment_id, action: 'drop' });
const advance = (ms: number): Input => ({ type: 'advance', ms });
const stepwise: Input = { type: 'configure_network', auto_deliver: false };

/** Three-way handshake, four-way teardown, and TIME_WAIT running out (segments 1–7). */
const HANDSHAKE_AND_TEARDOWN: Input[] = [call('server', 'listen'), call('client', 'connect'), call('client', 'close'), call('server', 'close'), advance(60_000)];

/**
 * The teardown's last ACK (segment 7) is lost: the server retransmits its FIN
 * after the RTO (segment 8), the client in TIME_WAIT acknowledges it again
 * (segment 9) and restarts 2MSL.
 */
const LOST_FINAL_ACK: Input[] = [
  call('server', 'listen'),
  call('client', 'connect'),
  call('client', 'close'),
  stepwise,
  call('server', 'close'),
  deliver(6),
  drop(7),
  advance(1_000),
  deliver(8),
  deliver(9),
  advance(60_000),
];

/** Both sides close before either FIN arrives (RFC 9293 §3.6 Figure 13): the FINs cross, and so do the ACKs. */
const SIMULTANEOUS_CLOSE: Input[] = [
  call('server', 'listen'),
  call('client', 'connect'),
  stepwise,
  call('client', 'close'),
  call('server', 'close'),
  deliver(4),
  deliver(5),
  deliver(6),
  deliver(7),
  advance(60_000),
];

/** 3000 octets from the client (three segments in flight at once) and 21 back, then the teardown. */
const DATA_BOTH_WAYS: Input[] = [
  call('server', 'listen'),
  call('client', 'connect'),
  { type: 'call', endpoint: 'client', call: 'send', data: { length: 3000 } },
  { type: 'call', endpoint: 'server', call: 'send', data: { length: 21 } },
  call('client', 'close'),
  call('server', 'close'),
];


describe('the test\'s XML reader', () => {
  it('rejects what is not well-formed: crossed tags, a repeated attribute, a bare &, a second root, a control character', () => {
    for (const bad of ['<a><b></a></b>', '<a x="1" x="2"/>', '<a>&</a>', '<a/><b/>', '<a>\u0001</a>', '<a x=1/>', '<a>']) {
      expect(() => parseXml(bad)).toThrow(/not well-formed|bare &|not allowed/);
    }
    expect(parseXml('<a x="&lt;&#x4E2D;"><!-- c --><b>t&amp;</b></a>')).toEqual({
      name: 'a',
      attrs: { x: '<中' },
      children: [{ name: 'b', attrs: {}, children: [], text: 't&' }],
      text: '',
    });
  });
});

// ---------------------------------------------------------------- the layout model

describe('sequenceDiagram: the layout model', () => {
  it('gives every segment of the handshake and teardown an arrow arriving one row below the row it left', () => {
    const diagram = sequenceDiagram(session(HANDSHAKE_AND_TEARDOWN));
    expect(diagram.arrows.map((a) => [a.segment_id, a.from, a.send_row, a.arrive_row, a.fate])).toEqual([
      [1, 'client', 0, 1, 'delivered'],
      [2, 'server', 1, 2, 'delivered'],
      [3, 'client', 2, 3, 'delivered'],
      [4, 'client', 3, 4, 'delivered'],
      [5, 'server', 4, 5, 'delivered'],
      [6, 'server', 5, 6, 'delivered'],
      [7, 'client', 6, 7, 'delivered'],
    ]);
  });

  it('puts each state change at the row of the segment or call that caused it, though simulated time stands still', () => {
    const diagram = sequenceDiagram(session(HANDSHAKE_AND_TEARDOWN));
    expect(diagram.initial).toEqual({ client: 'CLOSED', server: 'CLOSED' });
    expect(diagram.states.map((s) => `${s.side}@${s.row} ${s.state}`)).toEqual([
      'server@0 LISTEN',
      'client@0 SYN_SENT',
      'server@1 SYN_RECEIVED',
      'client@2 ESTABLISHED',
      'server@3 ESTABLISHED',
      'client@3 FIN_WAIT_1',
      'server@4 CLOSE_WAIT',
      'client@5 FIN_WAIT_2',
      'server@5 LAST_ACK',
      'client@6 TIME_WAIT',
      'server@7 CLOSED',
      'client@8 CLOSED',
    ]);
    expect(diagram.rows.map((r) => r.at_ms)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 60_000]);
  });

  it('brackets the client’s TIME_WAIT from the row it entered to the row 2MSL ran out', () => {
    const diagram = sequenceDiagram(session(HANDSHAKE_AND_TEARDOWN));
    expect(diagram.time_wait).toEqual([{ side: 'client', start_row: 6, restart_rows: [], end_row: 8, expired: true, two_msl_ms: 60_000 }]);
  });

  it('marks the lost final ACK dropped, the FIN retransmitted after the RTO, and the restart of 2MSL', () => {
    const diagram = sequenceDiagram(session(LOST_FINAL_ACK));
    const arrow = (id: number) => diagram.arrows.find((a) => a.segment_id === id)!;
    expect(arrow(7)).toMatchObject({ from: 'client', fate: 'dropped', send_row: 6, drop_row: 7, arrive_row: null });
    expect(arrow(8)).toMatchObject({ from: 'server', origin: 'retransmitted', fate: 'delivered', send_row: 8, arrive_row: 9 });
    expect(arrow(9)).toMatchObject({ from: 'client', fate: 'delivered', send_row: 9, arrive_row: 10 });
    expect(diagram.time_wait).toEqual([{ side: 'client', start_row: 6, restart_rows: [9], end_row: 11, expired: true, two_msl_ms: 60_000 }]);
    expect(diagram.rows.map((r) => r.at_ms)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1_000, 1_000, 1_000, 61_000]);
  });

  it('lets both FINs of a simultaneous close leave before either arrives, so that they cross', () => {
    const diagram = sequenceDiagram(session(SIMULTANEOUS_CLOSE));
    const fins = diagram.arrows.filter((a) => a.segment_id === 4 || a.segment_id === 5);
    expect(fins.map((a) => [a.from, a.send_row, a.arrive_row])).toEqual([
      ['client', 3, 5],
      ['server', 4, 5],
    ]);
    expect(diagram.time_wait.map((b) => b.side)).toEqual(['client', 'server']);
  });

  it('leaves a segment still in flight at the end without an arrival', () => {
    const diagram = sequenceDiagram(session([call('server', 'listen'), stepwise, call('client', 'connect')]));
    expect(diagram.arrows).toEqual([expect.objectContaining({ segment_id: 1, fate: 'in_flight', send_row: 0, arrive_row: null, drop_row: null })]);
  });
});

// ---------------------------------------------------------------- SVG

describe('renderSvg: handshake and teardown', () => {
  const history = session(HANDSHAKE_AND_TEARDOWN);
  const source = renderSvg(history, { lang: 'en' });
  const svg = parseXml(source);

  it('is a well-formed standalone SVG document with xmlns, width, height and a matching viewBox', () => {
    expect(svg.name).toBe('svg');
    expect(svg.attrs['xmlns']).toBe('http://www.w3.org/2000/svg');
    const { width, height, viewBox } = svg.attrs;
    expect(Number(width)).toBeGreaterThan(0);
    expect(Number(height)).toBeGreaterThan(0);
    expect(viewBox).toBe(`0 0 ${width} ${height}`);
    expect(svg.children[0]).toMatchObject({ name: 'title', text: 'TCP sequence diagram: client 192.168.1.63:53198, server 192.168.1.64:22' });
  });

  it('heads each timeline with its side and ip:port', () => {
    const participants = byClass(svg, 'participant').map((g) => [g.attrs['data-side'], ...g.children.filter((c) => c.name === 'text').map((c) => c.text)]);
    expect(participants).toEqual([
      ['client', 'client', '192.168.1.63:53198'],
      ['server', 'server', '192.168.1.64:22'],
    ]);
  });

  it('draws one arrow group per segment, labelled with the numbers tcpdump -S shows', () => {
    const segments = history.steps.flatMap((s) => s.segments);
    expect(byClass(svg, 'arrow')).toHaveLength(segments.length);
    expect(segments.map((s) => labelOf(arrowOf(svg, s.id)))).toEqual([
      'SYN seq=481914174',
      'SYN,ACK seq=2737267460 ack=481914175',
      'ACK ack=2737267461',
      'FIN,ACK seq=481914175 ack=2737267461',
      'ACK ack=481914176',
      'FIN,ACK seq=2737267461 ack=481914176',
      'ACK ack=2737267462',
    ]);
  });

  it('slants every arrow down from its sender’s line to its receiver’s, with a head at the receiver', () => {
    const x = Object.fromEntries(byClass(svg, 'participant').map((g) => [g.attrs['data-side'], Number(byClass(g, 'lifeline')[0]!.attrs['x1'])]));
    for (const group of byClass(svg, 'arrow')) {
      const line = group.children.find((c) => c.name === 'line')!;
      expect(Number(line.attrs['x1'])).toBe(x[group.attrs['data-from']!]);
      expect(Number(line.attrs['y2'])).toBeGreaterThan(Number(line.attrs['y1']));
      const tip = group.children.find((c) => c.name === 'polygon')!.attrs['points']!.split(' ')[0]!;
      expect(Number(tip.split(',')[0])).toBe(x[group.attrs['data-to']!]);
    }
  });

  it('writes each side’s states beside its line in the order they were entered', () => {
    expect(statesOf(svg, 'client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT', 'CLOSED']);
    expect(statesOf(svg, 'server')).toEqual(['CLOSED', 'LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED']);
  });

  it('brackets TIME_WAIT on the client’s side as "2MSL = 60 s", from the TIME_WAIT label down to CLOSED', () => {
    const [bracket] = byClass(svg, 'time-wait');
    expect(bracket!.attrs['data-side']).toBe('client');
    expect(bracket!.children.find((c) => c.name === 'text')!.text).toBe('2MSL = 60 s');
    const path = bracket!.children.find((c) => hasClass(c, 'two-msl'))!.attrs['d']!;
    const stateY = (state: string): number =>
      Number(byClass(svg, 'state').find((t) => t.attrs['data-side'] === 'client' && t.text === state && t.attrs['data-row'] !== 'initial')!.attrs['y']) - 4.5;
    expect(path).toMatch(new RegExp(`^M[\\d.]+ ${stateY('TIME_WAIT')}H[\\d.]+V${stateY('CLOSED')}H[\\d.]+$`));
    // The bracket sits outside the state labels, away from the arrows.
    expect(Number(path.slice(1).split(' ')[0])).toBeLessThan(Number(byClass(svg, 'lifeline')[0]!.attrs['x1']));
  });

  it('sets no text smaller than 12 px, and no label over another or past a timeline', () => {
    const sizes = all(svg, (e) => 'font-size' in e.attrs).map((e) => Number(e.attrs['font-size']));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    expect(overlappingLabels(svg)).toEqual([]);
    expect(labelsOutsideLines(svg)).toEqual([]);
  });

  it('renders byte-identical output for the same history, also after a JSON round trip', () => {
    expect(renderSvg(session(HANDSHAKE_AND_TEARDOWN), { lang: 'en' })).toBe(source);
    expect(renderSvg(JSON.parse(JSON.stringify(history)) as SessionHistory, { lang: 'en' })).toBe(source);
  });

  it('matches the committed snapshot', () => {
    expect(source).toMatchSnapshot();
  });
});

describe('renderSvg: a lost final ACK', () => {
  const svg = parseXml(renderSvg(session(LOST_FINAL_ACK)));

  it('ends the dropped ACK in a cross halfway, without an arrowhead', () => {
    const dropped = arrowOf(svg, 7);
    expect(dropped.attrs['class']).toBe('arrow dropped');
    expect(labelOf(dropped)).toBe('ACK ack=2737267462');
    expect(dropped.children.filter((c) => hasClass(c, 'cross'))).toHaveLength(1);
    expect(dropped.children.some((c) => c.name === 'polygon')).toBe(false);
    const line = dropped.children.find((c) => c.name === 'line')!;
    const lines = byClass(svg, 'lifeline').map((l) => Number(l.attrs['x1']));
    expect(Number(line.attrs['x2'])).toBeCloseTo((lines[0]! + lines[1]!) / 2, 0);
    expect(byClass(svg, 'cross')).toHaveLength(1);
  });

  it('draws the retransmitted FIN and the repeated ACK as arrows of their own, the FIN labelled as a retransmission', () => {
    expect(byClass(svg, 'arrow')).toHaveLength(9);
    expect(arrowOf(svg, 8).attrs['data-origin']).toBe('retransmitted');
    expect(labelOf(arrowOf(svg, 8))).toBe('FIN,ACK seq=2737267461 ack=481914176 (retransmission)');
    expect(labelOf(arrowOf(svg, 9))).toBe('ACK ack=2737267462');
  });

  it('shows 2MSL restarted where the retransmitted FIN reaches TIME_WAIT, dashed before and solid after', () => {
    expect(byClass(svg, 'time-wait-restart').map((t) => [t.attrs['data-side'], t.text])).toEqual([['client', '2MSL restarted']]);
    const [bracket] = byClass(svg, 'time-wait');
    expect(bracket!.children.filter((c) => hasClass(c, 'restarted'))).toHaveLength(1);
    expect(bracket!.children.filter((c) => hasClass(c, 'two-msl'))).toHaveLength(1);
    expect(statesOf(svg, 'client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT', 'CLOSED']);
    expect(statesOf(svg, 'server')).toEqual(['CLOSED', 'LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED']);
  });

  it('sets no label over another or past a timeline', () => {
    expect(overlappingLabels(svg)).toEqual([]);
    expect(labelsOutsideLines(svg)).toEqual([]);
  });
});

describe('renderSvg: arrows that share rows', () => {
  it('keeps the labels of the crossing FINs and ACKs of a simultaneous close apart, with a 2MSL bracket on each side', () => {
    const svg = parseXml(renderSvg(session(SIMULTANEOUS_CLOSE)));
    expect(overlappingLabels(svg)).toEqual([]);
    expect(labelsOutsideLines(svg)).toEqual([]);
    expect(byClass(svg, 'time-wait').map((g) => g.attrs['data-side'])).toEqual(['client', 'server']);
    expect(statesOf(svg, 'server')).toContain('CLOSING');
  });

  it('keeps the labels of pipelined data segments and their ACKs apart, with len= for the payload', () => {
    const svg = parseXml(renderSvg(session(DATA_BOTH_WAYS)));
    const labels = byClass(svg, 'label').map((t) => t.text);
    expect(labels).toContain('ACK seq=481914175 ack=2737267461 len=1448');
    expect(labels).toContain('PSH,ACK seq=2737267461 ack=481917175 len=21');
    expect(overlappingLabels(svg)).toEqual([]);
    expect(labelsOutsideLines(svg)).toEqual([]);
  });

  it('draws a segment still in flight as a dashed line halfway, marked "(in flight)"', () => {
    const svg = parseXml(renderSvg(session([call('server', 'listen'), stepwise, call('client', 'connect')])));
    const arrow = arrowOf(svg, 1);
    expect(arrow.attrs['class']).toBe('arrow in-flight');
    expect(labelOf(arrow)).toBe('SYN seq=481914174 (in flight)');
    expect(arrow.children.find((c) => c.name === 'line')!.attrs['stroke-dasharray']).toBeDefined();
  });
});

describe('renderSvg: text', () => {
  it('labels the sides in Chinese with lang zh-CN, keeping state names, flags and seq=/ack= as tools print them', () => {
    const svg = parseXml(renderSvg(session(HANDSHAKE_AND_TEARDOWN), { lang: 'zh-CN' }));
    expect(byClass(svg, 'name').map((t) => t.text)).toEqual(['客户端', '服务器']);
    expect(svg.children[0]!.text).toBe('TCP 时序图：客户端 192.168.1.63:53198，服务器 192.168.1.64:22');
    expect(byClass(svg, 'time-wait')[0]!.children.find((c) => c.name === 'text')!.text).toBe('2MSL = 60 秒');
    expect(statesOf(svg, 'client')).toContain('TIME_WAIT');
    expect(labelOf(arrowOf(svg, 2))).toBe('SYN,ACK seq=2737267460 ack=481914175');
    expect(overlappingLabels(svg)).toEqual([]);
  });

  it('escapes markup in addresses, so that the document stays well-formed', () => {
    const history = { ...session(HANDSHAKE_AND_TEARDOWN), client: { ip: 'a<b&"c\'', port: 1 } };
    const svg = parseXml(renderSvg(history));
    expect(byClass(svg, 'address')[0]!.text).toBe('a<b&"c\':1');
  });
});

// ---------------------------------------------------------------- Mermaid

describe('renderMermaid', () => {
  it('writes the handshake and teardown as a sequenceDiagram: a message per delivered segment, a note per state change', () => {
    expect(renderMermaid(session(HANDSHAKE_AND_TEARDOWN), { lang: 'en' })).toBe(
      [
        'sequenceDiagram',
        '  participant C as client 192.168.1.63:53198',
        '  participant S as server 192.168.1.64:22',
        '  Note over C: CLOSED',
        '  Note over S: CLOSED',
        '  Note over S: LISTEN',
        '  Note over C: SYN_SENT',
        '  C->>S: SYN seq=481914174',
        '  Note over S: SYN_RECEIVED',
        '  S->>C: SYN,ACK seq=2737267460 ack=481914175',
        '  Note over C: ESTABLISHED',
        '  C->>S: ACK ack=2737267461',
        '  Note over S: ESTABLISHED',
        '  Note over C: FIN_WAIT_1',
        '  C->>S: FIN,ACK seq=481914175 ack=2737267461',
        '  Note over S: CLOSE_WAIT',
        '  S->>C: ACK ack=481914176',
        '  Note over C: FIN_WAIT_2',
        '  Note over S: LAST_ACK',
        '  S->>C: FIN,ACK seq=2737267461 ack=481914176',
        '  Note over C: TIME_WAIT (2MSL = 60 s)',
        '  C->>S: ACK ack=2737267462',
        '  Note over S: CLOSED',
        '  Note over C: CLOSED',
        '',
      ].join('\n'),
    );
  });

  it('crosses out the lost final ACK with -x and notes the restart of 2MSL', () => {
    const lines = renderMermaid(session(LOST_FINAL_ACK)).split('\n');
    const from = lines.indexOf('  Note over C: TIME_WAIT (2MSL = 60 s)');
    expect(lines.slice(from)).toEqual([
      '  Note over C: TIME_WAIT (2MSL = 60 s)',
      '  C-xS: ACK ack=2737267462',
      '  S->>C: FIN,ACK seq=2737267461 ack=481914176 (retransmission)',
      '  Note over C: TIME_WAIT (2MSL restarted)',
      '  C->>S: ACK ack=2737267462',
      '  Note over S: CLOSED',
      '  Note over C: CLOSED',
      '',
    ]);
  });

  it('writes a segment still in flight at the end as a dotted message', () => {
    expect(renderMermaid(session([call('server', 'listen'), stepwise, call('client', 'connect')]))).toContain('  C--)S: SYN seq=481914174 (in flight)\n');
  });

  it('names the participants in Chinese with lang zh-CN', () => {
    const text = renderMermaid(session(HANDSHAKE_AND_TEARDOWN), { lang: 'zh-CN' });
    expect(text).toContain('  participant C as 客户端 192.168.1.63:53198\n  participant S as 服务器 192.168.1.64:22\n');
    expect(text).toContain('  Note over C: TIME_WAIT (2MSL = 60 秒)\n');
    expect(text).toContain('  C->>S: SYN seq=481914174\n');
  });

  it('writes ; and # in names as Mermaid entities, so that they cannot end a statement', () => {
    const history = { ...session(HANDSHAKE_AND_TEARDOWN), client: { ip: 'host;#1', port: 1 } };
    expect(renderMermaid(history)).toContain('  participant C as client host#59;#35;1:1\n');
  });

  it('matches the committed snapshot', () => {
    expect(renderMermaid(session(HANDSHAKE_AND_TEARDOWN))).toMatchSnapshot();
  });
});
