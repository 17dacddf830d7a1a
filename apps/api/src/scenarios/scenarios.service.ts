import { Injectable } from '@nestjs/common';
import { SCENARIOS, scenario, type Language, type Scenario } from '@tcplab/tcp-core';
import { ApiError, ApiErrorCode } from '../common/api-error';
import type { ScenarioDto, ScenarioSummaryDto } from './dto/scenario.dto';

/** The teaching scenarios of tcp-core's catalogue, in the reader's language. */
@Injectable()
export class ScenariosService {
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

  find(id: string): Scenario {
    const s = scenario(id);
    if (!s) throw new ApiError(ApiErrorCode.ScenarioNotFound, `There is no scenario "${id}"; GET /v1/scenarios lists them.`);
    return s;
  }
}

function summary(s: Scenario, lang: Language): ScenarioSummaryDto {
  return { id: s.id, title: s.title[lang], summary: s.summary[lang], learning_goals: [...s.learning_goals[lang]], rfc: [...s.rfc], steps: s.steps.length };
}
