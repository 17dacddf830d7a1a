import { Injectable } from '@nestjs/common';
import { SCENARIOS, createScenarioConnection, playScenario, renderSvg, scenario, type Connection, type Language, type Scenario, type SessionHistory } from '@tcplab/tcp-core';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { presentEndpoint, presentEvent, presentSegment } from '../sessions/session.presenter';
import type { ScenarioDto, ScenarioRunDto, ScenarioRunMomentDto, ScenarioSummaryDto } from './dto/scenario.dto';

/** The teaching scenarios of tcp-core's catalogue, in the reader's language. */
@Injectable()
export class ScenariosService {
  /** A scenario's run depends on nothing but the scenario and the language: computed once per process. */
  private readonly runs = new Map<string, ScenarioRunDto>();

  list(lang: Language): ScenarioSummaryDto[] {
    return SCENARIOS.map((s) => summary(s, lang));
  }

  get(id: string, lang: Language): ScenarioDto {
    const s = this.find(id);
    return {
      ...summary(s, lang),
      options: { ...s.options },
      step_list: s.steps.map((st, index) => ({ index, text: st.text[lang], expect: { ...st.expect }, input: { ...st.input } })),
    };
  }

  /** Every step of the scenario played by the simulator, with what a page needs to show it step by step. */
  run(id: string, lang: Language): ScenarioRunDto {
    const s = this.find(id);
    const key = `${s.id}\u0000${lang}`;
    const cached = this.runs.get(key);
    if (cached) return cached;
    const start = createScenarioConnection(s);
    const address = (side: 'client' | 'server'): { ip: string; port: number } => ({ ip: start[side].config.ip, port: start[side].config.port });
    const moment = (connection: Connection, steps: SessionHistory['steps']): ScenarioRunMomentDto => ({
      clock_ms: connection.clock_ms,
      client: presentEndpoint(connection.client),
      server: presentEndpoint(connection.server),
      svg: renderSvg({ client: address('client'), server: address('server'), steps }, { lang }),
    });
    const played = playScenario(s);
    const run: ScenarioRunDto = {
      ...summary(s, lang),
      start: moment(start, []),
      step_list: played.map((result, index) => ({
        index,
        text: result.text[lang],
        events: result.events.map((e) => presentEvent(e, lang)),
        segments: result.segments.map(presentSegment),
        ...moment(result.connection, played.slice(0, index + 1)),
      })),
    };
    this.runs.set(key, run);
    return run;
  }

  find(id: string): Scenario {
    const s = scenario(id);
    if (!s) throw new ApiError(ApiErrorCode.ScenarioNotFound, `There is no scenario "${id}"; GET /v1/scenarios lists them.`);
    return s;
  }
}

function summary(s: Scenario, lang: Language): ScenarioSummaryDto {
  return { id: s.id, title: s.title[lang], summary: s.summary[lang], learning_goals: [...s.learning_goals[lang]], rfc: [...s.rfc], steps: s.steps.length };
}
