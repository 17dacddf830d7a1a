import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { FrameOriginsRepository } from './frame-origins.repository';
import { ExercisesModule } from '../exercises/exercises.module';
import { SessionsModule } from '../sessions/sessions.module';
import { LtiAssignmentsGradesService } from './assignments-grades';
import { LtiLanding } from './landing';
import { QuizzesModule } from '../quizzes/quizzes.module';
import { DeepLinkingController, DeepLinkingPageController } from './deep-linking.controller';
import { DeepLinkingRepository } from './deep-linking.repository';
import { LtiDynamicRegistration } from './dynamic-registration';
import { RegistrationController } from './registration.controller';
import { RegistrationTokensRepository } from './registration-tokens.repository';
import { LtiDeepLinking } from './deep-linking';
import { LaunchesRepository } from './launches.repository';
import { LaunchFrames } from './launch-frames';
import { LtiController } from './lti.controller';
import { LtiMessageLaunch } from './message-launch';
import { LtiNamesRoles } from './names-roles';
import { LtiOidcLogin } from './oidc-login';
import { PlatformKeySets } from './platform-key-sets';
import { LtiPlatformStorage } from './platform-storage';
import { PlatformsController } from './platforms.controller';
import { PlatformsRepository } from './platforms.repository';
import { PlatformsService } from './platforms.service';
import { ResourceLinksRepository } from './resource-links.repository';
import { ResultsController } from './results.controller';
import { ResultsRepository } from './results.repository';
import { LtiResults } from './results.service';
import { LtiScoreWorker } from './score-worker';
import { ScoresController } from './scores.controller';
import { ScoresRepository } from './scores.repository';
import { LtiScores } from './scores.service';
import { LtiServiceConnector } from './service-connector';
import { ToolKeysController } from './tool-keys.controller';
import { ToolKeysRepository } from './tool-keys.repository';
import { ToolKeys } from './tool-keys.service';

/**
 * LTI 1.3 (issue 13), one class per flow as certified libraries split it: platform registrations, the tool's keys,
 * the OIDC login (LtiOidcLogin), the launch (LtiMessageLaunch), content selection (LtiDeepLinking) and dynamic
 * registration (LtiDynamicRegistration). A launch lands on a share link (AuthModule's LinksRepository), so the browser
 * holds a token for one target, never a tenant key (LtiLanding). Grades go back to the platform through an outbox
 * (LtiScoreWorker) with Assignment and Grade Services (LtiAssignmentsGradesService), whose tokens LtiServiceConnector
 * fetches and caches. An instructor lands on the link's results (LtiResults), with the course's members from Names
 * and Role Provisioning Services (LtiNamesRoles).
 */
@Module({
  imports: [AuthModule, SessionsModule, ExercisesModule, QuizzesModule],
  controllers: [PlatformsController, ToolKeysController, LtiController, ScoresController, ResultsController, DeepLinkingPageController, DeepLinkingController, RegistrationController],
  providers: [
    PlatformsService,
    PlatformsRepository,
    ToolKeys,
    ToolKeysRepository,
    LtiOidcLogin,
    LtiMessageLaunch,
    PlatformKeySets,
    LaunchesRepository,
    LtiLanding,
    ResourceLinksRepository,
    ScoresRepository,
    LtiScores,
    LtiScoreWorker,
    LtiServiceConnector,
    LtiAssignmentsGradesService,
    LtiDeepLinking,
    DeepLinkingRepository,
    LtiDynamicRegistration,
    RegistrationTokensRepository,
    ResultsRepository,
    LtiResults,
    LtiNamesRoles,
    LaunchFrames,
    FrameOriginsRepository,
    LtiPlatformStorage,
  ],
  exports: [LaunchFrames],
})
export class LtiModule {}
