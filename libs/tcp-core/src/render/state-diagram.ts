/**
 * The RFC 9293 state diagram drawn from the table of legal edges (diagram.ts),
 * so that the picture can never disagree with what the simulator checks.
 */
import { EDGES, type Edge } from '../diagram';

/** A Mermaid `stateDiagram-v2`; edges that share both ends are merged into one label. */
export function stateDiagramMermaid(edges: readonly Edge[] = EDGES): string {
  const merged = new Map<string, string[]>();
  for (const edge of edges) {
    const key = `${edge.from} --> ${edge.to}`;
    const label = edge.sends ? `${edge.cause} / ${edge.sends}` : edge.cause;
    merged.set(key, [...(merged.get(key) ?? []), label]);
  }
  const lines = ['stateDiagram-v2', '  [*] --> CLOSED'];
  for (const [key, labels] of merged) lines.push(`  ${key}: ${labels.join('; ')}`);
  return lines.join('\n') + '\n';
}
