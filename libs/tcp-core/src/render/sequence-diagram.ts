/**
 * A whole session as a textbook time-sequence diagram (RFC 9293 §3.5
 * Figures 6–8, §3.6 Figures 12–13, and the course books' 三次握手 / 四次挥手
 * figures): the layout as neutral data — rows from top to bottom, one arrow
 * per segment, the states each side passes through, the TIME_WAIT 2MSL wait —
 * which render/svg.ts draws and render/mermaid.ts writes out.
 *
 * Rows follow the order of the history, not only at_ms: delivery is instant
 * in simulated time, yet a segment is drawn arriving below the row it left
 * from (it takes time on a real network), and nothing later in the history
 * is drawn above anything earlier.
 */
import type { EventCode } from '../codes';
import type { TcpEvent } from '../events';
import { ACK, FIN, RST, SYN, flagsLabel, type Address, type Segment, type Side } from '../segment';
import type { State } from '../state';
import type { Language } from './messages';

/** A session as the service stores it: both addresses and the result of every step, in order. */
export interface SessionHistory {
  client: Address;
  server: Address;
  steps: ReadonlyArray<{ readonly events: readonly TcpEvent[]; readonly segments: readonly Segment[] }>;
}

/** How a segment came onto the wire: sent by its TCP, sent again after a timeout, injected from outside, or copied by the network. */
export type ArrowOrigin = 'sent' | 'retransmitted' | 'injected' | 'duplicated';

/** What became of it by the end of the history. */
export type ArrowFate = 'delivered' | 'dropped' | 'in_flight';

export interface DiagramArrow {
  segment_id: number;
  from: Side;
  to: Side;
  flags: number;
  seq: number;
  ack: number;
  length: number;
  origin: ArrowOrigin;
  fate: ArrowFate;
  send_row: number;
  /** Set when fate is 'delivered'. */
  arrive_row: number | null;
  /** Set when fate is 'dropped' (by the caller, or lost at random): the row the segment would have reached; it is crossed out halfway. */
  drop_row: number | null;
}

export type RowMark =
  | { kind: 'state'; side: Side; from: State; to: State }
  | { kind: 'send'; side: Side; segment_id: number }
  | { kind: 'arrive'; side: Side; segment_id: number }
  | { kind: 'drop'; segment_id: number }
  /** A segment reached the side in TIME_WAIT and restarted its 2MSL timer (RFC 9293 §3.10.7.4). */
  | { kind: 'time_wait_restart'; side: Side };

/** One moment of the diagram; its marks are in the order of the history. */
export interface DiagramRow {
  index: number;
  /** Simulated time of the row: rows further apart in time are drawn further apart. */
  at_ms: number;
  marks: RowMark[];
}

export interface StateLabel {
  side: Side;
  row: number;
  from: State;
  state: State;
}

/** One stay in TIME_WAIT: entered at start_row, 2MSL restarted at each of restart_rows, left at end_row (null while it lasts). */
export interface TimeWaitBracket {
  side: Side;
  start_row: number;
  restart_rows: number[];
  end_row: number | null;
  /** The 2MSL timer ran out (RFC 9293 §3.10.8), rather than something else ending the wait. */
  expired: boolean;
  two_msl_ms: number | null;
}

export interface SequenceDiagram {
  client: Address;
  server: Address;
  /** Each side's state before the first row (null if the history never mentions the side). */
  initial: Record<Side, State | null>;
  rows: DiagramRow[];
  /** In the order the segments went onto the wire. */
  arrows: DiagramArrow[];
  /** In row order. */
  states: StateLabel[];
  time_wait: TimeWaitBracket[];
}

/**
 * Where a mark goes within a moment on one side's line: a segment arrives,
 * the state changes because of it, the answer leaves. Anything out of that
 * order starts a new row, so that no point on a line means two things.
 */
const RANK = { arrive: 0, state: 1, send: 2 } as const;

/** The codes with which a side in TIME_WAIT restarts its 2MSL timer (arrive.ts, RFC 9293 §3.10.7.4). */
const TIME_WAIT_RESTARTS: ReadonlySet<EventCode> = new Set<EventCode>(['TIME_WAIT_FIN_ACKED_AGAIN', 'TIME_WAIT_SEGMENT_ACKED_AGAIN', 'FIN_REPEATED']);

const ORIGIN_BY_CODE: Partial<Record<EventCode, ArrowOrigin>> = {
  SEGMENT_SENT: 'sent',
  SEGMENT_RETRANSMITTED: 'retransmitted',
  SEGMENT_INJECTED: 'injected',
  SEGMENT_DUPLICATED: 'duplicated',
};

export function sequenceDiagram(history: SessionHistory): SequenceDiagram {
  const rows: DiagramRow[] = [];
  const arrows = new Map<number, DiagramArrow>();
  const states: StateLabel[] = [];
  const timeWait: TimeWaitBracket[] = [];
  const open: Record<Side, TimeWaitBracket | null> = { client: null, server: null };
  const points: Record<Side, { row: number; rank: number } | null> = { client: null, server: null };
  const initial: Record<Side, State | null> = { client: null, server: null };

  /** The last row if the mark may join it (same time, not before minRow), else a new one. */
  const rowFor = (at_ms: number, minRow: number, joinable: (row: number) => boolean): DiagramRow => {
    const last = rows[rows.length - 1];
    if (last && last.at_ms === at_ms && minRow <= last.index && joinable(last.index)) return last;
    const row: DiagramRow = { index: rows.length, at_ms, marks: [] };
    rows.push(row);
    return row;
  };

  const onSide = (side: Side, kind: keyof typeof RANK, at_ms: number, minRow: number, mark: RowMark): number => {
    const point = points[side];
    const row = rowFor(at_ms, minRow, (index) => !point || point.row !== index || point.rank < RANK[kind]);
    points[side] = { row: row.index, rank: RANK[kind] };
    row.marks.push(mark);
    return row.index;
  };

  const depart = (segment: Segment, origin: ArrowOrigin, at_ms: number, original: DiagramArrow | undefined): void => {
    const arrow: DiagramArrow = {
      segment_id: segment.id,
      from: segment.from,
      to: segment.to,
      flags: segment.flags,
      seq: segment.seq,
      ack: segment.ack,
      length: segment.length,
      origin,
      fate: 'in_flight',
      send_row: 0,
      arrive_row: null,
      drop_row: null,
    };
    // A network's copy left when the original did; the sender's line has nothing new to show.
    arrow.send_row = original ? original.send_row : onSide(segment.from, 'send', at_ms, 0, { kind: 'send', side: segment.from, segment_id: segment.id });
    arrows.set(segment.id, arrow);
  };

  for (const { events, segments } of history.steps) {
    const byId = new Map(segments.map((s) => [s.id, s]));
    /** Segments of this step that no event put on the wire still get an arrow, from where they are first mentioned. */
    const ensureDeparted = (id: number, at_ms: number): DiagramArrow | undefined => {
      const segment = byId.get(id);
      if (!arrows.has(id) && segment) depart(segment, 'sent', at_ms, undefined);
      return arrows.get(id);
    };
    for (const event of events) {
      const side = event.endpoint;
      if (side && initial[side] === null && event.from_state) initial[side] = event.from_state;
      const id = event.segment_id;
      const origin = ORIGIN_BY_CODE[event.code];
      if (origin && id !== null && !arrows.has(id)) {
        const segment = byId.get(id);
        const original = origin === 'duplicated' ? arrows.get(Number(event.params['original_id'])) : undefined;
        if (segment) depart(segment, origin, event.at_ms, original);
      } else if (event.code === 'SEGMENT_ARRIVED' && side && id !== null) {
        const arrow = ensureDeparted(id, event.at_ms);
        if (!arrow || arrow.fate !== 'in_flight') continue;
        arrow.fate = 'delivered';
        arrow.arrive_row = onSide(side, 'arrive', event.at_ms, arrow.send_row + 1, { kind: 'arrive', side, segment_id: id });
      } else if (event.kind === 'drop' && id !== null) {
        const arrow = ensureDeparted(id, event.at_ms);
        if (!arrow || arrow.fate !== 'in_flight') continue;
        const row = rowFor(event.at_ms, arrow.send_row + 1, () => true);
        row.marks.push({ kind: 'drop', segment_id: id });
        arrow.fate = 'dropped';
        arrow.drop_row = row.index;
      } else if (event.kind === 'transition' && side && event.from_state && event.to_state && event.from_state !== event.to_state) {
        const row = onSide(side, 'state', event.at_ms, 0, { kind: 'state', side, from: event.from_state, to: event.to_state });
        states.push({ side, row, from: event.from_state, state: event.to_state });
        const bracket = open[side];
        if (bracket) {
          bracket.end_row = row;
          bracket.expired = event.code === 'TIME_WAIT_EXPIRED';
          open[side] = null;
        }
        if (event.to_state === 'TIME_WAIT') {
          const twoMsl = event.params['two_msl_ms'];
          const entered: TimeWaitBracket = {
            side,
            start_row: row,
            restart_rows: [],
            end_row: null,
            expired: false,
            two_msl_ms: typeof twoMsl === 'number' ? twoMsl : null,
          };
          timeWait.push(entered);
          open[side] = entered;
        }
      } else if (side && open[side] && TIME_WAIT_RESTARTS.has(event.code)) {
        // The segment that restarts the timer has just arrived: the restart belongs to its row.
        const row = rows[points[side]?.row ?? rows.length - 1]!;
        row.marks.push({ kind: 'time_wait_restart', side });
        open[side]!.restart_rows.push(row.index);
      }
    }
    const stepEnd = events[events.length - 1]?.at_ms ?? rows[rows.length - 1]?.at_ms ?? 0;
    for (const segment of segments) ensureDeparted(segment.id, stepEnd);
  }

  return {
    client: history.client,
    server: history.server,
    initial,
    rows,
    arrows: [...arrows.values()],
    states,
    time_wait: timeWait,
  };
}

/** "SYN seq=481914174", "SYN,ACK seq=2737267460 ack=481914175", "ACK ack=2737267461", "PSH,ACK seq=… ack=… len=21": the fields tcpdump would show. */
export function arrowLabel(arrow: Pick<DiagramArrow, 'flags' | 'seq' | 'ack' | 'length'>): string {
  const parts = [flagsLabel(arrow.flags)];
  if (arrow.length > 0 || arrow.flags & (SYN | FIN | RST)) parts.push(`seq=${arrow.seq}`);
  if (arrow.flags & ACK) parts.push(`ack=${arrow.ack}`);
  if (arrow.length > 0) parts.push(`len=${arrow.length}`);
  return parts.join(' ');
}

/** The arrow's label with what a reader cannot see from the line itself: a retransmission, a segment still in flight. */
export function arrowCaption(arrow: DiagramArrow, text: DiagramText): string {
  const marks = [arrow.origin === 'retransmitted' ? text.retransmission : '', arrow.fate === 'in_flight' ? text.inFlight : ''].filter(Boolean);
  return [arrowLabel(arrow), ...marks].join(' ');
}

/** "192.168.1.63:53198", or "[2001:db8::1]:80" for IPv6, as URLs write it. */
export function addressLabel(address: Address): string {
  return address.ip.includes(':') ? `[${address.ip}]:${address.port}` : `${address.ip}:${address.port}`;
}

/** The diagram's words in each language; state names, flags and seq=/ack= stay as tools print them (GLOSSARY.md). */
export interface DiagramText {
  side: Record<Side, string>;
  title: (client: string, server: string) => string;
  twoMsl: (ms: number | null) => string;
  restarted: string;
  inFlight: string;
  /** Marks a segment sent again after a timeout, which otherwise looks like any other arrow. */
  retransmission: string;
}

/** 60000 → "60", 1500 → "1.5". */
function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

export const DIAGRAM_TEXT: Record<Language, DiagramText> = {
  en: {
    side: { client: 'client', server: 'server' },
    title: (client, server) => `TCP sequence diagram: client ${client}, server ${server}`,
    twoMsl: (ms) => (ms === null ? '2MSL' : `2MSL = ${seconds(ms)} s`),
    restarted: '2MSL restarted',
    inFlight: '(in flight)',
    retransmission: '(retransmission)',
  },
  'zh-CN': {
    side: { client: '客户端', server: '服务器' },
    title: (client, server) => `TCP 时序图：客户端 ${client}，服务器 ${server}`,
    twoMsl: (ms) => (ms === null ? '2MSL' : `2MSL = ${seconds(ms)} 秒`),
    restarted: '重新开始 2MSL 计时',
    inFlight: '（传输中）',
    retransmission: '（重传）',
  },
};
