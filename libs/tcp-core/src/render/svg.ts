/**
 * The sequence diagram (sequence-diagram.ts) as a standalone SVG, drawn as
 * course books draw the handshake and teardown: the client's and the
 * server's timelines side by side, time flowing down, each segment a slanted
 * arrow from the row it left to the row it arrived (it takes time on the
 * wire), a lost one crossed out halfway, each state written beside its line
 * where it begins, and TIME_WAIT's 2MSL as a bracket.
 *
 * Deterministic: the same history gives the same bytes. Nothing is measured
 * at run time: labels are set in a monospace font, whose width is known
 * (0.6 em a character, a full em for CJK), and each arrow's label goes above
 * the arrow's middle, or the nearest place along it that collides with no
 * other label or arrow. No ids and no <style>: several diagrams can sit
 * inline in one page.
 */
import type { Side } from '../segment';
import type { Language } from './messages';
import {
  DIAGRAM_TEXT,
  addressLabel,
  arrowCaption,
  sequenceDiagram,
  type DiagramArrow,
  type SequenceDiagram,
  type SessionHistory,
  type TimeWaitBracket,
} from './sequence-diagram';

export interface SvgOptions {
  lang?: Language;
}

const FONT_FAMILY = 'ui-monospace, SFMono-Regular, Menlo, Consolas, Liberation Mono, DejaVu Sans Mono, monospace';
const SIZE = { name: 15, text: 13, note: 12 } as const;

const COLOR = {
  lifeline: '#1f2937',
  text: '#111827',
  muted: '#4b5563',
  client: '#1d4ed8',
  server: '#047857',
  cross: '#dc2626',
} as const;

/** Vertical rhythm: one row per moment, more space where simulated time moves on. */
const ROW_H = 56;
const TIME_GAP_H = 40;
const NAME_Y = 26;
const ADDRESS_Y = 44;
const LIFELINE_TOP = 56;
const INITIAL_STATE_Y = 80;
const FIRST_ROW_Y = 112;
/** How far the lines run on below the last row. */
const LIFELINE_TAIL = 36;

/** Horizontal: state labels this far from their line, brackets outside them. */
const STATE_GAP = 10;
const BRACKET_GAP = 14;
const BRACKET_ARM = 8;
const MARGIN = 16;
const MIN_LINE_GAP = 460;
/** Crossing arrows may need the lines further apart for both labels to find room: tried in these steps. */
const LINE_GAP_STEP = 40;

const ARROW_HEAD = { length: 10, half: 4.5 } as const;
const CROSS_HALF = 7;
/** A label's baseline sits this far above its arrow; descenders need ~0.25 em of it. */
const LABEL_LIFT = 5;
/** Room a label leaves at either end of its arrow. */
const LABEL_END_CLEARANCE = 8;
/** Where along the visible arrow a label may be centred, best first: the middle, then alternately towards either end. */
const LABEL_POSITIONS = [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82] as const;

interface Point {
  x: number;
  y: number;
}

/** Width of a line of monospace text: 0.6 em a character, 1 em for CJK and full-width forms. */
function textWidth(text: string, size: number): number {
  let ems = 0;
  for (const ch of text) ems += ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.6;
  return ems * size;
}

/** Numbers as attributes: one decimal, never "-0", the same on every platform. */
function num(n: number): string {
  const r = Math.round(n * 10) / 10;
  return r === 0 ? '0' : String(r);
}

/** Text and attribute values as XML 1.0 allows them: markup escaped, control characters other than tab and newline dropped. */
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${typeof value === 'number' ? num(value) : xml(value)}"`)
    .join('');
}

// ---------------------------------------------------------------- geometry

function sub(a: Point, b: Point): Point {
  return { x: a.x - b.x, y: a.y - b.y };
}

function along(a: Point, b: Point, t: number): Point {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}

function unit(v: Point): Point {
  const length = Math.hypot(v.x, v.y);
  return { x: v.x / length, y: v.y / length };
}

/** Separating-axis test for convex polygons (a segment is a polygon of two points). Touching is not overlapping. */
function overlaps(a: readonly Point[], b: readonly Point[]): boolean {
  for (const poly of [a, b]) {
    for (let i = 0; i < poly.length; i++) {
      const p = poly[i]!;
      const q = poly[(i + 1) % poly.length]!;
      const axis = { x: q.y - p.y, y: p.x - q.x };
      if (axis.x === 0 && axis.y === 0) continue;
      const project = (pts: readonly Point[]): [number, number] => {
        const values = pts.map((pt) => pt.x * axis.x + pt.y * axis.y);
        return [Math.min(...values), Math.max(...values)];
      };
      const [aMin, aMax] = project(a);
      const [bMin, bMax] = project(b);
      if (aMax <= bMin || bMax <= aMin) return false;
    }
  }
  return true;
}

/** A label's box: centred on its baseline's midpoint along the reading direction `u`, from its descent to its ascent along the upward normal. */
function labelBox(base: Point, u: Point, width: number, size: number): Point[] {
  const n = { x: u.y, y: -u.x };
  const half = width / 2 + 3;
  const corner = (s: number, h: number): Point => ({ x: base.x + u.x * s + n.x * h, y: base.y + u.y * s + n.y * h });
  return [corner(-half, -0.25 * size - 1), corner(half, -0.25 * size - 1), corner(half, 0.85 * size + 1), corner(-half, 0.85 * size + 1)];
}

// ---------------------------------------------------------------- layout

interface ArrowGeometry {
  arrow: DiagramArrow;
  start: Point;
  /** Where the line visibly ends: the receiver's line, or halfway for a segment dropped or still in flight. */
  end: Point;
  label: string;
}

interface LabelPlacement {
  /** The midpoint of the label's baseline. */
  base: Point;
  /** Degrees, clockwise: the label runs along its arrow, always left to right. */
  angle: number;
  box: Point[];
}

/**
 * The first position along the arrow, above it and then below it, whose box
 * stays clear of both ends and of both timelines, and hits no other label
 * or arrow; failing that, the one that hits the fewest. `hits` counts
 * what the chosen place collides with.
 */
function placeLabel(
  geometry: ArrowGeometry,
  lines: readonly [number, number],
  placed: readonly LabelPlacement[],
  segments: ReadonlyArray<{ arrow: DiagramArrow; points: Point[] }>,
): { placement: LabelPlacement; hits: number } {
  const { start, end, label } = geometry;
  const forward = unit(sub(end, start));
  const u = forward.x >= 0 ? forward : { x: -forward.x, y: -forward.y };
  const n = { x: u.y, y: -u.x };
  const angle = (Math.atan2(u.y, u.x) * 180) / Math.PI;
  const width = textWidth(label, SIZE.text);
  const length = Math.hypot(end.x - start.x, end.y - start.y);
  const at = (t: number, lift: number): LabelPlacement => {
    const mid = along(start, end, t);
    const base = { x: mid.x + n.x * lift, y: mid.y + n.y * lift };
    return { base, angle, box: labelBox(base, u, width, SIZE.text) };
  };
  let best: { placement: LabelPlacement; hits: number } | null = null;
  for (const lift of [LABEL_LIFT, -(LABEL_LIFT + 0.85 * SIZE.text)]) {
    for (const t of LABEL_POSITIONS) {
      // Clear of the sender's line, and of the arrowhead or the cross at the other end.
      if (t * length - width / 2 < LABEL_END_CLEARANCE || (1 - t) * length - width / 2 < LABEL_END_CLEARANCE + ARROW_HEAD.length) continue;
      const placement = at(t, lift);
      const xs = placement.box.map((p) => p.x);
      if (Math.min(...xs) < lines[0] || Math.max(...xs) > lines[1]) continue;
      const hits =
        placed.filter((other) => overlaps(placement.box, other.box)).length +
        segments.filter((s) => s.arrow !== geometry.arrow && overlaps(placement.box, s.points)).length;
      if (hits === 0) return { placement, hits };
      if (!best || hits < best.hits) best = { placement, hits };
    }
  }
  // No place at all (a label longer than the half arrow of a lost segment): it counts as a hit, so that the lines move apart.
  return best ?? { placement: at(0.5, LABEL_LIFT), hits: 1 };
}

export function renderSvg(history: SessionHistory, options: SvgOptions = {}): string {
  return svgOfDiagram(sequenceDiagram(history), options.lang ?? 'en');
}

function svgOfDiagram(diagram: SequenceDiagram, lang: Language): string {
  const text = DIAGRAM_TEXT[lang];
  const address: Record<Side, string> = { client: addressLabel(diagram.client), server: addressLabel(diagram.server) };

  // Rows further apart in simulated time get more space: 2MSL should look long.
  const rowY: number[] = [];
  let y = FIRST_ROW_Y;
  for (const row of diagram.rows) {
    const previous = diagram.rows[row.index - 1];
    if (previous && row.at_ms > previous.at_ms) y += TIME_GAP_H;
    rowY.push(y);
    y += ROW_H;
  }
  /** Rows past the last one are where a segment still in flight would arrive. */
  const yOf = (row: number): number => (row < rowY.length ? rowY[row]! : y + (row - rowY.length) * ROW_H);
  const lifelineBottom = y - ROW_H + LIFELINE_TAIL;
  const height = lifelineBottom + MARGIN;

  const restarts = diagram.time_wait.flatMap((b) => b.restart_rows.map((row) => ({ side: b.side, row })));
  const stateWidth = (side: Side): number =>
    Math.max(
      textWidth(diagram.initial[side] ?? '', SIZE.text),
      ...diagram.states.filter((s) => s.side === side).map((s) => textWidth(s.state, SIZE.text)),
      ...restarts.filter((r) => r.side === side).map(() => textWidth(text.restarted, SIZE.note)),
    );
  const bracketWidth = (side: Side): number => {
    const widths = diagram.time_wait.filter((b) => b.side === side).map((b) => textWidth(text.twoMsl(b.two_msl_ms), SIZE.text));
    return widths.length === 0 ? 0 : BRACKET_GAP + 6 + Math.max(...widths);
  };
  const margin = (side: Side): number =>
    Math.ceil(
      Math.max(
        MARGIN + Math.max(textWidth(text.side[side], SIZE.name), textWidth(address[side], SIZE.text)) / 2,
        STATE_GAP + stateWidth(side) + bracketWidth(side) + MARGIN,
      ),
    );

  // The narrowest gap between the lines at which every label finds a free place; crossing arrows need more.
  const labels = diagram.arrows.map((a) => arrowCaption(a, text));
  const longest = Math.max(0, ...labels.map((l) => textWidth(l, SIZE.text)));
  const narrowest = Math.ceil(Math.max(MIN_LINE_GAP, longest + 180));
  const widest = Math.max(narrowest, Math.ceil(2 * longest + 80));
  let layout = arrowLayout(diagram, labels, yOf, { client: margin('client'), server: margin('client') + narrowest });
  for (let gap = narrowest + LINE_GAP_STEP; layout.hits > 0 && gap <= widest; gap += LINE_GAP_STEP) {
    layout = arrowLayout(diagram, labels, yOf, { client: margin('client'), server: margin('client') + gap });
  }
  const { x, geometries, placements } = layout;
  const width = x.server + margin('server');

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg"${attrs({ width, height, viewBox: `0 0 ${width} ${height}` })}>`);
  out.push(`<title>${xml(text.title(address.client, address.server))}</title>`);
  out.push(`<rect${attrs({ width, height, fill: '#ffffff' })}/>`);
  out.push(`<g${attrs({ 'font-family': FONT_FAMILY, 'font-size': SIZE.text, fill: COLOR.text })}>`);

  for (const side of ['client', 'server'] as const) {
    out.push(`<g${attrs({ class: 'participant', 'data-side': side })}>`);
    out.push(`<text${attrs({ class: 'name', x: x[side], y: NAME_Y, 'text-anchor': 'middle', 'font-size': SIZE.name, 'font-weight': 'bold' })}>${xml(text.side[side])}</text>`);
    out.push(`<text${attrs({ class: 'address', x: x[side], y: ADDRESS_Y, 'text-anchor': 'middle', fill: COLOR.muted })}>${xml(address[side])}</text>`);
    out.push(`<line${attrs({ class: 'lifeline', x1: x[side], y1: LIFELINE_TOP, x2: x[side], y2: lifelineBottom, stroke: COLOR.lifeline, 'stroke-width': 2 })}/>`);
    out.push('</g>');
  }

  // States beside their line, outside the space between the lines that the arrows use.
  const besideLine = (side: Side, atY: number, extra: Record<string, string | number>, content: string): string =>
    `<text${attrs({
      ...extra,
      'data-side': side,
      x: x[side] + (side === 'client' ? -STATE_GAP : STATE_GAP),
      y: atY + 4.5,
      'text-anchor': side === 'client' ? 'end' : 'start',
    })}>${xml(content)}</text>`;
  for (const side of ['client', 'server'] as const) {
    const initial = diagram.initial[side];
    if (initial) out.push(besideLine(side, INITIAL_STATE_Y, { class: 'state', 'data-row': 'initial' }, initial));
  }
  for (const s of diagram.states) out.push(besideLine(s.side, yOf(s.row), { class: 'state', 'data-row': String(s.row) }, s.state));
  for (const r of restarts) {
    out.push(besideLine(r.side, yOf(r.row), { class: 'time-wait-restart', 'data-row': String(r.row), 'font-size': SIZE.note, fill: COLOR.muted }, text.restarted));
  }

  for (const bracket of diagram.time_wait) {
    const outward = bracket.side === 'client' ? -1 : 1;
    const bx = x[bracket.side] + outward * (STATE_GAP + stateWidth(bracket.side) + BRACKET_GAP);
    out.push(...timeWaitBracket(bracket, bx, yOf, lifelineBottom, text.twoMsl(bracket.two_msl_ms)));
  }

  geometries.forEach((g, i) => out.push(...arrowGroup(g, placements[i]!)));

  out.push('</g>');
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Every arrow's line and label for lines at x; hits counts the labels that found no free place. */
function arrowLayout(
  diagram: SequenceDiagram,
  labels: readonly string[],
  yOf: (row: number) => number,
  x: Record<Side, number>,
): { x: Record<Side, number>; geometries: ArrowGeometry[]; placements: LabelPlacement[]; hits: number } {
  const geometries = diagram.arrows.map((arrow, i): ArrowGeometry => {
    const start = { x: x[arrow.from], y: yOf(arrow.send_row) };
    const target = { x: x[arrow.to], y: yOf(arrow.arrive_row ?? arrow.drop_row ?? arrow.send_row + 1) };
    return { arrow, start, end: arrow.fate === 'delivered' ? target : along(start, target, 0.5), label: labels[i]! };
  });
  const segments = geometries.map((g) => ({ arrow: g.arrow, points: [g.start, g.end] }));
  const placements: LabelPlacement[] = [];
  let hits = 0;
  for (const g of geometries) {
    const placed = placeLabel(g, [x.client, x.server], placements, segments);
    placements.push(placed.placement);
    hits += placed.hits;
  }
  return { x, geometries, placements, hits };
}

function arrowGroup({ arrow, start, end, label }: ArrowGeometry, placement: LabelPlacement): string[] {
  const color = arrow.from === 'client' ? COLOR.client : COLOR.server;
  const u = unit(sub(end, start));
  const dashed = arrow.fate === 'in_flight' || arrow.origin === 'injected' || arrow.origin === 'duplicated';
  const lines: string[] = [];
  lines.push(
    `<g${attrs({
      class: `arrow ${arrow.fate.replace('_', '-')}`,
      'data-segment': String(arrow.segment_id),
      'data-from': arrow.from,
      'data-to': arrow.to,
      'data-origin': arrow.origin,
      stroke: color,
      fill: color,
    })}>`,
  );
  const lineEnd = arrow.fate === 'delivered' ? { x: end.x - u.x * (ARROW_HEAD.length - 1), y: end.y - u.y * (ARROW_HEAD.length - 1) } : end;
  lines.push(`<line${attrs({ x1: start.x, y1: start.y, x2: lineEnd.x, y2: lineEnd.y, 'stroke-width': 1.5, ...(dashed ? { 'stroke-dasharray': '6 4' } : {}) })}/>`);
  if (arrow.fate === 'delivered') {
    const n = { x: u.y, y: -u.x };
    const base = { x: end.x - u.x * ARROW_HEAD.length, y: end.y - u.y * ARROW_HEAD.length };
    const head = [end, { x: base.x + n.x * ARROW_HEAD.half, y: base.y + n.y * ARROW_HEAD.half }, { x: base.x - n.x * ARROW_HEAD.half, y: base.y - n.y * ARROW_HEAD.half }];
    lines.push(`<polygon${attrs({ points: head.map((p) => `${num(p.x)},${num(p.y)}`).join(' '), stroke: 'none' })}/>`);
  }
  if (arrow.fate === 'dropped') {
    const c = end;
    const h = CROSS_HALF;
    lines.push(
      `<path${attrs({ class: 'cross', d: `M${num(c.x - h)} ${num(c.y - h)}L${num(c.x + h)} ${num(c.y + h)}M${num(c.x - h)} ${num(c.y + h)}L${num(c.x + h)} ${num(c.y - h)}`, stroke: COLOR.cross, 'stroke-width': 2.5, fill: 'none' })}/>`,
    );
  }
  const { base, angle } = placement;
  lines.push(
    `<text${attrs({ class: 'label', x: base.x, y: base.y, 'text-anchor': 'middle', transform: `rotate(${num(angle)} ${num(base.x)} ${num(base.y)})`, stroke: 'none' })}>${xml(label)}</text>`,
  );
  lines.push('</g>');
  return lines;
}

/**
 * TIME_WAIT as a bracket outside the side's state labels: each 2MSL the
 * timer was restarted before running out (a retransmitted FIN, RFC 9293
 * §3.10.7.4) dashed, the last one solid and labelled "2MSL = 60 s"; open at
 * the bottom while the wait lasts.
 */
function timeWaitBracket(bracket: TimeWaitBracket, bx: number, yOf: (row: number) => number, lifelineBottom: number, label: string): string[] {
  const outward = bracket.side === 'client' ? -1 : 1;
  const arm = -outward * BRACKET_ARM;
  const starts = [bracket.start_row, ...bracket.restart_rows];
  const lines = [`<g${attrs({ class: 'time-wait', 'data-side': bracket.side, stroke: COLOR.muted, fill: 'none' })}>`];
  for (let i = 0; i + 1 < starts.length; i++) {
    const [y1, y2] = [yOf(starts[i]!), yOf(starts[i + 1]!)];
    lines.push(`<path${attrs({ class: 'restarted', d: `M${num(bx + arm)} ${num(y1)}H${num(bx)}V${num(y2)}`, 'stroke-width': 1.5, 'stroke-dasharray': '4 3' })}/>`);
  }
  const y1 = yOf(starts[starts.length - 1]!);
  const y2 = bracket.end_row === null ? lifelineBottom : yOf(bracket.end_row);
  const close = bracket.end_row === null ? '' : `H${num(bx + arm)}`;
  lines.push(`<path${attrs({ class: 'two-msl', d: `M${num(bx + arm)} ${num(y1)}H${num(bx)}V${num(y2)}${close}`, 'stroke-width': 1.5 })}/>`);
  lines.push(
    `<text${attrs({ x: bx + outward * 6, y: (y1 + y2) / 2 + 4.5, 'text-anchor': bracket.side === 'client' ? 'end' : 'start', fill: COLOR.text, stroke: 'none' })}>${xml(label)}</text>`,
  );
  lines.push('</g>');
  return lines;
}
