/**
 * Exercises: a learner drives a manual-mode connection (every segment validated) towards a goal. A goal is data:
 * the connection it starts from, the inputs that set the stage (not counted as the learner's), and a test of
 * the connection and of what happened since the stage was set. Grading (grade.ts) counts the learner's moves.
 */
import type { ConnectionOptions } from '../connection';
import type { TcpEvent } from '../events';
import { localized, type Localized } from '../scenarios/types';
import { ACK, FIN, SYN } from '../segment';
import type { SegmentDraft } from '../validate';
import type { Connection } from '../connection';
import type { Input } from '../step';

export const EXERCISE_GOALS = ['establish-as-client', 'close-from-server', 'recover-lost-final-ack'] as const;
export type ExerciseGoalId = (typeof EXERCISE_GOALS)[number];

export interface ExerciseGoal {
  readonly id: ExerciseGoalId;
  readonly title: Localized;
  readonly instructions: Localized;
  /** The inputs that set the stage, applied when the exercise is created. */
  readonly setup: readonly Input[];
  /** True once the goal is reached; `since` holds the events of the learner's moves only. */
  readonly reached: (connection: Connection, since: readonly TcpEvent[]) => boolean;
}

const t = localized;

/** Numbers filled in by the simulator (a draft with only flags): the setup's segments are right by construction. */
function send(from: 'client' | 'server', flags: number, network?: 'drop'): Input {
  const segment: SegmentDraft = { flags, seq: null, ack: flags & ACK ? null : 0, window: null, length: null, payload: null, urgent_pointer: null, options: null };
  return { type: 'send', from, segment, ...(network ? { network } : {}) };
}

const HANDSHAKE: readonly Input[] = [
  { type: 'call', endpoint: 'server', call: 'listen' },
  send('client', SYN),
  send('server', SYN | ACK),
  send('client', ACK),
];

const movedTo = (since: readonly TcpEvent[], side: 'client' | 'server', state: string): boolean =>
  since.some((e) => e.kind === 'transition' && e.endpoint === side && e.to_state === state);

export const GOALS: Readonly<Record<ExerciseGoalId, ExerciseGoal>> = {
  'establish-as-client': {
    id: 'establish-as-client',
    title: t('Establish a connection as the client', '作为客户端建立连接'),
    instructions: t(
      'The server is listening. Open the connection from the client with the three-way handshake, sending every segment yourself (POST /send with from and flags; the numbers are checked) until both ends are ESTABLISHED.',
      '服务器正在监听。请从客户端发起连接,亲自发送三次握手的每一个报文段(POST /send,给出 from 和标志位;序列号和确认号都会被检查),直到双方都进入 ESTABLISHED。',
    ),
    setup: [HANDSHAKE[0]!],
    reached: (c) => c.client.state === 'ESTABLISHED' && c.server.state === 'ESTABLISHED',
  },
  'close-from-server': {
    id: 'close-from-server',
    title: t('Close the connection from the server side', '从服务器一方关闭连接'),
    instructions: t(
      'The connection is ESTABLISHED. Close it with the server as the active closer: the four-way teardown, every segment sent by you, until the client is CLOSED and the server in TIME_WAIT.',
      '连接已建立。请让服务器作为主动关闭方关闭连接:四次挥手的每一个报文段都由你发送,直到客户端进入 CLOSED、服务器进入 TIME_WAIT。',
    ),
    setup: HANDSHAKE,
    // The orderly close, not an abort: the server went through FIN_WAIT_1 to TIME_WAIT, the client through LAST_ACK.
    reached: (c, since) =>
      movedTo(since, 'server', 'FIN_WAIT_1') && movedTo(since, 'server', 'TIME_WAIT') && movedTo(since, 'client', 'LAST_ACK') && c.client.state === 'CLOSED',
  },
  'recover-lost-final-ack': {
    id: 'recover-lost-final-ack',
    title: t('Recover from a lost final ACK', '从丢失的最后一个 ACK 中恢复'),
    instructions: t(
      'The client closed first; its final ACK (the fourth wave) was lost, so the server is still in LAST_ACK. Let time pass until the server must retransmit its FIN (POST /advance), send the retransmission and the client\'s new ACK, until the server is CLOSED.',
      '客户端先关闭;它的最后一个 ACK(第四次挥手)丢失了,服务器仍处于 LAST_ACK。请推进时间(POST /advance)直到服务器必须重传 FIN,再发送这个重传和客户端新的 ACK,直到服务器进入 CLOSED。',
    ),
    setup: [...HANDSHAKE, send('client', FIN | ACK), send('server', ACK), send('server', FIN | ACK), send('client', ACK, 'drop')],
    // The server closed because its FIN was acknowledged (LAST_ACK → CLOSED), not by an abort.
    reached: (c, since) =>
      c.server.state === 'CLOSED' && since.some((e) => e.kind === 'transition' && e.endpoint === 'server' && e.code === 'LAST_ACK_ACK_TO_CLOSED'),
  },
};

/** The connection an exercise starts from: manual mode, segments delivered as they are sent. */
export function exerciseOptions(base: ConnectionOptions = {}): ConnectionOptions {
  return { ...base, mode: 'manual', auto_deliver: true };
}
