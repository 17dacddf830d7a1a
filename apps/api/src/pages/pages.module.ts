import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { LinksModule } from '../links/links.module';
import { LtiModule } from '../lti/lti.module';
import { PagesController } from './pages.controller';

/** The playground's pages (their scripts and styles are static files: app.factory.ts serves apps/api/public). */
@Module({
  imports: [AuthModule, LinksModule, LtiModule],
  controllers: [PagesController],
})
export class PagesModule {}
