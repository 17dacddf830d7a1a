/**
 * The two reasons TIME_WAIT lasts 2MSL (RFC 9293 §3.6, §3.10.7.4; taught as
 * 2MSL's two purposes in Chinese course material): the last ACK may be lost
 * and the peer's FIN retransmitted, and segments of the old connection may
 * still be wandering in the network.
 */
import { HANDSHAKE_STEPS, LISTEN_STEP } from './handshake';
import { AUTO, STEPWISE, TWO_MSL_MS, advance, ascii, call, deliver, drop, teach } from './inputs';
import type { Scenario } from './types';

export const LOST_FINAL_ACK: Scenario = {
  id: 'lost-final-ack',
  title: { en: 'The final ACK is lost: why TIME_WAIT lasts 2MSL', 'zh-CN': '最后的 ACK 丢失：为什么 TIME_WAIT 要等待 2MSL' },
  summary: {
    en: 'The fourth wave is lost. The server in LAST_ACK retransmits its FIN after 1 s; the client, still in TIME_WAIT, acknowledges it again and restarts its 2MSL timer, so both ends close cleanly (RFC 9293 §3.6, §3.10.7.4).',
    'zh-CN': '第四次挥手的 ACK 丢失了。处于 LAST_ACK 的服务器在 1 秒后重传 FIN；仍在 TIME_WAIT 的客户端再次确认，并重新启动 2MSL 计时器，双方都正常关闭（RFC 9293 §3.6，§3.10.7.4）。',
  },
  learning_goals: {
    en: [
      'Explain the first purpose of TIME_WAIT: to be there to acknowledge a retransmitted FIN.',
      'See that a FIN is retransmitted like data when its ACK does not come.',
      'See that TIME_WAIT restarts its 2MSL timer when the FIN comes again.',
    ],
    'zh-CN': [
      '解释 TIME_WAIT 的第一个作用：保证能够确认对方重传的 FIN，使对方正常关闭。',
      '理解 FIN 得不到确认时会像数据一样被重传。',
      '理解 FIN 再次到达时 TIME_WAIT 会重新启动 2MSL 计时器。',
    ],
  },
  rfc: ['3.6', '3.8.1', '3.10.7.4', '3.10.8'],
  options: STEPWISE,
  // Segments: #4 client FIN, #5 server ACK, #6 server FIN, #7 client ACK (lost), #8 server FIN again, #9 client ACK again.
  steps: [
    ...HANDSHAKE_STEPS,
    teach(
      call('client', 'close'),
      'FIN_WAIT_1',
      'ESTABLISHED',
      'The client closes: FIN,ACK seq=1001 ack=5001 (the first wave), and it enters FIN_WAIT_1.',
      '客户端关闭连接：发送 FIN,ACK seq=1001 ack=5001（第一次挥手），进入 FIN_WAIT_1。',
    ),
    teach(
      deliver(4),
      'FIN_WAIT_1',
      'CLOSE_WAIT',
      'The server acknowledges the FIN with ACK seq=5001 ack=1002 (the second wave) and enters CLOSE_WAIT.',
      '服务器用 ACK seq=5001 ack=1002 确认 FIN（第二次挥手），进入 CLOSE_WAIT。',
    ),
    teach(
      deliver(5),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      'The client receives the ACK and enters FIN_WAIT_2.',
      '客户端收到 ACK，进入 FIN_WAIT_2。',
    ),
    teach(
      call('server', 'close'),
      'FIN_WAIT_2',
      'LAST_ACK',
      'The server closes: FIN,ACK seq=5001 ack=1002 (the third wave). It enters LAST_ACK and, since the FIN occupies a sequence number, starts its retransmission timer: 1000 ms.',
      '服务器关闭连接：发送 FIN,ACK seq=5001 ack=1002（第三次挥手），进入 LAST_ACK。由于 FIN 占用一个序号，服务器启动重传计时器：1000 毫秒。',
    ),
    teach(
      deliver(6),
      'TIME_WAIT',
      'LAST_ACK',
      'The client acknowledges the FIN with ACK seq=1002 ack=5002 (the fourth wave) and enters TIME_WAIT; its 2MSL timer would end at 60000 ms.',
      '客户端用 ACK seq=1002 ack=5002 确认 FIN（第四次挥手），进入 TIME_WAIT；它的 2MSL 计时器本应在第 60000 毫秒结束。',
    ),
    teach(
      drop(7),
      'TIME_WAIT',
      'LAST_ACK',
      'The network loses that last ACK. The server never learns that its FIN arrived: it stays in LAST_ACK. Had the client gone straight to CLOSED, it could no longer answer the FIN that is about to come again.',
      '网络丢失了这个最后的 ACK。服务器无从得知它的 FIN 已经到达：仍然停留在 LAST_ACK。如果客户端此时已直接进入 CLOSED，就无法再回应即将重传的 FIN 了。',
    ),
    teach(
      advance(1000),
      'TIME_WAIT',
      'LAST_ACK',
      "1000 ms pass without an ACK: the server's retransmission timer expires and it retransmits FIN,ACK seq=5001 ack=1002, doubling its RTO to 2 s.",
      '1000 毫秒内没有收到 ACK：服务器的重传计时器超时，重传 FIN,ACK seq=5001 ack=1002，并把 RTO 加倍为 2 秒。',
    ),
    teach(
      deliver(8),
      'TIME_WAIT',
      'LAST_ACK',
      'The retransmitted FIN reaches the client — still in TIME_WAIT, so still able to answer. It acknowledges the FIN again, ACK seq=1002 ack=5002, and restarts the 2MSL timer: TIME_WAIT now ends at 1000 + 60000 = 61000 ms.',
      '重传的 FIN 到达客户端——它仍处于 TIME_WAIT，所以还能应答。客户端再次用 ACK seq=1002 ack=5002 确认，并重新启动 2MSL 计时器：TIME_WAIT 现在将在第 1000 + 60000 = 61000 毫秒结束。',
    ),
    teach(
      deliver(9),
      'TIME_WAIT',
      'CLOSED',
      'This time the ACK arrives: ack=5002 acknowledges the server\'s FIN, and the server is CLOSED — cleanly, instead of being answered with an RST.',
      '这一次 ACK 到达了：ack=5002 确认了服务器的 FIN，服务器正常进入 CLOSED，而不是收到一个 RST。',
    ),
    teach(
      advance(TWO_MSL_MS - 1),
      'TIME_WAIT',
      'CLOSED',
      'At 60999 ms the client is still in TIME_WAIT: the first 2MSL would have ended at 60000 ms, but the retransmitted FIN restarted it.',
      '在第 60999 毫秒客户端仍处于 TIME_WAIT：原来的 2MSL 本应在第 60000 毫秒结束，但重传的 FIN 使它重新开始计时。',
    ),
    teach(
      advance(1),
      'CLOSED',
      'CLOSED',
      'At 61000 ms, 2MSL after the last FIN arrived, TIME_WAIT ends and the client is CLOSED.',
      '在第 61000 毫秒，即最后一个 FIN 到达 2MSL 之后，TIME_WAIT 结束，客户端进入 CLOSED。',
    ),
  ],
};

/** The 10 octets the network holds back in the delayed-segment scenario. */
const LATE_DATA = 'hello, tcp';

export const DELAYED_SEGMENT_AFTER_CLOSE: Scenario = {
  id: 'delayed-segment-after-close',
  title: { en: 'A delayed segment arrives after the close', 'zh-CN': '连接关闭后才到达的滞留报文段' },
  summary: {
    en: "A data segment is held up in the network, retransmitted, and the connection closes. The old copy arrives while the client is still in TIME_WAIT; it is refused harmlessly, and when a new connection starts 2MSL later nothing of the old one is left in flight (RFC 9293 §3.4, §3.6).",
    'zh-CN': '一个数据报文段在网络中滞留，发送方重传后连接正常关闭。旧的副本在客户端仍处于 TIME_WAIT 时到达，被无害地拒绝；2MSL 之后新连接建立时，网络中已没有旧连接的任何报文段（RFC 9293 §3.4，§3.6）。',
  },
  learning_goals: {
    en: [
      'Explain the second purpose of TIME_WAIT: to let every segment of the old connection leave the network before the same socket pair is used again.',
      'See how a segment that arrives after the close is answered: a CLOSED port answers RST <SEQ=SEG.ACK>, and an out-of-window RST is dropped.',
      'See that a new connection chooses new ISNs.',
    ],
    'zh-CN': [
      '解释 TIME_WAIT 的第二个作用：经过 2MSL，本连接产生的所有报文段都从网络中消失，同一对套接字再次使用时不会出现旧连接的报文段。',
      '理解连接关闭后到达的报文段如何处理：CLOSED 端口回复 RST，序号 = SEG.ACK；不在窗口内的 RST 被丢弃。',
      '理解新连接会选择新的初始序列号。',
    ],
  },
  rfc: ['3.4', '3.4.1', '3.5.2', '3.5.3', '3.6', '3.10.7.1', '3.10.7.4', '3.10.8'],
  // Automatic delivery, with only the one segment the scenario delays held back. Seed 1 fixes the ISNs of the
  // second connection (2265367787 and 4213581821, the PRNG's next draws).
  options: AUTO,
  // Segments: #1–#3 handshake, #4 data (held), #5 its retransmission, #6 ACK, #7 client FIN, #8 ACK, #9 server FIN,
  // #10 ACK, #11 the server's RST for #4, #12–#14 the new handshake.
  steps: [
    LISTEN_STEP,
    teach(
      call('client', 'connect'),
      'ESTABLISHED',
      'ESTABLISHED',
      'The network delivers every segment at once here, so one connect() completes the handshake: SYN seq=1000, SYN,ACK seq=5000 ack=1001, ACK seq=1001 ack=5001.',
      '这里网络立即递交每个报文段，所以一次 connect() 就完成三次握手：SYN seq=1000，SYN,ACK seq=5000 ack=1001，ACK seq=1001 ack=5001。',
    ),
    teach(
      call('client', 'send', { data: { payload: ascii(LATE_DATA) }, network: 'hold' }),
      'ESTABLISHED',
      'ESTABLISHED',
      'The client sends 10 octets, PSH,ACK seq=1001:1011 ack=5001, but this segment gets stuck in the network — say, in a router queue on a slow path. It has not been lost: it is still on its way.',
      '客户端发送 10 个字节，PSH,ACK seq=1001:1011 ack=5001，但这个报文段滞留在网络中——比如卡在某条慢速路径上的路由器队列里。它并没有丢失，仍在途中。',
    ),
    teach(
      advance(1000),
      'ESTABLISHED',
      'ESTABLISHED',
      'No ACK within the 1000 ms RTO: the client retransmits PSH,ACK seq=1001:1011 ack=5001. The copy arrives and the server acknowledges it, ACK seq=5001 ack=1011. The original is still in the network.',
      '1000 毫秒的 RTO 内没有收到 ACK：客户端重传 PSH,ACK seq=1001:1011 ack=5001。这个副本到达了，服务器用 ACK seq=5001 ack=1011 确认。原来那个报文段仍在网络中。',
    ),
    teach(
      call('client', 'close'),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      'The client closes: FIN,ACK seq=1011 ack=5001, answered by ACK seq=5001 ack=1012. The client is in FIN_WAIT_2, the server in CLOSE_WAIT.',
      '客户端关闭连接：发送 FIN,ACK seq=1011 ack=5001，服务器回复 ACK seq=5001 ack=1012。客户端处于 FIN_WAIT_2，服务器处于 CLOSE_WAIT。',
    ),
    teach(
      call('server', 'close'),
      'TIME_WAIT',
      'CLOSED',
      'The server closes: FIN,ACK seq=5001 ack=1012, answered by ACK seq=1012 ack=5002. The server is CLOSED; the client is in TIME_WAIT until 1000 + 60000 = 61000 ms — and the old segment is still in the network.',
      '服务器关闭连接：发送 FIN,ACK seq=5001 ack=1012，客户端回复 ACK seq=1012 ack=5002。服务器进入 CLOSED；客户端处于 TIME_WAIT，直到第 1000 + 60000 = 61000 毫秒——而那个旧报文段仍在网络中。',
    ),
    teach(
      deliver(4),
      'TIME_WAIT',
      'CLOSED',
      'Now the old segment, seq=1001:1011 ack=5001, finally arrives. The server has no connection any more, so it answers with a reset whose seq is taken from the segment\'s ack: RST seq=5001. The client is in TIME_WAIT expecting 5002; the RST is outside its window and silently dropped. Because the client still holds the socket pair in TIME_WAIT, no new connection on the same ports can exist yet for the old data to be mistaken into.',
      '这时旧报文段 seq=1001:1011 ack=5001 终于到达。服务器已经没有这个连接，于是回复复位报文段，序号取自该报文段的确认号：RST seq=5001。客户端处于 TIME_WAIT，期望的序号是 5002；这个 RST 不在窗口内，被悄悄丢弃。由于客户端仍在 TIME_WAIT 中占用这对套接字，同样端口上还不可能存在新的连接，旧数据也就不会被误认为新连接的数据。',
    ),
    teach(
      advance(TWO_MSL_MS),
      'CLOSED',
      'CLOSED',
      "At 61000 ms the client's 2MSL ends and it is CLOSED. A segment lives at most one MSL, so after 2MSL nothing sent by the old connection — nor any answer to it — can still be in the network.",
      '在第 61000 毫秒客户端的 2MSL 结束，进入 CLOSED。一个报文段在网络中最多存活一个 MSL，所以经过 2MSL，旧连接发出的报文段以及对它们的应答都已从网络中消失。',
    ),
    teach(
      call('server', 'listen'),
      'CLOSED',
      'LISTEN',
      'The server listens on port 80 again.',
      '服务器再次在 80 端口监听。',
    ),
    teach(
      call('client', 'connect'),
      'ESTABLISHED',
      'ESTABLISHED',
      'A new connection on the same socket pair: the client chooses a new ISN, 2265367787, the server 4213581821 (drawn from the seeded generator): SYN seq=2265367787, SYN,ACK seq=4213581821 ack=2265367788, ACK seq=2265367788 ack=4213581822. The network holds no segment of the old connection.',
      '在同一对套接字上建立新连接：客户端选择新的初始序列号 2265367787，服务器选择 4213581821（取自固定种子的伪随机数）：SYN seq=2265367787，SYN,ACK seq=4213581821 ack=2265367788，ACK seq=2265367788 ack=4213581822。网络中已没有旧连接的任何报文段。',
    ),
  ],
};
