/** What the LMS exporters share: a question's text as HTML in one language, and ordinal labels. */
import type { Language } from '../render/messages';
import { diagramDataUri, questionDiagram } from './diagram';
import type { Question, Quiz } from './types';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The segments so far (as tcpdump prints them), their sequence diagram where it helps (an SVG data: URI), and the
 * question, as HTML; no raw newline, which GIFT would end on.
 */
export function questionHtml(quiz: Quiz, q: Question, lang: Language): string {
  const intro = lang === 'zh-CN' ? '此前线路上的报文段:' : 'The segments so far:';
  const context = q.context.length > 0 ? `<p>${intro}</p><pre>${q.context.map(escapeHtml).join('<br>')}</pre>` : '';
  const svg = questionDiagram(quiz, q, lang);
  const alt = lang === 'zh-CN' ? '此前报文段的时序图' : 'Sequence diagram of the segments so far';
  const drawing = svg ? `<p><img alt="${alt}" src="${diagramDataUri(svg)}"/></p>` : '';
  return `${context}${drawing}<p>${escapeHtml(q.prompt[lang]).replace(/\n/g, '<br>')}</p>`;
}

export function explanationHtml(q: Question, lang: Language): string {
  return `<p>${escapeHtml(q.explanation[lang]).replace(/\n/g, '<br>')}</p>`;
}

export function ordinal(position: number, lang: Language): string {
  return lang === 'zh-CN' ? `第 ${position} 个` : `${position}${position === 1 ? 'st' : position === 2 ? 'nd' : position === 3 ? 'rd' : 'th'}`;
}

/** Moodle accepts only some fractions for partial credit; 1/k and -1/k for k ≤ 6 are among them (5 decimals). */
export function fraction(numerator: number, denominator: number): string {
  return String(Math.round((100 * numerator * 100000) / denominator) / 100000);
}
