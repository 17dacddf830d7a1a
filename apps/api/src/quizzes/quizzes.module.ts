import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { LearnersController } from './learners.controller';
import { QuizzesController } from './quizzes.controller';
import { QuizzesRepository } from './quizzes.repository';
import { QuizzesService } from './quizzes.service';

/** Quizzes generated from scenarios and sessions, graded attempts, LMS exports. */
@Module({
  imports: [SessionsModule],
  controllers: [QuizzesController, LearnersController],
  providers: [QuizzesService, QuizzesRepository],
  // The LTI content picker lists a tenant's quizzes.
  exports: [QuizzesRepository],
})
export class QuizzesModule {}
