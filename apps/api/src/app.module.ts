import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import cluster from 'node:cluster';
import { AuthModule } from './auth/auth.module';
import { CapturesModule } from './captures/captures.module';
import { configuration, type AppConfig } from './config/configuration';
import { dataSourceOptions } from './database/data-source';
import { HealthModule } from './health/health.module';
import { ScenariosModule } from './scenarios/scenarios.module';
import { SessionsModule } from './sessions/sessions.module';
import { TenantsModule } from './tenants/tenants.module';
import { QuizzesModule } from './quizzes/quizzes.module';
import { ExercisesModule } from './exercises/exercises.module';
import { LinksModule } from './links/links.module';
import { LtiModule } from './lti/lti.module';
import { PagesModule } from './pages/pages.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: [configuration], ignoreEnvFile: true }),
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        // The application's logger only: each request's line is written by a Fastify hook (app.factory.ts,
        // logRequests), not by pino-http as Nest middleware, which cost 7 % of a step's CPU even with the line
        // below the level.
        forRoutes: [],
        pinoHttp: {
          level: config.get('logLevel', { infer: true }),
          // Whatever logs a request or a response, only these fields: never a header (the API key) or a body.
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
      }),
    }),
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        ...dataSourceOptions(config.get('databaseUrl', { infer: true }), config.get('databasePoolSize', { infer: true })),
        // Workers of a cluster find the schema migrated by the primary (main.ts).
        migrationsRun: !cluster.isWorker,
      }),
    }),
    AuthModule,
    TenantsModule,
    ScenariosModule,
    SessionsModule,
    CapturesModule,
    QuizzesModule,
    ExercisesModule,
    LinksModule,
    LtiModule,
    PagesModule,
    HealthModule,
  ],
})
export class AppModule {}
