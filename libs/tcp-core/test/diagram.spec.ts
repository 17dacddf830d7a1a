import { EDGES, STATES, edgesFrom, isLegalTransition, stateDiagramMermaid } from '../src';

describe('the state diagram table (RFC 9293 §3.3.2, Figure 5)', () => {
  it('contains the textbook edges of Figure 5', () => {
    const figure5: Array<[string, string]> = [
      ['CLOSED', 'LISTEN'],
      ['CLOSED', 'SYN_SENT'],
      ['LISTEN', 'SYN_RECEIVED'],
      ['LISTEN', 'SYN_SENT'],
      ['SYN_SENT', 'SYN_RECEIVED'],
      ['SYN_SENT', 'ESTABLISHED'],
      ['SYN_RECEIVED', 'ESTABLISHED'],
      ['SYN_RECEIVED', 'FIN_WAIT_1'],
      ['ESTABLISHED', 'FIN_WAIT_1'],
      ['ESTABLISHED', 'CLOSE_WAIT'],
      ['FIN_WAIT_1', 'FIN_WAIT_2'],
      ['FIN_WAIT_1', 'CLOSING'],
      ['FIN_WAIT_2', 'TIME_WAIT'],
      ['CLOSING', 'TIME_WAIT'],
      ['CLOSE_WAIT', 'LAST_ACK'],
      ['LAST_ACK', 'CLOSED'],
      ['TIME_WAIT', 'CLOSED'],
    ];
    for (const [from, to] of figure5) expect(isLegalTransition(from as never, to as never)).toBe(true);
  });

  it('has no edge that skips the handshake or the teardown', () => {
    expect(isLegalTransition('CLOSED', 'ESTABLISHED')).toBe(false);
    expect(isLegalTransition('LISTEN', 'ESTABLISHED')).toBe(false);
    expect(isLegalTransition('ESTABLISHED', 'TIME_WAIT')).toBe(false);
    expect(isLegalTransition('CLOSE_WAIT', 'TIME_WAIT')).toBe(false);
    expect(isLegalTransition('FIN_WAIT_2', 'CLOSING')).toBe(false);
  });

  it('gives every state but CLOSED a way back to CLOSED', () => {
    for (const state of STATES.filter((s) => s !== 'CLOSED')) {
      expect(edgesFrom(state).some((e) => e.to === 'CLOSED')).toBe(true);
    }
  });

  it('names an RFC section for every edge', () => {
    for (const edge of EDGES) expect(edge.rfc).toMatch(/^\d+(\.\d+)+$/);
  });

  it('draws a Mermaid diagram with one line per pair of states', () => {
    const text = stateDiagramMermaid();
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(text).toContain('  LISTEN --> SYN_RECEIVED: rcv SYN / SYN,ACK');
    const pairs = new Set(EDGES.map((e) => `${e.from} --> ${e.to}`));
    expect(text.trim().split('\n').length).toBe(pairs.size + 2);
  });
});
