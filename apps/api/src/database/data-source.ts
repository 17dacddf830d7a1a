import { DataSource, type DataSourceOptions } from 'typeorm';
import { IdempotencyKeyEntity } from '../common/idempotency-key.entity';
import { SessionStepEntity } from '../sessions/session-step.entity';
import { SessionEntity } from '../sessions/session.entity';
import { ApiKeyEntity } from '../tenants/api-key.entity';
import { TenantEntity } from '../tenants/tenant.entity';
import { CreateSessions1764230400000 } from '../../../../migrations/1764230400000-CreateSessions';
import { AddScenarioToSessions1764230500000 } from '../../../../migrations/1764230500000-AddScenarioToSessions';
import { AddTenants1764316800000 } from '../../../../migrations/1764316800000-AddTenants';
import { KeySessionsByTenant1764320400000 } from '../../../../migrations/1764320400000-KeySessionsByTenant';
import { CreateQuizzes1764324000000 } from '../../../../migrations/1764324000000-CreateQuizzes';
import { CreateExercises1764327600000 } from '../../../../migrations/1764327600000-CreateExercises';
import { CreateLinks1765000000000 } from '../../../../migrations/1765000000000-CreateLinks';
import { CreateLti1765100000000 } from '../../../../migrations/1765100000000-CreateLti';
import { CreateLtiGrades1765200000000 } from '../../../../migrations/1765200000000-CreateLtiGrades';
import { CreateLtiDeepLinkingAndRegistration1765300000000 } from '../../../../migrations/1765300000000-CreateLtiDeepLinkingAndRegistration';
import { LtiFrameOriginsAndRelaunch1765400000000 } from '../../../../migrations/1765400000000-LtiFrameOriginsAndRelaunch';
import { AddLtiResultsLinks1765700000000 } from '../../../../migrations/1765700000000-AddLtiResultsLinks';

/** Tables are made by migrations only (never `synchronize`); they run on start and by `npm run migration:run`. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [SessionEntity, SessionStepEntity, IdempotencyKeyEntity, TenantEntity, ApiKeyEntity],
    migrations: [CreateSessions1764230400000, AddScenarioToSessions1764230500000, AddTenants1764316800000, KeySessionsByTenant1764320400000, CreateQuizzes1764324000000, CreateExercises1764327600000, CreateLinks1765000000000, CreateLti1765100000000, CreateLtiGrades1765200000000, CreateLtiDeepLinkingAndRegistration1765300000000, LtiFrameOriginsAndRelaunch1765400000000, AddLtiResultsLinks1765700000000],
    migrationsRun: false,
    synchronize: false,
    // A database that does not answer (down, unreachable) fails a request within 3 s (a 503), never hangs it.
    connectTimeoutMS: 3_000,
    extra: { max: poolSize },
  };
}

/** For the TypeORM CLI (`npm run migration:run`): DATABASE_URL must be set. */
export default new DataSource(dataSourceOptions(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres'));
