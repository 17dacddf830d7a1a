import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { CapturesController } from './captures.controller';
import { CapturesService } from './captures.service';

/** POST /v1/captures: captures imported as sessions, stored through the sessions' repository. */
@Module({
  imports: [SessionsModule],
  controllers: [CapturesController],
  providers: [CapturesService],
})
export class CapturesModule {}
