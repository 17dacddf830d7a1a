// /quizzes/{id} : a quiz taken through a share link. The questions come without answers (GET /v1/quizzes/{id});
// the answers are handed in as one attempt (POST /v1/quizzes/{id}/attempts), whose answer grades each question
// and carries the right answers and explanations.
import { api, linkToken, Problem } from '../api.js';
import { fill, h, svgNode } from '../dom.js';
import { t } from '../i18n.js';
import { layout, showFailure } from '../layout.js';

const quizId = location.pathname.split('/')[2];
const main = document.getElementById('main');
layout(t('quiz.title'));

/** The order a learner has put an ordering question's items in: indices into its choices. */
const orders = new Map();

function choiceInputs(question, kind) {
  return h(
    'div',
    { class: 'choices' },
    question.choices.map((choice, index) => h('label', { class: 'choice' }, h('input', { type: kind, name: question.id, value: index }), ' ', choice)),
  );
}

function orderingInput(question) {
  const order = orders.get(question.id) ?? question.choices.map((_, i) => i);
  orders.set(question.id, order);
  const list = h('ol', { class: 'ordering', dataset: { question: question.id } });
  const move = (from, to) => {
    if (to < 0 || to >= order.length) return;
    const [item] = order.splice(from, 1);
    order.splice(to, 0, item);
    redraw();
    list.querySelectorAll('li')[to]?.querySelector(to < from ? '.up' : '.down')?.focus();
  };
  const redraw = () =>
    fill(
      list,
      order.map((choice, position) =>
        h(
          'li',
          {
            draggable: 'true',
            dataset: { choice, position },
            ondragstart: (e) => e.dataTransfer.setData('text/plain', String(position)),
            ondragover: (e) => e.preventDefault(),
            ondrop: (e) => {
              e.preventDefault();
              move(Number(e.dataTransfer.getData('text/plain')), position);
            },
          },
          h('code', {}, question.choices[choice]),
          h('button', { type: 'button', class: 'up', 'aria-label': `${t('quiz.up')}: ${question.choices[choice]}`, disabled: position === 0, onclick: () => move(position, position - 1) }, '↑'),
          h('button', { type: 'button', class: 'down', 'aria-label': `${t('quiz.down')}: ${question.choices[choice]}`, disabled: position === order.length - 1, onclick: () => move(position, position + 1) }, '↓'),
        ),
      ),
    );
  redraw();
  return h('div', {}, h('p', { class: 'muted' }, t('quiz.order.hint')), list);
}

function answerInput(question) {
  switch (question.type) {
    case 'multiple_choice':
      return choiceInputs(question, 'radio');
    case 'multiple_answer':
      return choiceInputs(question, 'checkbox');
    case 'numerical':
      return h('label', {}, t('quiz.number'), ' ', h('input', { type: 'number', name: question.id, min: 0 }));
    case 'ordering':
      return orderingInput(question);
  }
}

/** The answer to a question as the attempt takes it, or undefined when left out. */
function answerOf(form, question) {
  switch (question.type) {
    case 'multiple_choice': {
      const checked = form.querySelector(`input[name="${question.id}"]:checked`);
      return checked ? Number(checked.value) : undefined;
    }
    case 'multiple_answer':
      return [...form.querySelectorAll(`input[name="${question.id}"]:checked`)].map((input) => Number(input.value));
    case 'numerical': {
      const value = form.querySelector(`input[name="${question.id}"]`).value;
      return value === '' ? undefined : Number(value);
    }
    case 'ordering':
      return [...orders.get(question.id)];
  }
}

async function diagram(question) {
  const figure = h('figure', { class: 'diagram' });
  if (question.diagram_url) {
    api(question.diagram_url, { accept: 'image/svg+xml' })
      .then((blob) => blob.text())
      .then((svg) => figure.append(h('div', { class: 'svg-scroll' }, svgNode(svg))))
      .catch(() => undefined);
  }
  return figure;
}

function valueText(question, value) {
  if (value === null || value === undefined) return t('quiz.none');
  if (question.type === 'numerical') return String(value);
  const indices = Array.isArray(value) ? value : [value];
  return indices.map((i) => question.choices[i] ?? String(i)).join(question.type === 'ordering' ? ' → ' : ', ');
}

function resultsView(quiz, attempt) {
  const byId = new Map(quiz.questions.map((q) => [q.id, q]));
  return h(
    'section',
    { class: 'results', 'aria-labelledby': 'score', tabindex: '-1' },
    h('h2', { id: 'score', dataset: { testid: 'score' } }, t('quiz.score', { points: attempt.score.points, max: attempt.score.max_points, percent: attempt.score.percent })),
    h(
      'ol',
      { class: 'feedback' },
      attempt.results.map((r) => {
        const q = byId.get(r.question_id);
        return h(
          'li',
          { class: r.correct ? 'success' : 'refusal', dataset: { question: r.question_id, correct: String(r.correct) } },
          h('h3', {}, r.correct ? t('quiz.correct') : t('quiz.wrong')),
          h('p', {}, q.prompt),
          h('p', {}, t('quiz.given', { value: valueText(q, r.given) })),
          r.correct ? null : h('p', {}, t('quiz.answer', { value: valueText(q, r.answer) })),
          h('p', { class: 'muted' }, r.explanation),
        );
      }),
    ),
    h('button', { type: 'button', onclick: () => location.reload() }, t('quiz.again')),
  );
}

async function draw(quiz) {
  const name = h('input', { type: 'text', id: 'learner-name', name: 'learner_name', autocomplete: 'name', maxlength: 200 });
  const questions = await Promise.all(
    quiz.questions.map(async (q, i) =>
      h(
        'fieldset',
        { class: 'question panel', dataset: { question: q.id, type: q.type } },
        h('legend', {}, t('quiz.question', { n: i + 1 })),
        h('p', { class: 'prompt' }, q.prompt),
        q.context.length > 0 ? h('details', { open: true }, h('summary', {}, t('quiz.context')), h('ol', { class: 'tcpdump' }, q.context.map((line) => h('li', {}, h('code', {}, line))))) : null,
        await diagram(q),
        answerInput(q),
      ),
    ),
  );
  const form = h(
    'form',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        const answers = {};
        for (const q of quiz.questions) {
          const value = answerOf(form, q);
          if (value !== undefined) answers[q.id] = value;
        }
        try {
          const attempt = await api(`/v1/quizzes/${quizId}/attempts`, { method: 'POST', body: { answers, ...(name.value.trim() ? { learner_name: name.value.trim() } : {}) } });
          fill(main, h('h1', {}, t('quiz.title')), resultsView(quiz, attempt));
          main.querySelector('.results').focus();
        } catch (error) {
          showFailure(error);
        }
      },
    },
    h('p', {}, h('label', { for: 'learner-name' }, t('quiz.name')), ' ', name),
    questions,
    h('button', { type: 'submit', class: 'primary' }, t('quiz.submit')),
  );
  fill(main, h('h1', {}, t('quiz.title')), form);
}

try {
  if (!linkToken()) throw new Problem(401, { title: t('error.title'), detail: t('link.needed') });
  await draw(await api(`/v1/quizzes/${quizId}`));
} catch (error) {
  showFailure(error);
}
