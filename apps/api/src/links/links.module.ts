import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { LinksController } from './links.controller';
import { LinksService } from './links.service';

/** Share links (their repository lives with the guard that checks their tokens: AuthModule). */
@Module({
  imports: [AuthModule, ScenariosModule],
  controllers: [LinksController],
  providers: [LinksService],
  exports: [LinksService],
})
export class LinksModule {}
