/**
 * A small strict XML reader and the geometry the diagram tests use: no XML
 * package is a dependency of the project, and the SVG's well-formedness is
 * itself under test.
 */
import type { Side } from '../src';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, at: number): string {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(raw)) throw new Error(`character not allowed in XML near ${at}`);
  if (/&(?!(?:#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);)/.test(raw)) throw new Error(`bare & near ${at}`);
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!,
  );
}

/** Parses a well-formed XML document (elements, attributes, text, comments) and throws at the first fault. */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed at ${i}: ${why}`);
  };
  const skipSpace = (): void => {
    while (/\s/.test(source[i] ?? '')) i++;
  };
  const name = (): string => {
    const match = /[A-Za-z_:][-A-Za-z0-9_.:]*/y;
    match.lastIndex = i;
    const m = match.exec(source) ?? fail('name expected');
    i += m[0].length;
    return m[0];
  };
  const element = (): XmlElement => {
    if (source[i] !== '<') fail('< expected');
    i++;
    const node: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (source.startsWith('/>', i)) {
        i += 2;
        return node;
      }
      if (source[i] === '>') break;
      if (i === before) fail('space expected before an attribute');
      const attr = name();
      if (attr in node.attrs) fail(`duplicate attribute ${attr}`);
      skipSpace();
      if (source[i] !== '=') fail('= expected');
      i++;
      skipSpace();
      const quote = source[i];
      if (quote !== '"' && quote !== "'") fail('quoted value expected');
      const end = source.indexOf(quote!, i + 1);
      if (end < 0) fail('unterminated value');
      const raw = source.slice(i + 1, end);
      if (raw.includes('<')) fail('< in an attribute value');
      node.attrs[attr] = decode(raw, i);
      i = end + 1;
    }
    i++;
    for (;;) {
      if (i >= source.length) fail(`</${node.name}> expected`);
      if (source.startsWith('</', i)) {
        i += 2;
        if (name() !== node.name) fail(`</${node.name}> expected`);
        skipSpace();
        if (source[i] !== '>') fail('> expected');
        i++;
        return node;
      }
      if (source.startsWith('<!--', i)) {
        const end = source.indexOf('-->', i);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (source[i] === '<') {
        node.children.push(element());
      } else {
        const end = source.indexOf('<', i);
        const raw = source.slice(i, end < 0 ? source.length : end);
        node.text += decode(raw, i);
        i += raw.length;
      }
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== source.length) fail('content after the root element');
  return root;
}

export function all(node: XmlElement, test: (e: XmlElement) => boolean): XmlElement[] {
  return [...(test(node) ? [node] : []), ...node.children.flatMap((c) => all(c, test))];
}

export const hasClass = (e: XmlElement, cls: string): boolean => (e.attrs['class'] ?? '').split(' ').includes(cls);
export const byClass = (root: XmlElement, cls: string): XmlElement[] => all(root, (e) => hasClass(e, cls));

// ---------------------------------------------------------------- label geometry, read back from the SVG

interface Pt {
  x: number;
  y: number;
}

/** A label's box: monospace advance 0.6 em (1 em for CJK), from 0.8 em above the baseline to 0.25 em below it, rotated as drawn. */
function labelBox(text: XmlElement, fontSize: number): Pt[] {
  const x = Number(text.attrs['x']);
  const y = Number(text.attrs['y']);
  const rotate = /rotate\(([-\d.]+) /.exec(text.attrs['transform'] ?? '');
  const angle = ((rotate ? Number(rotate[1]) : 0) * Math.PI) / 180;
  const width = [...text.text].reduce((w, ch) => w + (ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.6) * fontSize, 0);
  const u = { x: Math.cos(angle), y: Math.sin(angle) };
  const n = { x: u.y, y: -u.x };
  const corner = (s: number, h: number): Pt => ({ x: x + u.x * s + n.x * h, y: y + u.y * s + n.y * h });
  return [corner(-width / 2, -0.25 * fontSize), corner(width / 2, -0.25 * fontSize), corner(width / 2, 0.8 * fontSize), corner(-width / 2, 0.8 * fontSize)];
}

function polygonsOverlap(a: Pt[], b: Pt[]): boolean {
  return [a, b].every((poly) =>
    poly.every((p, k) => {
      const q = poly[(k + 1) % poly.length]!;
      const axis = { x: q.y - p.y, y: p.x - q.x };
      const project = (pts: Pt[]): number[] => pts.map((v) => v.x * axis.x + v.y * axis.y);
      return Math.max(...project(a)) > Math.min(...project(b)) && Math.max(...project(b)) > Math.min(...project(a));
    }),
  );
}

/** Pairs of arrow labels whose boxes overlap, as "label | label". */
export function overlappingLabels(svg: XmlElement): string[] {
  const fontSize = Number(all(svg, (e) => e.name === 'g' && 'font-size' in e.attrs)[0]!.attrs['font-size']);
  const labels = byClass(svg, 'label').map((t) => ({ text: t.text, box: labelBox(t, fontSize) }));
  return labels.flatMap((a, i) => labels.slice(i + 1).filter((b) => polygonsOverlap(a.box, b.box)).map((b) => `${a.text} | ${b.text}`));
}

/** Labels that reach past either timeline. */
export function labelsOutsideLines(svg: XmlElement): string[] {
  const lines = byClass(svg, 'lifeline').map((l) => Number(l.attrs['x1']));
  const fontSize = Number(all(svg, (e) => e.name === 'g' && 'font-size' in e.attrs)[0]!.attrs['font-size']);
  return byClass(svg, 'label')
    .filter((t) => labelBox(t, fontSize).some((p) => p.x < Math.min(...lines) || p.x > Math.max(...lines)))
    .map((t) => t.text);
}

export const statesOf = (svg: XmlElement, side: Side): string[] => byClass(svg, 'state').filter((t) => t.attrs['data-side'] === side).map((t) => t.text);
export const arrowOf = (svg: XmlElement, id: number): XmlElement => byClass(svg, 'arrow').find((g) => g.attrs['data-segment'] === String(id))!;
export const labelOf = (arrow: XmlElement): string => arrow.children.find((c) => hasClass(c, 'label'))!.text;
