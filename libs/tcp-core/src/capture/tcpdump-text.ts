/**
 * tcpdump's text output, read back: `tcpdump -n` with or without `-S`, with
 * or without the time column (HH:MM:SS.frac, `-tttt` date and time, or `-tt`
 * epoch seconds), tcpdump 4.9's service names (`192.168.1.64.ssh`) and
 * 4.99's numbers (`192.168.1.64.22`). Lines that are packets but not IPv4 TCP
 * are skipped; lines that are not tcpdump packet lines are reported with their
 * line numbers. Nothing throws.
 *
 * Relative numbers (tcpdump without -S) are turned back into absolute ones by
 * tcpdump's own rule (print-tcp.c; render/tcpdump.ts `RelativeNumbering` is
 * the forward direction): only segments with ACK take part; the first one of a
 * conversation — or any with SYN — prints absolute and sets both bases (its
 * seq for its direction, ack − 1 for the other); later ones print offsets.
 */
import { ACK, FIN, PSH, RST, SYN, URG, type Address, type TcpOption } from '../segment';
import { seqAdd } from '../sequence';
import type { CapturedSegment, ParsedCapture, SkippedPacket, UnparsedLine } from './types';

/** The service names tcpdump 4.9 prints even with -n (from /etc/services), for the ports a lab meets. */
export const SERVICE_PORTS: Readonly<Record<string, number>> = {
  'ftp-data': 20,
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  pop3: 110,
  sunrpc: 111,
  nntp: 119,
  netbios: 139,
  'netbios-ssn': 139,
  imap: 143,
  bgp: 179,
  ldap: 389,
  https: 443,
  'microsoft-ds': 445,
  submission: 587,
  rsync: 873,
  imaps: 993,
  pop3s: 995,
  'ms-sql-s': 1433,
  mysql: 3306,
  'ms-wbt-server': 3389,
  postgresql: 5432,
  'x11': 6000,
  'http-alt': 8080,
  webcache: 8080,
};

export interface TcpdumpParseOptions {
  /** How the numbers were printed: 'auto' (default) decides per conversation from the numbers themselves. */
  numbering?: 'auto' | 'absolute' | 'relative';
}

/** One line as printed, before relative numbers are resolved. */
interface Printed {
  line: number;
  time_us: number | null;
  src: Address;
  dst: Address;
  flags: number;
  seq: number | null;
  ack: number | null;
  window: number;
  urgent_pointer: number;
  options: TcpOption[];
  length: number;
}

const TIME = String.raw`(?:(\d{4})-(\d\d)-(\d\d) )?(?:(\d\d):(\d\d):(\d\d)\.(\d{1,9})|(\d{9,})\.(\d{1,9})) +`;
const IFACE = String.raw`(?:\S+ +(?:In|Out|B|M|P) +)?`;
const PACKET = new RegExp(`^(?:${TIME})?${IFACE}(IP6?|ARP|[A-Z][A-Za-z0-9]*,?) (.*)$`);
const ADDRESS = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\.([A-Za-z0-9][A-Za-z0-9_-]*)$/;

const FLAG_LETTERS: Record<string, number> = { F: FIN, S: SYN, R: RST, P: PSH, '.': ACK, U: URG, E: 0, W: 0 };

function timeOf(m: RegExpExecArray): number | null {
  const [, y, mo, d, hh, mm, ss, frac, epoch, epochFrac] = m;
  const micros = (f: string): number => Math.floor(Number(f.padEnd(9, '0')) / 1000);
  if (epoch !== undefined) return Number(epoch) * 1_000_000 + micros(epochFrac!);
  if (hh === undefined) return null;
  const day = y !== undefined ? Date.UTC(Number(y), Number(mo) - 1, Number(d)) * 1000 : 0;
  return day + ((Number(hh) * 60 + Number(mm)) * 60 + Number(ss)) * 1_000_000 + micros(frac!);
}

function port(text: string): number | null {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 0xffff ? n : null;
  }
  return SERVICE_PORTS[text] ?? null;
}

function parseOptions(text: string): TcpOption[] {
  const options: TcpOption[] = [];
  for (const raw of text.split(',')) {
    const o = raw.trim();
    let m: RegExpExecArray | null;
    if (o === 'nop') options.push({ kind: 'nop' });
    else if (o === 'eol') options.push({ kind: 'eol' });
    else if (o === 'sackOK') options.push({ kind: 'sackOK' });
    else if ((m = /^mss (\d+)$/.exec(o))) options.push({ kind: 'mss', value: Number(m[1]) });
    else if ((m = /^wscale (\d+)$/.exec(o))) options.push({ kind: 'wscale', shift: Number(m[1]) });
    else if ((m = /^TS val (\d+) ecr (\d+)$/.exec(o))) options.push({ kind: 'ts', val: Number(m[1]), ecr: Number(m[2]) });
    // Anything else (sack blocks, md5, mptcp, unknown-N) is not a TcpOption tcp-core models: left out.
  }
  return options;
}

type LineResult = { ok: Printed } | { skip: string } | { unparsed: string };

function parseLine(text: string, line: number): LineResult {
  const m = PACKET.exec(text);
  if (!m) return { unparsed: 'not a tcpdump packet line' };
  const proto = m[10]!;
  const rest = m[11]!;
  if (proto !== 'IP') return { skip: `${proto.replace(/,$/, '')} is not IPv4` };
  const head = /^(\S+) > (\S+): (.*)$/.exec(rest);
  if (!head) return { unparsed: 'no "src > dst:" addresses' };
  const src = ADDRESS.exec(head[1]!);
  const dst = ADDRESS.exec(head[2]!);
  const body = head[3]!;
  if (!src || !dst) return /Flags \[/.test(body) ? { unparsed: 'addresses are not IPv4 address.port' } : { skip: 'not a TCP segment' };
  if (!/^Flags \[/.test(body)) return { skip: 'not a TCP segment' };
  const srcPort = port(src[2]!);
  const dstPort = port(dst[2]!);
  if (srcPort === null) return { unparsed: `unknown port or service name "${src[2]}"` };
  if (dstPort === null) return { unparsed: `unknown port or service name "${dst[2]}"` };
  const flagsText = /^Flags \[([^\]]*)\]/.exec(body)![1]!;
  let flags = 0;
  if (flagsText !== 'none') {
    for (const letter of flagsText) {
      const bit = FLAG_LETTERS[letter];
      if (bit === undefined) return { unparsed: `unknown flag "${letter}"` };
      flags |= bit;
    }
  }
  const seq = /, seq (\d+)(?::(\d+))?/.exec(body);
  const ack = /, ack (\d+)/.exec(body);
  const win = /, win (\d+)/.exec(body);
  const urg = /, urg (\d+)/.exec(body);
  const options = /, options \[([^\]]*)\]/.exec(body);
  const length = /, length (\d+)/.exec(body);
  if (!win) return { unparsed: 'no "win" field' };
  if (!length) return { unparsed: 'no "length" field' };
  const numbers = [seq?.[1], ack?.[1], win[1], length[1], urg?.[1]].filter((v): v is string => v !== undefined).map(Number);
  if (numbers.some((n) => n > 0xffffffff) || Number(win[1]) > 0xffff || Number(length[1]) > 0xffff) return { unparsed: 'a number is out of range' };
  const time = m[1] !== undefined || m[4] !== undefined || m[8] !== undefined ? timeOf(m) : null;
  return {
    ok: {
      line,
      time_us: time,
      src: { ip: src[1]!, port: srcPort },
      dst: { ip: dst[1]!, port: dstPort },
      flags,
      seq: seq ? Number(seq[1]) : null,
      ack: ack && flags & ACK ? Number(ack[1]) : null,
      window: Number(win[1]),
      urgent_pointer: urg ? Number(urg[1]) : 0,
      options: options ? parseOptions(options[1]!) : [],
      length: Number(length[1]),
    },
  };
}

const key = (a: Address, b: Address): string => `${a.ip}.${a.port}>${b.ip}.${b.port}`;
const conversation = (p: Printed): string => [key(p.src, p.dst), key(p.dst, p.src)].sort().join('|');

/** x mod 2^32 as a signed distance, so that 5 and 2^32 − 5 are both "near 0". */
function distance(x: number): number {
  const d = seqAdd(x, 0);
  return d >= 0x80000000 ? 0x100000000 - d : d;
}

/**
 * Whether a conversation was printed relative: replay tcpdump's bases and
 * see whether the later numbers sit near 0 (relative) or near the bases
 * (absolute). Ties, including conversations with nothing after the first
 * ACK-bearing segment (where both readings agree), read absolute.
 */
function looksRelative(lines: readonly Printed[]): boolean {
  const bases = new Map<string, number>();
  let relative = 0;
  let absolute = 0;
  for (const p of lines) {
    if (!(p.flags & ACK) || p.ack === null || setsBases(bases, p, p.ack)) continue;
    const mine = key(p.src, p.dst);
    const theirs = key(p.dst, p.src);
    const pairs: Array<[number, number]> = [[p.ack, bases.get(theirs)!]];
    if (p.seq !== null) pairs.push([p.seq, bases.get(mine)!]);
    for (const [printed, base] of pairs) {
      relative += distance(printed);
      absolute += distance(printed - base);
    }
  }
  return relative < absolute;
}

/**
 * tcpdump's own bookkeeping (print-tcp.c): the first ACK-bearing line of a conversation, and any with SYN,
 * is printed absolute and sets both directions' bases. Returns whether `p` was such a line. A pure ACK shows
 * no seq, so its direction's base is unknown: 0 keeps that direction's seqs and the peer's acks of it
 * consistent with each other (both offset by the same unknown constant).
 */
function setsBases(bases: Map<string, number>, p: Printed, ack: number): boolean {
  const mine = key(p.src, p.dst);
  const theirs = key(p.dst, p.src);
  if (bases.has(mine) && bases.has(theirs) && !(p.flags & SYN)) return false;
  if (p.seq !== null) bases.set(mine, p.seq);
  else if (!bases.has(mine)) bases.set(mine, 0);
  bases.set(theirs, seqAdd(ack, -1));
  return true;
}

/** tcpdump's rule, backwards: relative numbers of one conversation → absolute, in place. */
function resolveRelative(lines: readonly Printed[]): void {
  const bases = new Map<string, number>();
  for (const p of lines) {
    if (!(p.flags & ACK) || p.ack === null || setsBases(bases, p, p.ack)) continue;
    const mine = key(p.src, p.dst);
    const theirs = key(p.dst, p.src);
    if (p.seq !== null) p.seq = seqAdd(p.seq, bases.get(mine)!);
    p.ack = seqAdd(p.ack, bases.get(theirs)!);
  }
}

/** Pure ACK lines show no seq: it is the direction's next sequence number, found from the lines around it. */
function inferSeq(all: readonly Printed[], i: number): number {
  const p = all[i]!;
  const mine = key(p.src, p.dst);
  for (let j = i - 1; j >= 0; j--) {
    const q = all[j]!;
    if (key(q.src, q.dst) === mine && q.seq !== null) return seqAdd(q.seq, q.length + (q.flags & SYN ? 1 : 0) + (q.flags & FIN ? 1 : 0));
  }
  for (let j = i + 1; j < all.length; j++) {
    const q = all[j]!;
    if (key(q.src, q.dst) === mine && q.seq !== null) return q.seq;
  }
  // Nothing from this direction shows a seq: what the peer last (or next) acknowledges.
  const peerAck = (q: Printed): boolean => key(q.dst, q.src) === mine && q.ack !== null;
  for (let j = i - 1; j >= 0; j--) if (peerAck(all[j]!)) return all[j]!.ack!;
  for (let j = i + 1; j < all.length; j++) if (peerAck(all[j]!)) return all[j]!.ack!;
  return 0;
}

export function parseTcpdumpText(text: string, options: TcpdumpParseOptions = {}): ParsedCapture {
  const printed: Printed[] = [];
  const skipped: SkippedPacket[] = [];
  const unparsed: UnparsedLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const r = parseLine(line, i + 1);
    if ('ok' in r) printed.push(r.ok);
    else if ('skip' in r) skipped.push({ frame: i + 1, reason: r.skip });
    else unparsed.push({ line: i + 1, text: raw, reason: r.unparsed });
  });

  const byConversation = new Map<string, Printed[]>();
  for (const p of printed) {
    const k = conversation(p);
    const list = byConversation.get(k) ?? [];
    list.push(p);
    byConversation.set(k, list);
  }
  const numbering = options.numbering ?? 'auto';
  for (const lines of byConversation.values()) {
    if (numbering === 'relative' || (numbering === 'auto' && looksRelative(lines))) resolveRelative(lines);
  }

  const segments: CapturedSegment[] = printed.map((p, i) => {
    const segment: CapturedSegment = {
      frame: p.line,
      time_us: p.time_us,
      src: p.src,
      dst: p.dst,
      seq: p.seq ?? inferSeq(printed, i),
      ack: p.ack ?? 0,
      flags: p.flags,
      window: p.window,
      urgent_pointer: p.urgent_pointer,
      length: p.length,
      options: p.options,
      payload: null,
    };
    if (p.seq === null) segment.seq_inferred = true;
    return segment;
  });
  return { format: 'tcpdump', segments, skipped_packets: skipped, unparsed_lines: unparsed, errors: [] };
}
