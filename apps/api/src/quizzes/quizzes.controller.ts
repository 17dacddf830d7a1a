import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LinkMay } from '../auth/link-access';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { ProblemResponse } from '../common/problem-response';
import { Ctx, type RequestContext } from '../common/request-context';
import { ProblemDto } from '../sessions/dto/session.dto';
import { sendReply } from '../sessions/idempotency';
import { AttemptDto, AttemptListDto, AttemptListQueryDto, CreateAttemptDto, CreateQuizDto, ExportQueryDto, QuizDto, QuizQueryDto } from './dto/quiz.dto';
import { QuizzesService } from './quizzes.service';

const BAD_REQUEST = ProblemResponse(400, 'Invalid body or query: every bad field is named in `errors`.');
const NOT_FOUND = ProblemResponse(404, 'No such quiz (or session).');
const IDEMPOTENCY = ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key and body returns the stored response and changes nothing.' });

@ApiTags('quizzes')
@ApiExtraModels(ProblemDto)
@Controller('v1/quizzes')
export class QuizzesController {
  constructor(private readonly quizzes: QuizzesService) {}

  @Post()
  @ApiOperation({
    summary: 'Generate a quiz from a scenario or a session: every answer computed by the simulator',
    description:
      'Kinds: next_state (multiple choice), ack_number and seq_number (numerical, exact), flags (multiple answer), wrong_field ' +
      '(multiple choice, the right value in the explanation), order (the shuffled segments of a handshake or teardown), why ' +
      '(multiple choice, distractors from common misconceptions). The seed draws ISNs, ports and windows for a scenario; the same ' +
      'seed gives the same quiz. Answers are left out here: GET /v1/quizzes/{id}?answers=true has them.',
  })
  @ApiResponse({ status: 201, type: QuizDto, description: 'The quiz, without answers; Location names it.' })
  @BAD_REQUEST
  @NOT_FOUND
  @ApiHeader({ name: 'Accept-Language', required: false, description: 'The language of the quiz when `lang` is left out.' })
  @IDEMPOTENCY
  async create(@Body() dto: CreateQuizDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<QuizDto> {
    return sendReply(reply, await this.quizzes.create(dto, ctx));
  }

  @Get(':id')
  @LinkMay({ kind: 'quiz' })
  @ApiOperation({ summary: 'Get a quiz (with ?answers=true, every answer and explanation)' })
  @ApiResponse({ status: 200, type: QuizDto })
  @BAD_REQUEST
  @NOT_FOUND
  get(@Param('id') id: string, @Query() query: QuizQueryDto, @Ctx() ctx: RequestContext): Promise<QuizDto> {
    const answers = query.answers === 'true';
    if (answers && ctx.link) throw new ApiError(ApiErrorCode.Forbidden, 'A quiz link shows the questions; the answers come with the graded attempt.');
    return this.quizzes.get(id, answers, ctx);
  }

  @Post(':id/attempts')
  @LinkMay({ kind: 'quiz' })
  @ApiOperation({
    summary: 'Grade a learner’s answers and store the attempt',
    description: 'One point per question, all or nothing (a multiple-answer question needs exactly the right set; an ordering question every item in place). percent = points / max_points × 100.',
  })
  @ApiResponse({ status: 201, type: AttemptDto })
  @BAD_REQUEST
  @NOT_FOUND
  @IDEMPOTENCY
  async attempt(@Param('id') id: string, @Body() dto: CreateAttemptDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<AttemptDto> {
    return sendReply(reply, await this.quizzes.attempt(id, dto, ctx));
  }

  @Get(':id/attempts')
  @ApiOperation({ summary: 'The attempts at a quiz, oldest first (one learner’s with ?learner_id=)' })
  @ApiResponse({ status: 200, type: AttemptListDto })
  @BAD_REQUEST
  @NOT_FOUND
  attempts(@Param('id') id: string, @Query() query: AttemptListQueryDto, @Ctx() ctx: RequestContext): Promise<AttemptListDto> {
    return this.quizzes.attempts(id, query.learner_id ?? null, ctx);
  }

  @Get(':id/questions/:questionId/diagram')
  @LinkMay({ kind: 'quiz' })
  @ApiOperation({ summary: "A question's sequence diagram (the segments so far), as SVG" })
  @ApiProduces('image/svg+xml')
  @ApiResponse({ status: 200, description: 'The SVG.' })
  @ProblemResponse(404, 'No such quiz, or the question has no diagram.')
  async diagram(@Param('id') id: string, @Param('questionId') questionId: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const svg = await this.quizzes.diagram(id, questionId, ctx);
    void reply.header('content-type', 'image/svg+xml; charset=utf-8');
    return svg;
  }

  @Get(':id/export')
  @ApiOperation({ summary: 'The quiz as a file an LMS imports: GIFT, Moodle XML, QTI 1.2 (Canvas) or a QTI 2.1 package' })
  @ApiProduces('text/plain', 'application/xml', 'application/zip')
  @ApiResponse({ status: 200, description: 'The file, with Content-Disposition naming it.' })
  @BAD_REQUEST
  @NOT_FOUND
  async export(@Param('id') id: string, @Query() query: ExportQueryDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<string | Buffer> {
    const file = await this.quizzes.export(id, query.format, ctx);
    void reply.header('content-type', file.type).header('content-disposition', `attachment; filename="${file.file}"`);
    return file.body;
  }
}
