import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { ApiError, ApiErrorCode } from '../common/api-error';
import { ExercisesService } from '../exercises/exercises.service';
import type { ExerciseGradeDto } from '../exercises/dto/exercise.dto';
import type { LtiMemberListDto, LtiResultDto, LtiResultsDto, LtiResultsLinkDto } from './dto/results.dto';
import { LtiNamesRoles, type Member } from './names-roles';
import { PlatformsRepository } from './platforms.repository';
import type { ResourceLinkRow } from './resource-links.repository';
import { ResultsRepository, type LaunchedRow } from './results.repository';
import { roleOf } from './roles';
import { PlatformCallFailed } from './service-connector';

/**
 * An instructor's view of one resource link (issue 13 items 3 and 6): each learner's launches, progress and grade,
 * and — when the launch offered Names and Role Provisioning Services — every member of the course, those who have
 * not started included. The platform failing to list its members leaves tcplab's own learners shown, with a note.
 */
@Injectable()
export class LtiResults {
  constructor(
    private readonly results: ResultsRepository,
    private readonly platforms: PlatformsRepository,
    private readonly exercises: ExercisesService,
    private readonly namesRoles: LtiNamesRoles,
  ) {}

  /** The results of the resource link an instructor's results link was made for. */
  async current(principal: Principal | undefined): Promise<LtiResultsDto> {
    if (principal?.role !== 'link' || principal.link.target !== 'lti_results') {
      throw new ApiError(ApiErrorCode.Forbidden, "This route answers the results link an instructor's LTI launch lands on: send that link's token.");
    }
    const link = await this.results.resourceLink(principal.tenantId, principal.link.target_id);
    // The resource link goes with its platform's registration; its results link then leads nowhere.
    if (!link) throw new ApiError(ApiErrorCode.LinkNotFound, 'The platform registration this link came from has been removed.');
    const target = targetOf(link.target_link_uri);
    const [launched, members] = await Promise.all([this.results.launched(link.id), this.members(link)]);
    const exercises = target.kind === 'exercise' ? await this.results.exercises(link.id, target.id) : [];
    const quizzes = new Map((await this.results.quizzes(link.id)).map((q) => [q.user_id, q]));
    const grades = new Map((await this.results.grades(link.id)).map((g) => [g.user_id, g]));
    const grade = new Map<string, ExerciseGradeDto>();
    // One after another: each grade replays a session, and a class should not take the whole connection pool.
    for (const e of exercises) grade.set(e.user_id, await this.exercises.gradeOf(link.tenant_id, e.exercise_id));
    const listed = new Map((members.list ?? []).map((m) => [m.user_id, m]));
    const ofLauncher = (row: LaunchedRow): LtiResultDto => {
      const member = listed.get(row.sub);
      const score = grades.get(row.user_id);
      const quiz = quizzes.get(row.user_id);
      return {
        sub: row.sub,
        name: member?.name ?? row.name,
        email: member?.email ?? null,
        role: member ? roleOf(member.roles) : row.role,
        roles: member?.roles ?? [],
        member_status: member?.status ?? null,
        launches: { count: row.launches, first_at: row.first_launch_at.toISOString(), last_at: row.last_launch_at.toISOString() },
        exercise: grade.get(row.user_id) ?? null,
        quiz: quiz ? { attempts: quiz.attempts, best_points: quiz.best_points, max_points: quiz.max_points } : null,
        grade: score
          ? {
              score_given: score.score.scoreGiven,
              score_maximum: score.score.scoreMaximum,
              status: score.status,
              attempts: score.attempts,
              last_error: score.last_error,
              sent_at: score.sent_at?.toISOString() ?? null,
            }
          : null,
      };
    };
    const launchedSubs = new Set(launched.map((row) => row.sub));
    const notStarted = [...listed.values()]
      .filter((m) => !launchedSubs.has(m.user_id))
      .sort((a, b) => (a.name ?? a.user_id).localeCompare(b.name ?? b.user_id))
      .map(
        (m): LtiResultDto => ({
          sub: m.user_id,
          name: m.name,
          email: m.email,
          role: roleOf(m.roles),
          roles: m.roles,
          member_status: m.status,
          launches: null,
          exercise: null,
          quiz: null,
          grade: null,
        }),
      );
    return {
      resource_link: { id: link.resource_link_id, title: link.title, context_title: link.context_title, target_link_uri: link.target_link_uri, target: target.kind },
      members: members.status,
      // Instructors who only tried the content out are not results, unless the course lists them.
      results: [...launched.filter((row) => row.role === 'learner' || listed.has(row.sub)).map(ofLauncher), ...notStarted],
    };
  }

  private async members(link: ResourceLinkRow): Promise<{ status: LtiMemberListDto; list: Member[] | null }> {
    const url = link.nrps?.['context_memberships_url'];
    if (typeof url !== 'string') return { status: { status: 'not_offered', detail: null }, list: null };
    const platform = await this.platforms.byId(link.platform_id);
    if (!platform) return { status: { status: 'unavailable', detail: 'The platform is no longer registered.' }, list: null };
    try {
      return { status: { status: 'listed', detail: null }, list: await this.namesRoles.members(platform, url) };
    } catch (error) {
      if (!(error instanceof PlatformCallFailed)) throw error;
      return { status: { status: 'unavailable', detail: error.message }, list: null };
    }
  }
}

/**
 * What target_link_uri opens, as the launch read it (message-launch.ts): an exercise goal, a quiz or a scenario. The
 * id is the path segment as it is: only an exercise's is used, and goals are plain words.
 */
function targetOf(targetLinkUri: string): { kind: LtiResultsLinkDto['target']; id: string } {
  const path = new URL(targetLinkUri).pathname;
  const [, kind, id] = /^\/(exercises|quizzes|scenarios)\/([^/]+)$/.exec(path) ?? [];
  const kinds = { exercises: 'exercise', quizzes: 'quiz', scenarios: 'scenario' } as const;
  return { kind: kinds[(kind ?? 'scenarios') as keyof typeof kinds], id: id ?? '' };
}
