/**
 * The sequence diagram (sequence-diagram.ts) as a Mermaid `sequenceDiagram`,
 * for Markdown that renders Mermaid (GitHub, GitLab, many course notes).
 * Mermaid draws every message level, so a segment is written where it
 * arrives (`C->>S`), or where the network drops it (`C-xS`); one still in
 * flight at the end is written where it left, dotted. States are notes over
 * their side, where they begin.
 */
import type { Side } from '../segment';
import type { Language } from './messages';
import { DIAGRAM_TEXT, addressLabel, arrowCaption, sequenceDiagram, type DiagramArrow, type SessionHistory } from './sequence-diagram';

export interface MermaidOptions {
  lang?: Language;
}

const ALIAS: Record<Side, string> = { client: 'C', server: 'S' };

/** Mermaid ends a statement at ";" and reads "#…;" as an entity, so both are written as entities. */
function text(value: string): string {
  return value.replace(/[#;\r\n]/g, (ch) => (ch === '\r' || ch === '\n' ? ' ' : `#${ch.charCodeAt(0)};`));
}

export function renderMermaid(history: SessionHistory, options: MermaidOptions = {}): string {
  const words = DIAGRAM_TEXT[options.lang ?? 'en'];
  const diagram = sequenceDiagram(history);
  const arrows = new Map(diagram.arrows.map((a) => [a.segment_id, a]));
  const twoMsl = new Map(diagram.time_wait.map((b) => [`${b.side}@${b.start_row}`, b.two_msl_ms]));
  const message = (a: DiagramArrow, arrow: string): string => `  ${ALIAS[a.from]}${arrow}${ALIAS[a.to]}: ${text(arrowCaption(a, words))}`;

  const lines = ['sequenceDiagram'];
  for (const side of ['client', 'server'] as const) {
    lines.push(`  participant ${ALIAS[side]} as ${text(`${words.side[side]} ${addressLabel(diagram[side])}`)}`);
  }
  for (const side of ['client', 'server'] as const) {
    const initial = diagram.initial[side];
    if (initial) lines.push(`  Note over ${ALIAS[side]}: ${initial}`);
  }
  for (const row of diagram.rows) {
    for (const mark of row.marks) {
      switch (mark.kind) {
        case 'state': {
          const note = mark.to === 'TIME_WAIT' ? `TIME_WAIT (${words.twoMsl(twoMsl.get(`${mark.side}@${row.index}`) ?? null)})` : mark.to;
          lines.push(`  Note over ${ALIAS[mark.side]}: ${text(note)}`);
          break;
        }
        case 'time_wait_restart':
          lines.push(`  Note over ${ALIAS[mark.side]}: ${text(`TIME_WAIT (${words.restarted})`)}`);
          break;
        case 'arrive':
          lines.push(message(arrows.get(mark.segment_id)!, '->>'));
          break;
        case 'drop':
          lines.push(message(arrows.get(mark.segment_id)!, '-x'));
          break;
        case 'send': {
          const arrow = arrows.get(mark.segment_id)!;
          if (arrow.fate === 'in_flight') lines.push(message(arrow, '--)'));
          break;
        }
      }
    }
  }
  return lines.join('\n') + '\n';
}
