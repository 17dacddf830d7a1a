/** A question's drawing: the sequence diagram of the run up to the question's step, as SVG. */
import { createConnection } from '../connection';
import { encodeBase64 } from '../payload';
import type { Language } from '../render/messages';
import { renderSvg } from '../render/svg';
import { step } from '../step';
import type { Question, Quiz } from './types';

export function questionDiagram(quiz: Quiz, question: Question, lang: Language): string | null {
  if (!question.diagram) return null;
  let connection = createConnection(quiz.options);
  const client = { ip: connection.client.config.ip, port: connection.client.config.port };
  const server = { ip: connection.server.config.ip, port: connection.server.config.port };
  const steps = quiz.inputs.slice(0, question.source.step).map((input) => {
    const result = step(connection, input);
    connection = result.connection;
    return { events: result.events, segments: result.segments };
  });
  return renderSvg({ client, server, steps }, { lang });
}

/** The diagram as a data: URI, for formats that take HTML but no separate file. */
export function diagramDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${encodeBase64(new TextEncoder().encode(svg))}`;
}
