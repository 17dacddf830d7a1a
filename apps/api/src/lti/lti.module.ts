import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { FrameOriginsRepository } from './frame-origins.repository';
import { LaunchesRepository } from './launches.repository';
import { LaunchFrames } from './launch-frames';
import { LtiController } from './lti.controller';
import { LtiMessageLaunch } from './message-launch';
import { LtiOidcLogin } from './oidc-login';
import { PlatformKeySets } from './platform-key-sets';
import { LtiPlatformStorage } from './platform-storage';
import { PlatformsController } from './platforms.controller';
import { PlatformsRepository } from './platforms.repository';
import { PlatformsService } from './platforms.service';
import { ToolKeysController } from './tool-keys.controller';
import { ToolKeysRepository } from './tool-keys.repository';
import { ToolKeys } from './tool-keys.service';

/**
 * LTI 1.3 (issue 13), one class per flow as certified libraries split it: platform registrations, the tool's keys,
 * the OIDC login (LtiOidcLogin) and the launch (LtiMessageLaunch). A launch lands on a share link (AuthModule's
 * LinksRepository), so the browser holds a token for one target, never a tenant key.
 */
@Module({
  imports: [AuthModule],
  controllers: [PlatformsController, ToolKeysController, LtiController],
  providers: [PlatformsService, PlatformsRepository, ToolKeys, ToolKeysRepository, LtiOidcLogin, LtiMessageLaunch, PlatformKeySets, LaunchesRepository, LaunchFrames, FrameOriginsRepository, LtiPlatformStorage],
  exports: [LaunchFrames],
})
export class LtiModule {}
