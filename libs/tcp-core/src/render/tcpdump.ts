/**
 * Segments as tcpdump prints them (print-tcp.c), with `-n -S` (absolute
 * sequence numbers) or without -S (relative to each direction's ISN):
 *
 *   IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [S], seq 481914174, win 29200,
 *     options [mss 1460,sackOK,TS val 547753 ecr 0,nop,wscale 7], length 0
 */
import { ACK, FIN, PSH, RST, SYN, URG, type Segment, type TcpOption } from '../segment';
import { seqAdd } from '../sequence';

/** tcpdump's flag letters, in its table order (tcp_flag_values): FIN SYN RST PSH ACK URG. */
const FLAG_LETTERS: ReadonlyArray<[number, string]> = [
  [FIN, 'F'],
  [SYN, 'S'],
  [RST, 'R'],
  [PSH, 'P'],
  [ACK, '.'],
  [URG, 'U'],
];

export function tcpdumpFlags(flags: number): string {
  const letters = FLAG_LETTERS.filter(([bit]) => flags & bit).map(([, letter]) => letter).join('');
  return letters === '' ? 'none' : letters;
}

function option(o: TcpOption): string {
  switch (o.kind) {
    case 'mss':
      return `mss ${o.value}`;
    case 'wscale':
      return `wscale ${o.shift}`;
    case 'sackOK':
      return 'sackOK';
    case 'ts':
      return `TS val ${o.val} ecr ${o.ecr}`;
    case 'nop':
      return 'nop';
    case 'eol':
      return 'eol';
  }
}

/** HH:MM:SS.uuuuuu of simulated time, as tcpdump's default time column. */
export function tcpdumpTime(ms: number): string {
  const totalUs = Math.round(ms * 1000);
  const us = totalUs % 1_000_000;
  const totalS = Math.floor(totalUs / 1_000_000);
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  return `${pad(Math.floor(totalS / 3600) % 24, 2)}:${pad(Math.floor(totalS / 60) % 60, 2)}:${pad(totalS % 60, 2)}.${pad(us, 6)}`;
}

export interface TcpdumpOptions {
  /** Prefix the simulated time column. */
  time?: boolean;
  /** Sequence numbers as they are on the wire (-S), or relative (tcpdump's default). */
  numbering?: 'absolute' | 'relative';
}

/** The numbers of one segment as tcpdump shows them: given, or made relative by `RelativeNumbering`. */
interface Numbers {
  seq: number;
  ack: number;
}

/** One line, for one segment. */
export function tcpdumpLine(segment: Segment, numbers: Numbers = segment, options: TcpdumpOptions = {}): string {
  const parts: string[] = [];
  const flags = segment.flags;
  parts.push(`Flags [${tcpdumpFlags(flags)}]`);
  if (segment.length > 0 || flags & (SYN | FIN | RST)) {
    parts.push(segment.length > 0 ? `seq ${numbers.seq}:${seqAdd(numbers.seq, segment.length)}` : `seq ${numbers.seq}`);
  }
  if (flags & ACK) parts.push(`ack ${numbers.ack}`);
  parts.push(`win ${segment.window}`);
  if (flags & URG) parts.push(`urg ${segment.urgent_pointer}`);
  if (segment.options.length > 0) parts.push(`options [${segment.options.map(option).join(',')}]`);
  parts.push(`length ${segment.length}`);
  const head = `IP ${segment.src.ip}.${segment.src.port} > ${segment.dst.ip}.${segment.dst.port}: `;
  const line = head + parts.join(', ');
  return options.time ? `${tcpdumpTime(segment.sent_at_ms)} ${line}` : line;
}

/**
 * tcpdump's relative numbering (print-tcp.c, without -S): only segments with
 * ACK take part. The first one seen for a conversation — or any with SYN —
 * records both ISNs (its own seq, and ack − 1 for the other direction) and is
 * printed absolute; later ones print seq and ack minus those, modulo 2^32.
 * So the first SYN and the SYN,ACK print absolute, the third segment `ack 1`.
 */
export class RelativeNumbering {
  private readonly isns = new Map<string, number>();

  numbers(segment: Segment): Numbers {
    if (!(segment.flags & ACK)) return { seq: segment.seq, ack: segment.ack };
    const mine = `${segment.src.ip}.${segment.src.port}>${segment.dst.ip}.${segment.dst.port}`;
    const theirs = `${segment.dst.ip}.${segment.dst.port}>${segment.src.ip}.${segment.src.port}`;
    const known = this.isns.has(mine) && this.isns.has(theirs);
    if (!known || segment.flags & SYN) {
      this.isns.set(mine, segment.seq);
      this.isns.set(theirs, seqAdd(segment.ack, -1));
      return { seq: segment.seq, ack: segment.ack };
    }
    return { seq: seqAdd(segment.seq, -this.isns.get(mine)!), ack: seqAdd(segment.ack, -this.isns.get(theirs)!) };
  }
}

/** A whole trace, one line per segment, in the order given. */
export function tcpdumpTrace(segments: readonly Segment[], options: TcpdumpOptions = {}): string[] {
  const relative = options.numbering === 'relative' ? new RelativeNumbering() : null;
  return segments.map((s) => tcpdumpLine(s, relative ? relative.numbers(s) : s, options));
}
