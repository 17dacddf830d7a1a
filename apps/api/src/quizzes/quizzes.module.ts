import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { QuizzesController } from './quizzes.controller';
import { QuizzesRepository } from './quizzes.repository';
import { QuizzesService } from './quizzes.service';

/** Quizzes generated from scenarios and sessions, graded attempts, LMS exports. */
@Module({
  imports: [SessionsModule],
  controllers: [QuizzesController],
  providers: [QuizzesService, QuizzesRepository],
})
export class QuizzesModule {}
