/**
 * The three-way handshake of RFC 9293 §3.5 Figure 6 with the STEPWISE
 * numbers (client ISN 1000, server ISN 5000), one segment per step. Several
 * scenarios start from an established connection; they reuse these steps
 * so that the same numbers are explained the same way everywhere.
 * Segments: #1 SYN, #2 SYN,ACK, #3 ACK.
 */
import { call, deliver, teach } from './inputs';
import type { ScenarioStep } from './types';

export const LISTEN_STEP: ScenarioStep = teach(
  call('server', 'listen'),
  'CLOSED',
  'LISTEN',
  "The server's application calls listen(): the server opens passively on port 80 and waits in LISTEN for a connection request.",
  '服务器的应用程序调用 listen()：服务器在 80 端口被动打开，进入 LISTEN（监听）状态，等待连接请求报文段。',
);

export const HANDSHAKE_STEPS: readonly ScenarioStep[] = [
  LISTEN_STEP,
  teach(
    call('client', 'connect'),
    'SYN_SENT',
    'LISTEN',
    'The client calls connect(): it chooses its ISN 1000 and sends SYN seq=1000 — the first handshake — and enters SYN_SENT.',
    '客户端调用 connect()：选择初始序列号 1000，发送 SYN 报文段 seq=1000（第一次握手），进入 SYN_SENT（同步已发送）状态。',
  ),
  teach(
    deliver(1),
    'SYN_SENT',
    'SYN_RECEIVED',
    "The SYN arrives. The server chooses its own ISN 5000 and answers SYN,ACK seq=5000 ack=1001 — the second handshake. The ack is 1001, not 1000, because a SYN consumes one sequence number. The server is in SYN_RECEIVED.",
    'SYN 到达服务器。服务器选择自己的初始序列号 5000，回复 SYN,ACK 报文段 seq=5000 ack=1001（第二次握手）。确认号为 1001 而不是 1000，因为 SYN 消耗一个序列号。服务器进入 SYN_RECEIVED（同步收到）状态。',
  ),
  teach(
    deliver(2),
    'ESTABLISHED',
    'SYN_RECEIVED',
    "The SYN,ACK arrives: ack=1001 acknowledges the client's SYN. The client sends ACK seq=1001 ack=5001 — the third handshake — and is ESTABLISHED.",
    'SYN,ACK 到达客户端：确认号 ack=1001 确认了客户端的 SYN。客户端发送 ACK 报文段 seq=1001 ack=5001（第三次握手），进入 ESTABLISHED（已建立连接）状态。',
  ),
  teach(
    deliver(3),
    'ESTABLISHED',
    'ESTABLISHED',
    "The ACK arrives: ack=5001 acknowledges the server's SYN. The server is ESTABLISHED too; both sequence spaces are synchronized.",
    'ACK 到达服务器：确认号 ack=5001 确认了服务器的 SYN。服务器也进入 ESTABLISHED 状态，双方的序号都已同步。',
  ),
];
