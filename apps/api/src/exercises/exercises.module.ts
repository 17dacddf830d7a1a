import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { ExercisesController } from './exercises.controller';
import { ExercisesRepository } from './exercises.repository';
import { ExercisesService } from './exercises.service';

/** Exercises: a learner drives a session towards a goal and is graded from its history. */
@Module({
  imports: [SessionsModule],
  controllers: [ExercisesController],
  providers: [ExercisesService, ExercisesRepository],
  // The LTI module starts a learner's exercise at launch and grades it for the platform's gradebook.
  exports: [ExercisesService],
})
export class ExercisesModule {}
