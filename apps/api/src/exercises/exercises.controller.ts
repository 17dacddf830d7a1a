import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LinkMay } from '../auth/link-access';
import { ProblemResponse } from '../common/problem-response';
import { Ctx, type RequestContext } from '../common/request-context';
import { ProblemDto } from '../sessions/dto/session.dto';
import { sendReply } from '../sessions/idempotency';
import { CreateExerciseDto, ExerciseDto, ExerciseGradeDto } from './dto/exercise.dto';
import { ExercisesService, SCORE_FORMULA } from './exercises.service';

const NOT_FOUND = ProblemResponse(404, 'No such exercise.');
const LANGUAGE = ApiHeader({ name: 'Accept-Language', required: false, description: 'en (default) or zh-CN: the language of the instructions.' });

@ApiTags('exercises')
@ApiExtraModels(ProblemDto)
@Controller('v1/exercises')
export class ExercisesController {
  constructor(private readonly exercises: ExercisesService) {}

  @Post()
  @ApiOperation({
    summary: 'Start an exercise: a manual-mode session set up for a goal, for a learner to drive',
    description:
      'Goals: establish-as-client (the server listens; do the three-way handshake), close-from-server (the connection is ' +
      'ESTABLISHED; close it with the server as the active closer), recover-lost-final-ack (the client\'s final ACK was lost; ' +
      'get the server to CLOSED). Every send and call on the exercise\'s session counts; refused ones (422) are kept as mistakes.',
  })
  @ApiResponse({ status: 201, type: ExerciseDto })
  @ProblemResponse(400, 'Invalid body: every bad field is named in `errors`.')
  @LANGUAGE
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key and body returns the stored response.' })
  async create(@Body() dto: CreateExerciseDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<ExerciseDto> {
    return sendReply(reply, await this.exercises.create(dto, ctx));
  }

  @Get(':id')
  @LinkMay({ kind: 'exercise' })
  @ApiOperation({ summary: 'An exercise: its goal, instructions and session' })
  @ApiResponse({ status: 200, type: ExerciseDto })
  @NOT_FOUND
  @LANGUAGE
  get(@Param('id') id: string, @Ctx() ctx: RequestContext): Promise<ExerciseDto> {
    return this.exercises.get(id, ctx);
  }

  @Get(':id/grade')
  @LinkMay({ kind: 'exercise' })
  @ApiOperation({ summary: `The grade so far: completed or not, the learner's moves, each refused one with its violations, and score = ${SCORE_FORMULA}` })
  @ApiResponse({ status: 200, type: ExerciseGradeDto })
  @NOT_FOUND
  grade(@Param('id') id: string, @Ctx() ctx: RequestContext): Promise<ExerciseGradeDto> {
    return this.exercises.grade(id, ctx);
  }
}
