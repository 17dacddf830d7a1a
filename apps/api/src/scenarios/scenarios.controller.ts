import { Controller, Get, Param } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '../common/request-context';
import { ProblemDto } from '../sessions/dto/session.dto';
import { ScenarioDto, ScenarioSummaryDto } from './dto/scenario.dto';
import { ScenariosService } from './scenarios.service';

@ApiTags('scenarios')
@ApiHeader({ name: 'Accept-Language', required: false, description: 'en (default) or zh-CN.' })
@Controller('v1/scenarios')
export class ScenariosController {
  constructor(private readonly scenarios: ScenariosService) {}

  @Get()
  @ApiOperation({ summary: 'The teaching scenarios: create a session with {"scenario": id} and play it with POST /v1/sessions/{id}/step' })
  @ApiResponse({ status: 200, type: ScenarioSummaryDto, isArray: true })
  list(@Ctx() ctx: RequestContext): ScenarioSummaryDto[] {
    return this.scenarios.list(ctx.lang);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One scenario with its steps' })
  @ApiResponse({ status: 200, type: ScenarioDto })
  @ApiResponse({ status: 404, description: 'No such scenario.', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } } })
  get(@Param('id') id: string, @Ctx() ctx: RequestContext): ScenarioDto {
    return this.scenarios.get(id, ctx.lang);
  }
}
