/**
 * Segments → connections: grouped by 4-tuple, both directions together, in
 * capture order. A SYN without ACK on a 4-tuple whose connection has ended
 * (an RST was seen, or a FIN from each side) starts a new connection, as a
 * reused port does.
 */
import { ACK, FIN, RST, SYN } from '../segment';
import type { CapturedSegment } from './types';

interface Open {
  segments: CapturedSegment[];
  finFrom: Set<string>;
  reset: boolean;
}

const endpointKey = (a: { ip: string; port: number }): string => `${a.ip}:${a.port}`;

export function fourTuple(s: CapturedSegment): string {
  return [endpointKey(s.src), endpointKey(s.dst)].sort().join(' <> ');
}

export function splitConnections(segments: readonly CapturedSegment[]): CapturedSegment[][] {
  const all: Open[] = [];
  const current = new Map<string, Open>();
  for (const s of segments) {
    const k = fourTuple(s);
    let c = current.get(k);
    const ended = c !== undefined && (c.reset || c.finFrom.size === 2);
    const opening = (s.flags & (SYN | ACK)) === SYN;
    if (!c || (ended && opening)) {
      c = { segments: [], finFrom: new Set(), reset: false };
      current.set(k, c);
      all.push(c);
    }
    c.segments.push(s);
    if (s.flags & RST) c.reset = true;
    if (s.flags & FIN) c.finFrom.add(endpointKey(s.src));
  }
  return all.map((c) => c.segments);
}
