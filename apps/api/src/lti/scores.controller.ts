import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ProblemResponse } from '../common/problem-response';
import { Ctx, type RequestContext } from '../common/request-context';
import { LtiScoreListDto, LtiScoreListQueryDto } from './dto/score.dto';
import { LtiScores } from './scores.service';

/** The outbox of grades on their way to the tenant's LMSs, for a tenant's key only (no @LinkMay). */
@ApiTags('lti')
@Controller('v1/lti/scores')
export class ScoresController {
  constructor(private readonly scores: LtiScores) {}

  @Get()
  @ApiOperation({
    summary: "Grades sent to the platforms' gradebooks (AGS), on their way, refused or not sent, newest first (at most 1000)",
    description:
      'A score enters when an LTI-launched exercise reaches its goal or a quiz attempt through an LTI launch is graded. It is retried with backoff while the platform answers 5xx or 429 or cannot be reached; a 4xx stops it as `failed` with the answer in `last_error`. A quiz attempt no better than one already sent is kept as `not_better`.',
  })
  @ApiResponse({ status: 200, type: LtiScoreListDto })
  @ProblemResponse(400, 'Invalid query: an unknown status.')
  list(@Query() query: LtiScoreListQueryDto, @Ctx() ctx: RequestContext): Promise<LtiScoreListDto> {
    return this.scores.list(query, ctx);
  }
}
