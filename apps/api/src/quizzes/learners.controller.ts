import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '../common/request-context';
import { AttemptListDto } from './dto/quiz.dto';
import { QuizzesService } from './quizzes.service';

/** A learner's work across quizzes, by the id your LMS gave them. */
@ApiTags('quizzes')
@Controller('v1/learners')
export class LearnersController {
  constructor(private readonly quizzes: QuizzesService) {}

  @Get(':learnerId/attempts')
  @ApiOperation({ summary: "A learner's attempts at all of the tenant's quizzes, oldest first" })
  @ApiResponse({ status: 200, type: AttemptListDto })
  attempts(@Param('learnerId') learnerId: string, @Ctx() ctx: RequestContext): Promise<AttemptListDto> {
    return this.quizzes.learnerAttempts(learnerId, ctx);
  }
}
