import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { LinkMay } from '../auth/link-access';
import type { AuthenticatedRequest } from '../auth/principal';
import { ProblemResponse } from '../common/problem-response';
import { LtiResultsDto } from './dto/results.dto';
import { LtiResults } from './results.service';

/** An instructor's results view: reachable with the results link their launch landed on only (never a tenant key). */
@ApiTags('lti')
@Controller('v1/lti/results')
export class ResultsController {
  constructor(private readonly results: LtiResults) {}

  @Get('current')
  @LinkMay({ kind: 'lti-results' })
  @ApiOperation({
    summary: "With the results link an instructor's LTI launch landed on as the bearer: that resource link's learners, their progress and grades",
    description:
      "Each learner who launched the link: launches, the exercise's grade (completed, moves, refused moves and their violations) or quiz attempts and best score, and the grade sent to the platform with its delivery status. When the launch offered Names and Role Provisioning Services, the course's members are read from the platform and those who have not started are listed too; if the platform cannot list them, `members.status` is `unavailable` with the reason, and the learners who launched are still shown.",
  })
  @ApiResponse({ status: 200, type: LtiResultsDto })
  @ProblemResponse(403, "Another link's token, or an API key: results are read with an instructor's results link only.")
  @ProblemResponse(404, 'The platform registration the link came from has been removed.')
  current(@Req() request: AuthenticatedRequest): Promise<LtiResultsDto> {
    return this.results.current(request.principal);
  }
}
