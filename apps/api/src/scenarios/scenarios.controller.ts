import { Controller, Get, Param } from '@nestjs/common';
import type { Language } from '@tcplab/tcp-core';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PublicOperation } from '../common/public-operation';
import { AccessFor } from '../auth/access.decorator';
import { ProblemResponse } from '../common/problem-response';
import { Lang } from '../common/request-context';
import { ScenarioDto, ScenarioRunDto, ScenarioSummaryDto } from './dto/scenario.dto';
import { ScenariosService } from './scenarios.service';

@ApiTags('scenarios')
@ApiHeader({ name: 'Accept-Language', required: false, description: 'en (default) or zh-CN.' })
// The catalogue is teaching material, the same for everyone and computed without the database: public, so that a
// link to "step 6 of lost-final-ack" opens for anyone (limited per address like every request without a key).
@AccessFor('public')
@PublicOperation()
@Controller('v1/scenarios')
export class ScenariosController {
  constructor(private readonly scenarios: ScenariosService) {}

  @Get()
  @ApiOperation({ summary: 'The teaching scenarios: create a session with {"scenario": id} and play it with POST /v1/sessions/{id}/step' })
  @ApiResponse({ status: 200, type: ScenarioSummaryDto, isArray: true })
  list(@Lang() lang: Language): ScenarioSummaryDto[] {
    return this.scenarios.list(lang);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One scenario with its steps' })
  @ApiResponse({ status: 200, type: ScenarioDto })
  @ProblemResponse(404, 'No such scenario.')
  get(@Param('id') id: string, @Lang() lang: Language): ScenarioDto {
    return this.scenarios.get(id, lang);
  }

  @Get(':id/run')
  @ApiOperation({ summary: "The scenario played from start to end: each step's states, segments, explanations and sequence diagram (for the scenario player)" })
  @ApiResponse({ status: 200, type: ScenarioRunDto })
  @ProblemResponse(404, 'No such scenario.')
  run(@Param('id') id: string, @Lang() lang: Language): ScenarioRunDto {
    return this.scenarios.run(id, lang);
  }
}
