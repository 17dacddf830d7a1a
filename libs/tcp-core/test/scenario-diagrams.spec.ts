import { SCENARIOS, playScenario, renderMermaid, renderSvg, type Scenario, type SessionHistory } from '../src';
import { byClass, labelsOutsideLines, overlappingLabels, parseXml } from './svg-reader';

/** A scenario played from its start, as the service keeps a session: both addresses and every step's result. */
function history(s: Scenario): SessionHistory {
  const client = { ip: s.options.client?.ip ?? '10.0.0.1', port: s.options.client?.port ?? 49152 };
  const server = { ip: s.options.server?.ip ?? '10.0.0.2', port: s.options.server?.port ?? 80 };
  return { client, server, steps: playScenario(s).map((r) => ({ events: r.events, segments: r.segments })) };
}

describe.each(SCENARIOS.map((s) => [s.id, s] as const))('the sequence diagram of %s', (_id, s) => {
  const played = history(s);
  const segments = played.steps.flatMap((st) => st.segments);

  it('is well-formed SVG with one arrow per segment and no label overlapping another or running past a timeline, in both languages', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const svg = parseXml(renderSvg(played, { lang }));
      expect(svg.name).toBe('svg');
      expect(svg.attrs['xmlns']).toBe('http://www.w3.org/2000/svg');
      expect(byClass(svg, 'arrow')).toHaveLength(segments.length);
      expect(overlappingLabels(svg)).toEqual([]);
      expect(labelsOutsideLines(svg)).toEqual([]);
    }
  });

  it('renders the same SVG and Mermaid text as the reviewed snapshot', () => {
    expect(renderSvg(played)).toMatchSnapshot('svg');
    expect(renderMermaid(played)).toMatchSnapshot('mermaid');
  });
});
