import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse as parseGift } from 'gift-pegjs';
import { randomUUID } from 'node:crypto';
import { expectBadFields, expectProblem, UUID_RE } from './e2e-helpers';
import { SEED_ENDPOINTS, startApp, type TestApp } from './harness';

/** Quizzes on the real app and PostgreSQL: create → export in every format → attempts graded as documented. */

let t: TestApp;
let app: NestFastifyApplication;

beforeAll(async () => {
  t = await startApp();
  app = t.app;
});

afterAll(async () => {
  await app.close();
});

async function createQuiz(body: object): Promise<Record<string, any>> {
  const res = await t.http().post('/v1/quizzes').send(body);
  expect(res.status).toBe(201);
  return res.body;
}

async function answersOf(id: string): Promise<Array<Record<string, any>>> {
  const res = await t.http().get(`/v1/quizzes/${id}`).query({ answers: 'true' });
  expect(res.status).toBe(200);
  return res.body.questions;
}

/** A wrong answer of the same shape as the right one. */
function wrong(q: Record<string, any>): number | number[] {
  switch (q['type']) {
    case 'numerical':
      return (q['answer'] + 1) % 2 ** 32;
    case 'multiple_choice':
      return (q['answer'] + 1) % q['choices'].length;
    case 'multiple_answer':
      return q['answer'].length === 1 && q['answer'][0] === 0 ? [1] : [0];
    default:
      return [...q['answer']].reverse();
  }
}

describe('POST /v1/quizzes', () => {
  it('generates a quiz from a scenario: 201 with Location, the drawn connection, and questions without their answers', async () => {
    const res = await t.http().post('/v1/quizzes').send({ scenario: 'three-way-handshake', count: 12, seed: 5 });
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`/v1/quizzes/${res.body.id}`);
    expect(res.body).toEqual(
      expect.objectContaining({ id: expect.stringMatching(UUID_RE), scenario_id: 'three-way-handshake', session_id: null, seed: 5, lang: 'en' }),
    );
    expect(res.body.questions).toHaveLength(12);
    for (const q of res.body.questions) {
      expect(q).not.toHaveProperty('answer');
      expect(q).not.toHaveProperty('explanation');
      expect(['multiple_choice', 'multiple_answer', 'numerical', 'ordering']).toContain(q.type);
    }
  });

  it('a question whose context helps links its sequence diagram, served as SVG; others link none', async () => {
    const quiz = await createQuiz({ scenario: 'four-way-teardown', count: 30, seed: 12 });
    const drawn = quiz.questions.filter((q: { diagram_url: string | null }) => q.diagram_url !== null);
    expect(drawn.length).toBeGreaterThan(0);
    expect(quiz.questions.filter((q: { kind: string; diagram_url: string | null }) => q.kind === 'order' || q.kind === 'why').every((q: { diagram_url: null }) => q.diagram_url === null)).toBe(true);
    const res = await t
      .http()
      .get(drawn[0].diagram_url)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.body).toMatch(/^<svg /);
    const none = quiz.questions.find((q: { diagram_url: string | null }) => q.diagram_url === null);
    expectProblem(await t.http().get(`/v1/quizzes/${quiz.id}/questions/${none.id}/diagram`), 404, 'QUIZ_NOT_FOUND');
  });

  it('the same seed gives the same questions; another seed, other numbers', async () => {
    const a = await createQuiz({ scenario: 'three-way-handshake', kinds: ['ack_number'], seed: 1 });
    const b = await createQuiz({ scenario: 'three-way-handshake', kinds: ['ack_number'], seed: 1 });
    const c = await createQuiz({ scenario: 'three-way-handshake', kinds: ['ack_number'], seed: 2 });
    const withoutLinks = (quiz: Record<string, any>) => quiz['questions'].map(({ diagram_url: _, ...q }: Record<string, unknown>) => q);
    expect(withoutLinks(b)).toEqual(withoutLinks(a));
    expect(c.connection.client.isn).not.toBe(a.connection.client.isn);
    const answersA = (await answersOf(a.id)).map((q) => q['answer']);
    expect(answersA).toContain((a.connection.client.isn + 1) % 2 ** 32);
  });

  it("from one of the tenant's sessions, with its own numbers: the SYN,ACK's ack is the client's ISN + 1", async () => {
    const session = (await t.http().post('/v1/sessions').send({ ...SEED_ENDPOINTS })).body.id;
    await t.http().post(`/v1/sessions/${session}/calls`).send({ endpoint: 'server', call: 'listen' });
    await t.http().post(`/v1/sessions/${session}/calls`).send({ endpoint: 'client', call: 'connect' });
    const quiz = await createQuiz({ session_id: session, kinds: ['ack_number', 'seq_number'], count: 20 });
    const questions = await answersOf(quiz.id);
    const synAck = questions.find((q) => q['kind'] === 'ack_number' && q['prompt'].includes('SYN,ACK'))!;
    expect(synAck['answer']).toBe(481914175);
    expect(quiz.connection.client.isn).toBe(481914174);
  });

  it('in Chinese with lang (or Accept-Language)', async () => {
    const quiz = await createQuiz({ scenario: 'four-way-teardown', lang: 'zh-CN', count: 3 });
    expect(quiz.lang).toBe('zh-CN');
    for (const q of quiz.questions) expect(q.prompt).toMatch(/[\u4e00-\u9fff]/);
    const byHeader = await t.http().post('/v1/quizzes').set('Accept-Language', 'zh-CN').send({ scenario: 'four-way-teardown', count: 1 });
    expect(byHeader.body.lang).toBe('zh-CN');
  });

  it('needs exactly one of scenario and session_id, known kinds, a count from 1 to 100 (400 naming each field)', async () => {
    expectBadFields(await t.http().post('/v1/quizzes').send({}), ['scenario', 'session_id']);
    expectBadFields(await t.http().post('/v1/quizzes').send({ scenario: 'three-way-handshake', session_id: randomUUID() }), ['scenario', 'session_id']);
    expectBadFields(await t.http().post('/v1/quizzes').send({ scenario: 'no-such', kinds: ['essay'], count: 0 }), ['scenario', 'kinds', 'count']);
    expectProblem(await t.http().post('/v1/quizzes').send({ session_id: randomUUID() }), 404, 'SESSION_NOT_FOUND');
  });

  it("another tenant's quiz is a 404 on every route", async () => {
    const quiz = await createQuiz({ scenario: 'three-way-handshake', count: 2 });
    const other = await t.newTenant('other school');
    expectProblem(await other.http().get(`/v1/quizzes/${quiz.id}`), 404, 'QUIZ_NOT_FOUND');
    expectProblem(await other.http().post(`/v1/quizzes/${quiz.id}/attempts`).send({ answers: {} }), 404, 'QUIZ_NOT_FOUND');
    expectProblem(await other.http().get(`/v1/quizzes/${quiz.id}/export`).query({ format: 'gift' }), 404, 'QUIZ_NOT_FOUND');
    expectProblem(await other.http().get(`/v1/quizzes/${quiz.id}/attempts`), 404, 'QUIZ_NOT_FOUND');
  });
});

describe('export', () => {
  it('GIFT: a text/plain attachment that gift-pegjs reads back, one question per quiz question', async () => {
    const quiz = await createQuiz({ scenario: 'four-way-teardown', count: 15, seed: 9 });
    const res = await t.http().get(`/v1/quizzes/${quiz.id}/export`).query({ format: 'gift' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="tcplab-quiz-${quiz.id}.gift.txt"`);
    const parsed = parseGift(res.text) as unknown as Array<{ title: string }>;
    expect(parsed.map((p) => p.title)).toEqual(quiz.questions.map((q: { id: string; kind: string }) => `${q.id} ${q.kind}`));
  });

  it('Moodle XML: an application/xml attachment with one <question> per quiz question', async () => {
    const quiz = await createQuiz({ scenario: 'four-way-teardown', count: 15, seed: 9 });
    const res = await t.http().get(`/v1/quizzes/${quiz.id}/export`).query({ format: 'moodle-xml' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="tcplab-quiz-${quiz.id}.xml"`);
    expect(res.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')).toBe(true);
    expect(res.text.match(/<question type="(multichoice|numerical|ordering)">/g)).toHaveLength(15);
  });

  it('QTI 1.2 for Canvas: an application/xml questestinterop attachment with one item per question', async () => {
    const quiz = await createQuiz({ scenario: 'four-way-teardown', count: 15, seed: 9 });
    const res = await t.http().get(`/v1/quizzes/${quiz.id}/export`).query({ format: 'qti12' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="tcplab-quiz-${quiz.id}.qti12.xml"`);
    expect(res.text).toContain('<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"');
    expect(res.text.match(/<item ident="q\d+"/g)).toHaveLength(15);
  });

  it('QTI 2.1: an application/zip content package (the manifest first, then one item per question)', async () => {
    const quiz = await createQuiz({ scenario: 'four-way-teardown', count: 15, seed: 9 });
    const res = await t
      .http()
      .get(`/v1/quizzes/${quiz.id}/export`)
      .query({ format: 'qti21' })
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="tcplab-quiz-${quiz.id}.qti21.zip"`);
    const body = res.body as Buffer;
    expect(body.readUInt32LE(0)).toBe(0x04034b50);
    expect(body.subarray(30, 30 + 'imsmanifest.xml'.length).toString()).toBe('imsmanifest.xml');
    expect(body.readUInt16LE(body.length - 22 + 10)).toBe(16);
  });

  it('an unknown format is a 400', async () => {
    const quiz = await createQuiz({ scenario: 'three-way-handshake', count: 1 });
    expectBadFields(await t.http().get(`/v1/quizzes/${quiz.id}/export`).query({ format: 'docx' }), ['format']);
  });
});

describe('attempts', () => {
  let quiz: Record<string, any>;
  let questions: Array<Record<string, any>>;

  beforeAll(async () => {
    quiz = await createQuiz({ scenario: 'three-way-handshake', count: 14, seed: 21 });
    questions = await answersOf(quiz.id);
    expect(new Set(questions.map((q) => q['type']))).toEqual(new Set(['multiple_choice', 'multiple_answer', 'numerical', 'ordering']));
  });

  const attempt = (answers: Record<string, unknown>, learner_id?: string) =>
    t.http().post(`/v1/quizzes/${quiz['id']}/attempts`).send({ answers, ...(learner_id ? { learner_id } : {}) });

  it('all answers right: every question correct, 100 %', async () => {
    const res = await attempt(Object.fromEntries(questions.map((q) => [q['id'], q['answer']])), 'ada');
    expect(res.status).toBe(201);
    expect(res.body.score).toEqual({ points: 14, max_points: 14, percent: 100 });
    expect(res.body.results.every((r: { correct: boolean }) => r.correct)).toBe(true);
  });

  it('all answers wrong: 0 %, each result with the right answer and its explanation', async () => {
    const res = await attempt(Object.fromEntries(questions.map((q) => [q['id'], wrong(q)])), 'bob');
    expect(res.status).toBe(201);
    expect(res.body.score).toEqual({ points: 0, max_points: 14, percent: 0 });
    res.body.results.forEach((r: Record<string, unknown>, i: number) => {
      expect(r).toEqual({ question_id: questions[i]!['id'], correct: false, given: wrong(questions[i]!), answer: questions[i]!['answer'], explanation: questions[i]!['explanation'] });
    });
  });

  it('mixed: right on the first half, wrong on one, the rest left out → 7 of 14, 50 %', async () => {
    const answers: Record<string, unknown> = Object.fromEntries(questions.slice(0, 7).map((q) => [q['id'], q['answer']]));
    answers[questions[7]!['id']] = wrong(questions[7]!);
    const res = await attempt(answers, 'ada');
    expect(res.body.score).toEqual({ points: 7, max_points: 14, percent: 50 });
    expect(res.body.results[8].given).toBeNull();
  });

  it("attempts are listed per quiz, and per learner", async () => {
    const all = await t.http().get(`/v1/quizzes/${quiz['id']}/attempts`);
    expect(all.body.items.map((a: { learner_id: string }) => a.learner_id)).toEqual(['ada', 'bob', 'ada']);
    const ada = await t.http().get(`/v1/quizzes/${quiz['id']}/attempts`).query({ learner_id: 'ada' });
    expect(ada.body.items.map((a: { score: { percent: number } }) => a.score.percent)).toEqual([100, 50]);
  });

  it("a learner's attempts are listed across the tenant's quizzes, and no other tenant's", async () => {
    const second = await createQuiz({ scenario: 'four-way-teardown', count: 2, seed: 3 });
    expect((await t.http().post(`/v1/quizzes/${second['id']}/attempts`).send({ answers: {}, learner_id: 'ada' })).status).toBe(201);
    const ada = await t.http().get('/v1/learners/ada/attempts');
    expect(ada.status).toBe(200);
    expect(ada.body.items.map((a: { quiz_id: string; score: { percent: number } }) => [a.quiz_id, a.score.percent])).toEqual([
      [quiz['id'], 100],
      [quiz['id'], 50],
      [second['id'], 0],
    ]);
    const other = await t.newTenant('other school');
    expect((await other.http().get('/v1/learners/ada/attempts')).body.items).toEqual([]);
  });

  it('answers that do not fit the quiz are a 400 naming each one, and nothing is stored', async () => {
    const numerical = questions.find((q) => q['type'] === 'numerical')!;
    const choice = questions.find((q) => q['type'] === 'multiple_choice')!;
    const res = await attempt({ q999: 1, [numerical['id']]: [1], [choice['id']]: 99 }, 'eve');
    expectBadFields(res, ['answers.q999', `answers.${numerical['id']}`, `answers.${choice['id']}`]);
    const eve = await t.http().get(`/v1/quizzes/${quiz['id']}/attempts`).query({ learner_id: 'eve' });
    expect(eve.body.items).toEqual([]);
  });
});
