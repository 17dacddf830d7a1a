/**
 * Scenarios about opening a connection (RFC 9293 §3.5): the handshake, its
 * symmetric variant, a refusal, a lost SYN, and the old duplicate SYN that
 * the third handshake exists for.
 */
import { SYN } from '../segment';
import { HANDSHAKE_STEPS, LISTEN_STEP } from './handshake';
import { AUTO, STEPWISE, advance, call, deliver, teach } from './inputs';
import type { Scenario } from './types';

export const THREE_WAY_HANDSHAKE: Scenario = {
  id: 'three-way-handshake',
  title: { en: 'The three-way handshake', 'zh-CN': '三次握手' },
  summary: {
    en: 'A client connects to a listening server: SYN, SYN,ACK, ACK, one segment at a time (RFC 9293 §3.5, Figure 6).',
    'zh-CN': '客户端连接一个正在监听的服务器：SYN、SYN,ACK、ACK，每步一个报文段（RFC 9293 §3.5，图 6）。',
  },
  learning_goals: {
    en: [
      'Name the states both ends pass through: LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED.',
      'Explain why the acknowledgment number of a SYN is ISN + 1.',
      'See that each side chooses its own initial sequence number.',
    ],
    'zh-CN': [
      '说出双方经历的状态：LISTEN、SYN_SENT、SYN_RECEIVED、ESTABLISHED。',
      '解释为什么对 SYN 的确认号是初始序列号 + 1。',
      '理解双方各自选择自己的初始序列号。',
    ],
  },
  rfc: ['3.3.2', '3.4', '3.5', '3.10.1', '3.10.7.2', '3.10.7.3', '3.10.7.4'],
  options: STEPWISE,
  steps: HANDSHAKE_STEPS,
};

export const SIMULTANEOUS_OPEN: Scenario = {
  id: 'simultaneous-open',
  title: { en: 'Simultaneous open', 'zh-CN': '同时打开' },
  summary: {
    en: 'Both ends connect to each other at the same time; the SYNs cross, both pass through SYN_RECEIVED, and one connection results (RFC 9293 §3.5, Figure 8).',
    'zh-CN': '双方同时主动连接对方；两个 SYN 在网络中交错，双方都经过 SYN_RECEIVED，最终只建立一个连接（RFC 9293 §3.5，图 8）。',
  },
  learning_goals: {
    en: [
      'See that a SYN arriving in SYN_SENT leads to SYN_RECEIVED, not to ESTABLISHED.',
      'Count the segments: two SYNs, two SYN,ACKs and two ACKs instead of three segments.',
      'Understand that TCP makes one connection out of two simultaneous opens.',
    ],
    'zh-CN': [
      '理解在 SYN_SENT 状态收到 SYN 会进入 SYN_RECEIVED，而不是 ESTABLISHED。',
      '数一数报文段：两个 SYN、两个 SYN,ACK 和两个 ACK，而不是三个报文段。',
      '理解 TCP 把两个同时发起的打开合并为一个连接。',
    ],
  },
  rfc: ['3.5', '3.10.1', '3.10.7.3', '3.10.7.4'],
  options: STEPWISE,
  // Segments: #1 client SYN, #2 server SYN, #3 server SYN,ACK, #4 client SYN,ACK, #5 client ACK, #6 server ACK.
  steps: [
    teach(
      call('client', 'connect'),
      'SYN_SENT',
      'CLOSED',
      'Both ends will open actively; neither listens. The client sends SYN seq=1000 and enters SYN_SENT; the SYN is still in the network.',
      '双方都将主动打开，谁也不监听。客户端发送 SYN seq=1000，进入 SYN_SENT；这个 SYN 还在网络中传输。',
    ),
    teach(
      call('server', 'connect'),
      'SYN_SENT',
      'SYN_SENT',
      "Before that SYN arrives, the server calls connect() to the client's port and sends its own SYN seq=5000. Both ends are in SYN_SENT, and the two SYNs cross in the network.",
      '在那个 SYN 到达之前，服务器也调用 connect() 连接客户端的端口，发送自己的 SYN seq=5000。双方都处于 SYN_SENT，两个 SYN 在网络中交错而过。',
    ),
    teach(
      deliver(1),
      'SYN_SENT',
      'SYN_RECEIVED',
      "The client's SYN reaches the server in SYN_SENT. It carries no ACK, so it is not an answer but the peer's own opening: the server records the client's ISN 1000, enters SYN_RECEIVED and sends SYN,ACK seq=5000 ack=1001 — its SYN again, now acknowledging the client's.",
      '客户端的 SYN 到达处于 SYN_SENT 的服务器。它不带 ACK，不是应答而是对方的连接请求：服务器记下客户端的初始序列号 1000，进入 SYN_RECEIVED，发送 SYN,ACK seq=5000 ack=1001——再次发送自己的 SYN，同时确认客户端的 SYN。',
    ),
    teach(
      deliver(2),
      'SYN_RECEIVED',
      'SYN_RECEIVED',
      "The server's SYN reaches the client, symmetrically: the client records ISN 5000, enters SYN_RECEIVED and sends SYN,ACK seq=1000 ack=5001.",
      '服务器的 SYN 到达客户端，过程完全对称：客户端记下初始序列号 5000，进入 SYN_RECEIVED，发送 SYN,ACK seq=1000 ack=5001。',
    ),
    teach(
      deliver(3),
      'ESTABLISHED',
      'SYN_RECEIVED',
      "The server's SYN,ACK reaches the client: ack=1001 acknowledges the client's SYN, so the client is ESTABLISHED (Figure 8). Its SYN repeats seq 5000, which the client already has; Linux accepts the segment rather than discarding it, and the client answers ACK seq=1001 ack=5001.",
      '服务器的 SYN,ACK 到达客户端：ack=1001 确认了客户端的 SYN，客户端进入 ESTABLISHED（图 8）。其中的 SYN 重复了客户端已收到的序号 5000；Linux 接受这个报文段而不是丢弃它，客户端回复 ACK seq=1001 ack=5001。',
    ),
    teach(
      deliver(4),
      'ESTABLISHED',
      'ESTABLISHED',
      "Likewise the client's SYN,ACK (ack=5001) acknowledges the server's SYN: the server is ESTABLISHED and answers ACK seq=5001 ack=1001.",
      '同样，客户端的 SYN,ACK（ack=5001）确认了服务器的 SYN：服务器进入 ESTABLISHED，回复 ACK seq=5001 ack=1001。',
    ),
    teach(
      deliver(5),
      'ESTABLISHED',
      'ESTABLISHED',
      "The client's ACK seq=1001 ack=5001 reaches the server. It acknowledges nothing new: a duplicate ACK, ignored.",
      '客户端的 ACK seq=1001 ack=5001 到达服务器。它没有确认任何新的内容：重复的 ACK，被忽略。',
    ),
    teach(
      deliver(6),
      'ESTABLISHED',
      'ESTABLISHED',
      "The server's ACK seq=5001 ack=1001 reaches the client, likewise ignored. A simultaneous open took six segments instead of three, and both ends went through SYN_SENT and SYN_RECEIVED — but there is only one connection.",
      '服务器的 ACK seq=5001 ack=1001 到达客户端，同样被忽略。同时打开用了六个报文段而不是三个，双方都经历了 SYN_SENT 和 SYN_RECEIVED——但只建立了一个连接。',
    ),
  ],
};

export const CONNECTION_REFUSED: Scenario = {
  id: 'connection-refused',
  title: { en: 'Connection refused', 'zh-CN': '连接被拒绝' },
  summary: {
    en: 'A SYN reaches a port where nothing listens: the server answers RST,ACK and the client reports "connection refused" (RFC 9293 §3.10.7.1).',
    'zh-CN': 'SYN 到达一个没有应用程序监听的端口：服务器回复 RST,ACK，客户端报告 “connection refused”（RFC 9293 §3.10.7.1）。',
  },
  learning_goals: {
    en: [
      'Build the reset a CLOSED port sends: seq=0 and ack = SEG.SEQ + SEG.LEN when the offending segment has no ACK.',
      'Explain why SYN_SENT believes an RST only if it acknowledges its SYN.',
      'Connect the RST to the "connection refused" error an application sees.',
    ],
    'zh-CN': [
      '构造 CLOSED 端口发送的复位报文段：当对方的报文段不带 ACK 时，seq=0，确认号 = SEG.SEQ + SEG.LEN。',
      '解释为什么 SYN_SENT 状态只相信确认了自己 SYN 的 RST。',
      '把 RST 与应用程序看到的 “connection refused” 错误联系起来。',
    ],
  },
  rfc: ['3.5.2', '3.5.3', '3.10.7.1', '3.10.7.3'],
  options: STEPWISE,
  // Segments: #1 SYN, #2 RST,ACK.
  steps: [
    teach(
      call('client', 'connect'),
      'SYN_SENT',
      'CLOSED',
      "No application listens on the server's port 80: the server is CLOSED. The client cannot know that; it calls connect(), sends SYN seq=1000 and enters SYN_SENT.",
      '服务器的 80 端口上没有应用程序监听：服务器处于 CLOSED 状态。客户端无从知道，它调用 connect()，发送 SYN seq=1000（第一次握手），进入 SYN_SENT。',
    ),
    teach(
      deliver(1),
      'SYN_SENT',
      'CLOSED',
      'The SYN reaches a CLOSED port. There is no TCB to give it to, so the server answers with a reset. The SYN carried no ACK, so the reset takes seq=0 and acknowledges the SYN with ack=1001 (SEG.SEQ + SEG.LEN): RST,ACK seq=0 ack=1001.',
      'SYN 到达一个处于 CLOSED 状态的端口。服务器没有对应的传输控制块，于是回复复位报文段。SYN 不带 ACK，所以复位报文段的序号取 0，并用确认号 1001（SEG.SEQ + SEG.LEN）确认这个 SYN：RST,ACK seq=0 ack=1001。',
    ),
    teach(
      deliver(2),
      'CLOSED',
      'CLOSED',
      'In SYN_SENT the client believes an RST only if it acknowledges its SYN, and ack=1001 = ISN 1000 + 1 does. The client goes to CLOSED and its application is told "connection refused" (ECONNREFUSED).',
      '在 SYN_SENT 状态，客户端只相信确认了自己 SYN 的 RST，而 ack=1001 = 初始序列号 1000 + 1 正是如此。客户端进入 CLOSED，应用程序得到 “connection refused”（ECONNREFUSED，连接被拒绝）。',
    ),
  ],
};

export const LOST_SYN_RETRANSMISSION: Scenario = {
  id: 'lost-syn-retransmission',
  title: { en: 'A lost SYN is retransmitted', 'zh-CN': 'SYN 丢失后的重传' },
  summary: {
    en: 'The network loses the first SYN; after the initial retransmission timeout of 1 s the client sends it again and the handshake completes (RFC 9293 §3.8.1, RFC 6298 §2.1).',
    'zh-CN': '网络丢失了第一个 SYN；经过 1 秒的初始重传超时后客户端重传 SYN，三次握手完成（RFC 9293 §3.8.1，RFC 6298 §2.1）。',
  },
  learning_goals: {
    en: [
      'See that a SYN occupies sequence space and is therefore retransmitted like data.',
      'Know the initial retransmission timeout: 1 second (RFC 6298 §2.1).',
      'Notice that the retransmitted SYN carries the same ISN.',
    ],
    'zh-CN': [
      '理解 SYN 占用序号空间，因此会像数据一样被重传。',
      '记住初始重传超时：1 秒（RFC 6298 §2.1）。',
      '注意重传的 SYN 携带相同的初始序列号。',
    ],
  },
  rfc: ['3.8.1', '3.10.7.3', '3.10.8'],
  // Automatic delivery: once the SYN gets through, the handshake completes within the same step.
  options: AUTO,
  // Segments: #1 SYN (dropped), #2 SYN (retransmitted), #3 SYN,ACK, #4 ACK.
  steps: [
    LISTEN_STEP,
    teach(
      call('client', 'connect', { network: 'drop' }),
      'SYN_SENT',
      'LISTEN',
      'The client calls connect() and sends SYN seq=1000, but the network loses it. The server hears nothing and stays in LISTEN. The client waits in SYN_SENT with its retransmission timer running: the initial RTO is 1 s (RFC 6298 §2.1).',
      '客户端调用 connect()，发送 SYN seq=1000（第一次握手），但网络丢失了这个报文段。服务器什么也没收到，仍处于 LISTEN。客户端在 SYN_SENT 状态等待，重传计时器已启动：初始重传超时 RTO 为 1 秒（RFC 6298 §2.1）。',
    ),
    teach(
      advance(1000),
      'ESTABLISHED',
      'ESTABLISHED',
      "1000 ms pass without a SYN,ACK: the retransmission timer expires, the client sends SYN seq=1000 again — the same ISN, for it is the same connection attempt — and doubles its RTO (RFC 6298 §5.5). This copy arrives: SYN,ACK seq=5000 ack=1001 and ACK seq=1001 ack=5001 follow at once, and both ends are ESTABLISHED at 1 s.",
      '1000 毫秒内没有收到 SYN,ACK：重传计时器超时，客户端再次发送 SYN seq=1000——同一次连接请求，初始序列号不变——并把 RTO 加倍（RFC 6298 §5.5）。这次报文段到达了：服务器回复 SYN,ACK seq=5000 ack=1001，客户端回复 ACK seq=1001 ack=5001，双方在第 1 秒进入 ESTABLISHED。',
    ),
  ],
};

export const OLD_DUPLICATE_SYN: Scenario = {
  id: 'old-duplicate-syn',
  title: { en: 'An old duplicate SYN: why the third handshake exists', 'zh-CN': '已失效的连接请求报文段：为什么需要第三次握手' },
  summary: {
    en: 'A delayed SYN from an earlier connection reaches the server first. The client answers the stale SYN,ACK with RST, the server returns to LISTEN, and the real SYN then opens the connection (RFC 9293 §3.5, Figure 9).',
    'zh-CN': '一个来自早先连接、在网络中滞留的 SYN 先到达服务器。客户端用 RST 回应过时的 SYN,ACK，服务器回到 LISTEN，随后真正的 SYN 建立连接（RFC 9293 §3.5，图 9）。',
  },
  learning_goals: {
    en: [
      'Explain why a two-way handshake is not enough: an old SYN would open a connection nobody asked for.',
      'See how SYN_SENT recognizes a SYN,ACK for a SYN it did not send, and answers RST seq = SEG.ACK.',
      'See that SYN_RECEIVED entered from LISTEN returns to LISTEN on a reset.',
    ],
    'zh-CN': [
      '解释为什么两次握手不够：已失效的连接请求报文段会建立一个谁也不需要的连接。',
      '理解 SYN_SENT 如何识别针对自己未发送的 SYN 的 SYN,ACK，并回复 RST，序号 = SEG.ACK。',
      '理解从 LISTEN 进入的 SYN_RECEIVED 在收到复位后回到 LISTEN。',
    ],
  },
  rfc: ['3.4', '3.5', '3.5.2', '3.5.3', '3.10.7.3', '3.10.7.4'],
  // Seed 1: the server's second ISN (2265367787) is the PRNG's next draw, so it is as fixed as the configured ones.
  options: STEPWISE,
  // Segments: #1 SYN (held), #2 old SYN (injected), #3 SYN,ACK to it, #4 RST, #5 SYN,ACK to #1, #6 ACK.
  steps: [
    LISTEN_STEP,
    teach(
      call('client', 'connect'),
      'SYN_SENT',
      'LISTEN',
      'The client calls connect() and sends SYN seq=1000 (the first handshake), but the network is slow: this SYN is still on its way.',
      '客户端调用 connect()，发送 SYN seq=1000（第一次握手），但网络很慢：这个 SYN 还在途中。',
    ),
    teach(
      { type: 'inject', to: 'server', segment: { flags: SYN, seq: 990 } },
      'SYN_SENT',
      'SYN_RECEIVED',
      'An old duplicate SYN seq=990 — sent by an earlier connection of the client that ended long ago, and delayed in the network — reaches the server first. The server cannot tell that it is old: it enters SYN_RECEIVED and answers SYN,ACK seq=5000 ack=991.',
      '一个已失效的连接请求报文段 SYN seq=990——客户端早先一个早已结束的连接所发、在网络中滞留至今——先到达服务器。服务器无法判断它是旧的：进入 SYN_RECEIVED，回复 SYN,ACK seq=5000 ack=991。',
    ),
    teach(
      deliver(3),
      'SYN_SENT',
      'SYN_RECEIVED',
      'The client is in SYN_SENT with ISN 1000, so the only acceptable ack is 1001; ack=991 acknowledges a SYN it never sent. This is what the third handshake is for: instead of an ACK the client sends RST seq=991 (the seq taken from the SYN,ACK\'s ack) and stays in SYN_SENT.',
      '客户端处于 SYN_SENT，初始序列号为 1000，唯一可接受的确认号是 1001；ack=991 确认的是一个它从未发送过的 SYN。这正是第三次握手的意义：客户端不发送确认，而是发送复位报文段 RST seq=991（序号取自 SYN,ACK 的确认号），自己仍留在 SYN_SENT。',
    ),
    teach(
      deliver(4),
      'SYN_SENT',
      'LISTEN',
      "The RST's seq=991 is exactly the server's RCV.NXT. The server entered SYN_RECEIVED from LISTEN, so it drops the half-open connection and returns to LISTEN. With only two handshakes, the old SYN would have opened a connection nobody wanted and the server would have waited on it in vain.",
      'RST 的序号 seq=991 恰好等于服务器的 RCV.NXT。服务器是从 LISTEN 进入 SYN_RECEIVED 的，因此撤销这个半开连接，回到 LISTEN。如果只有两次握手，这个已失效的连接请求报文段就会建立一个谁也不需要的连接，服务器会白白等待、浪费资源。',
    ),
    teach(
      deliver(1),
      'SYN_SENT',
      'SYN_RECEIVED',
      'Now the real SYN seq=1000 arrives. The server opens a new connection with a fresh ISN, 2265367787 (every new connection chooses a new ISN; this one is drawn from the seeded generator), and answers SYN,ACK seq=2265367787 ack=1001.',
      '这时真正的 SYN seq=1000 到达。服务器为新连接选择新的初始序列号 2265367787（每个新连接都重新选择初始序列号；这里取自固定种子的伪随机数），回复 SYN,ACK seq=2265367787 ack=1001。',
    ),
    teach(
      deliver(5),
      'ESTABLISHED',
      'SYN_RECEIVED',
      "This SYN,ACK acknowledges the client's real SYN (ack=1001 = 1000 + 1): the client sends the third handshake, ACK seq=1001 ack=2265367788, and is ESTABLISHED.",
      '这个 SYN,ACK 确认了客户端真正的 SYN（ack=1001 = 1000 + 1）：客户端发送第三次握手 ACK seq=1001 ack=2265367788，进入 ESTABLISHED。',
    ),
    teach(
      deliver(6),
      'ESTABLISHED',
      'ESTABLISHED',
      'The ACK reaches the server, which is ESTABLISHED: the connection the client asked for is open, and the old SYN left nothing behind.',
      'ACK 到达服务器，服务器进入 ESTABLISHED：客户端请求的连接建立了，已失效的连接请求报文段没有留下任何影响。',
    ),
  ],
};
