// The README's walk-through as a TypeScript client makes it: openapi-fetch on the types openapi-typescript
// generates from openapi.json (`api.ts`, written beside this file by openapi.e2e.spec.ts, which type-checks it).
// Never run; it compiles or the document has stopped describing the API the README shows.
import createClient from 'openapi-fetch';
import type { paths } from './api';

const baseUrl = 'http://localhost:3000';

export async function walkThrough(adminKey: string): Promise<void> {
  // An API key first.
  const admin = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminKey}` } });
  const tenant = await admin.POST('/v1/admin/tenants', { body: { name: 'Networks 101' } });
  const made = await admin.POST('/v1/admin/tenants/{id}/keys', { params: { path: { id: tenant.data!.id } }, body: { name: 'walk-through' } });
  const key: string = made.data!.key;
  const api = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${key}` } });

  // Manual mode: you play both TCPs, and every segment is checked.
  const client = { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200 };
  const server = { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960 };
  const manual = await api.POST('/v1/sessions', { body: { mode: 'manual', client, server } });
  const session = { params: { path: { id: manual.data!.id } } };
  await api.POST('/v1/sessions/{id}/calls', { ...session, body: { endpoint: 'server', call: 'listen' } });
  const syn = await api.POST('/v1/sessions/{id}/send', { ...session, body: { from: 'client', flags: ['SYN'] } });
  const printed: string[] = syn.data!.segments.map((segment) => segment.tcpdump);
  const owed: string[] = syn.data!.session.owed.map((segment) => segment.message);
  const wrongAck = await api.POST('/v1/sessions/{id}/send', { ...session, body: { from: 'server', flags: ['SYN', 'ACK'], ack: 481914174 } });
  const detail: string | undefined = wrongAck.error?.detail;
  const violation = wrongAck.error?.violations?.[0];
  const expectedAck: number | string | null | undefined = violation?.expected;
  await api.POST('/v1/sessions/{id}/send', { ...session, body: { from: 'server', flags: ['SYN', 'ACK'] } });
  await api.POST('/v1/sessions/{id}/send', { ...session, body: { from: 'client', flags: ['FIN', 'ACK'] } });
  await api.POST('/v1/sessions/{id}/advance', { ...session, body: { ms: 60000 } });

  // Auto mode: both stacks answer by themselves.
  const auto = await api.POST('/v1/sessions', { body: { client, server } });
  const autoSession = { params: { path: { id: auto.data!.id } } };
  await api.POST('/v1/sessions/{id}/calls', { ...autoSession, body: { endpoint: 'client', call: 'connect' } });
  await api.POST('/v1/sessions/{id}/calls', { ...autoSession, body: { endpoint: 'client', call: 'send', data: 'SSH-2.0-OpenSSH_7.4\r\n' } });
  await api.POST('/v1/sessions/{id}/calls', { ...autoSession, body: { endpoint: 'server', call: 'receive' } });
  await api.PUT('/v1/sessions/{id}/network', { ...autoSession, body: { auto_deliver: false } });
  await api.POST('/v1/sessions/{id}/deliver', { ...autoSession, body: { segment_id: 7, action: 'drop' } });
  const events = await api.GET('/v1/sessions/{id}/events', autoSession);
  const segments = await api.GET('/v1/sessions/{id}/segments', autoSession);

  // Teaching scenarios and traces.
  const scenarios = await api.GET('/v1/scenarios');
  const lesson = await api.POST('/v1/sessions', { body: { scenario: 'lost-final-ack' } });
  const stepped = await api.POST('/v1/sessions/{id}/step', { params: { path: { id: lesson.data!.id } } });
  await api.GET('/v1/sessions/{id}/trace', { params: { path: { id: lesson.data!.id }, query: { format: 'tcpdump', numbering: 'relative' } } });
  await api.GET('/v1/sessions/{id}/trace', { params: { path: { id: lesson.data!.id }, query: { format: 'svg', lang: 'zh-CN' } } });

  // Importing a capture (the JSON form).
  const capture = await api.POST('/v1/captures', { body: { text: '17:23:09.889821 IP 192.168.1.63.53198 > 192.168.1.64.ssh: Flags [S], seq 481914174, win 29200, length 0' } });
  const roles = capture.data!.connections.map((connection) => [connection.session_id, connection.segments.map((s) => `${s.from} ${s.flags.join(',')}: ${s.role} ${String(s.states_after)}`)]);

  // A quiz for a class, an attempt, the exports.
  const quiz = await api.POST('/v1/quizzes', { body: { scenario: 'three-way-handshake', count: 12, seed: 2026 } });
  const quizPath = { path: { id: quiz.data!.id } };
  const withAnswers = await api.GET('/v1/quizzes/{id}', { params: { ...quizPath, query: { answers: 'true' } } });
  const questions = withAnswers.data!.questions.map((question) => ({ kind: question.kind, prompt: question.prompt, answer: question.answer }));
  const attempt = await api.POST('/v1/quizzes/{id}/attempts', { params: quizPath, body: { answers: { q1: 2, q2: 481914175, q3: [0, 4], q4: [2, 0, 1] }, learner_id: 'student-17' } });
  const percent: number = attempt.data!.score.percent;
  await api.GET('/v1/quizzes/{id}/attempts', { params: { ...quizPath, query: { learner_id: 'student-17' } } });
  await api.GET('/v1/learners/{learnerId}/attempts', { params: { path: { learnerId: 'student-17' } } });
  await api.GET('/v1/quizzes/{id}/export', { params: { ...quizPath, query: { format: 'moodle-xml' } } });

  // Running an exercise.
  const exercise = await api.POST('/v1/exercises', { body: { goal: 'establish-as-client', learner_id: 'student-17' } });
  const instructions: string = exercise.data!.instructions;
  await api.POST('/v1/sessions/{id}/send', { params: { path: { id: exercise.data!.session_id } }, body: { from: 'client', flags: ['SYN'] } });
  const grade = await api.GET('/v1/exercises/{id}/grade', { params: { path: { id: exercise.data!.id } } });
  const { completed, attempts, score, formula } = grade.data!;

  // What the document must refuse: were its types `any`, these lines would compile and tsc would fail on them.
  // @ts-expect-error — no such flag
  await api.POST('/v1/sessions/{id}/send', { ...session, body: { from: 'client', flags: ['SYNN'] } });
  // @ts-expect-error — no such route
  await api.GET('/v1/sesions');
  // @ts-expect-error — a session's id is in its path
  await api.GET('/v1/sessions/{id}/events');

  console.log(printed, owed, detail, expectedAck, events.data, segments.data, scenarios.data, stepped.data, roles, questions, percent, instructions, completed, attempts, score, formula);
}
