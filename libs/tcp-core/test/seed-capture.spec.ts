/**
 * The seed capture (fixtures/seed-ssh-handshake.tcpdump-S.txt) is real Linux
 * TCP as tcpdump printed it: the simulator, given the same sockets, ISNs,
 * windows and options, must put the same segments on the wire.
 */
import { optionTimestamp, tcpdumpTrace, type Segment } from '../src';
import { SEED_CLIENT, SEED_SERVER, SSH_BANNER, Scenario, b64, call, normaliseTcpdump as normalise, readCapture, wire } from './scenario-helpers';

const CAPTURE = readCapture('seed-ssh-handshake.tcpdump-S.txt');

/**
 * The seed connection: handshake, the client's banner (which the server
 * ACKs), the server's banner (which the client ACKs: the seventh segment,
 * after the six that `tcpdump -c 6` printed).
 */
function seedConnection(): Scenario {
  const s = new Scenario({
    seed: 1,
    client: SEED_CLIENT,
    server: SEED_SERVER,
  });
  s.step(call('server', 'listen'), ['CLOSED', 'LISTEN'], []);
  s.step(call('client', 'connect'), ['ESTABLISHED', 'ESTABLISHED'], [
    'client>server S seq=481914174',
    'server>client S. seq=2737267460 ack=481914175',
    'client>server . seq=481914175 ack=2737267461',
  ]);
  s.step(call('client', 'send', { data: { payload: b64(SSH_BANNER) } }), ['ESTABLISHED', 'ESTABLISHED'], [
    'client>server P. seq=481914175 ack=2737267461 len=21',
    'server>client . seq=2737267461 ack=481914196',
  ]);
  s.step(call('server', 'send', { data: { payload: b64(SSH_BANNER) } }), ['ESTABLISHED', 'ESTABLISHED'], [
    'server>client P. seq=2737267461 ack=481914196 len=21',
    'client>server . seq=481914196 ack=2737267482',
  ]);
  return s;
}

describe('seed capture: SSH handshake and version banners (tcpdump -n -S)', () => {
  it('renders the six segments tcpdump captured, line for line, with absolute numbers', () => {
    const trace = seedConnection().trace;
    expect(CAPTURE).toHaveLength(6);
    expect(trace).toHaveLength(7);
    expect(tcpdumpTrace(trace.slice(0, 6)).map(normalise)).toEqual(CAPTURE.map(normalise));
  });

  it("the client's ACK of the server's banner follows, with the window shrunk by the 21 unread octets (29179 / 128 → win 228)", () => {
    const seventh = seedConnection().trace[6]!;
    expect(wire(seventh)).toBe('client>server . seq=481914196 ack=2737267482');
    expect(normalise(tcpdumpTrace([seventh])[0]!)).toBe(
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [.], ack 2737267482, win 228, options [nop,nop,TS val * ecr *], length 0',
    );
  });

  it("every TS ecr echoes the peer's latest TS val, and the first SYN echoes 0 (RFC 7323 §4.3), as in the capture", () => {
    const echoes = (segments: readonly { from: string; ts: { val: number; ecr: number } }[]): boolean[] => {
      const lastVal: Record<string, number> = {};
      return segments.map((s) => {
        const peerVal = lastVal[s.from === 'client' ? 'server' : 'client'] ?? 0;
        lastVal[s.from] = s.ts.val;
        return s.ts.ecr === peerVal;
      });
    };
    const fromCapture = CAPTURE.map((line) => {
      const m = /TS val (\d+) ecr (\d+)/.exec(line)!;
      return { from: line.includes('192.168.1.63.53198 >') ? 'client' : 'server', ts: { val: Number(m[1]), ecr: Number(m[2]) } };
    });
    const fromSimulator = seedConnection()
      .trace.slice(0, 6)
      .map((s: Segment) => ({ from: s.from, ts: optionTimestamp(s.options)! }));
    expect(echoes(fromCapture)).toEqual([true, true, true, true, true, true]);
    expect(echoes(fromSimulator)).toEqual([true, true, true, true, true, true]);
    expect(fromSimulator[0]!.ts.ecr).toBe(0);
  });

  it('renders relative numbers as tcpdump does without -S: SYNs absolute, then ack 1, seq 1:22, ack 22', () => {
    const lines = tcpdumpTrace(seedConnection().trace.slice(0, 6), { numbering: 'relative' }).map(normalise);
    expect(lines).toEqual([
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [S], seq 481914174, win 29200, options [mss 1460,sackOK,TS val * ecr *,nop,wscale 7], length 0',
      'IP 192.168.1.64.22 > 192.168.1.63.53198: Flags [S.], seq 2737267460, ack 481914175, win 28960, options [mss 1460,sackOK,TS val * ecr *,nop,wscale 7], length 0',
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [.], ack 1, win 229, options [nop,nop,TS val * ecr *], length 0',
      'IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [P.], seq 1:22, ack 1, win 229, options [nop,nop,TS val * ecr *], length 21',
      'IP 192.168.1.64.22 > 192.168.1.63.53198: Flags [.], ack 22, win 227, options [nop,nop,TS val * ecr *], length 0',
      'IP 192.168.1.64.22 > 192.168.1.63.53198: Flags [P.], seq 1:22, ack 22, win 227, options [nop,nop,TS val * ecr *], length 21',
    ]);
  });

  it('renders the time column from the simulated clock when asked (all six at 00:00:00.000000 here)', () => {
    const lines = tcpdumpTrace(seedConnection().trace.slice(0, 6), { time: true });
    expect(lines.map((l) => l.slice(0, 16))).toEqual(Array(6).fill('00:00:00.000000 '));
    expect(lines.map((l) => normalise(l))).toEqual(CAPTURE.map(normalise));
  });
});
