/**
 * Scenarios about closing a connection (RFC 9293 §3.6): the four-way
 * teardown from either side, the three-segment variant, a half-close that
 * carries data, a simultaneous close, and an abort. All start from the
 * handshake of handshake.ts (segments #1–#3), so the numbers continue from
 * client 1001 / server 5001.
 */
import { ACK, FIN, SYN } from '../segment';
import { HANDSHAKE_STEPS, LISTEN_STEP } from './handshake';
import { STEPWISE, TWO_MSL_MS, advance, ascii, call, deliver, teach } from './inputs';
import type { Scenario } from './types';

export const FOUR_WAY_TEARDOWN: Scenario = {
  id: 'four-way-teardown',
  title: { en: 'The four-way teardown (the client closes)', 'zh-CN': '四次挥手（客户端主动关闭）' },
  summary: {
    en: 'The client closes first: FIN, ACK, FIN, ACK, then the client waits 2MSL in TIME_WAIT (RFC 9293 §3.6, Figure 12).',
    'zh-CN': '客户端主动关闭：FIN、ACK、FIN、ACK，之后客户端在 TIME_WAIT 等待 2MSL（RFC 9293 §3.6，图 12）。',
  },
  learning_goals: {
    en: [
      'Follow the active closer through FIN_WAIT_1, FIN_WAIT_2 and TIME_WAIT, and the passive closer through CLOSE_WAIT and LAST_ACK.',
      'Explain why a FIN is acknowledged with its sequence number + 1.',
      'See that only the active closer waits 2MSL, and for exactly 2MSL.',
    ],
    'zh-CN': [
      '跟踪主动关闭方经历 FIN_WAIT_1、FIN_WAIT_2、TIME_WAIT，被动关闭方经历 CLOSE_WAIT、LAST_ACK。',
      '解释为什么对 FIN 的确认号是它的序号 + 1。',
      '理解只有主动关闭方等待 2MSL，而且恰好等待 2MSL。',
    ],
  },
  rfc: ['3.5', '3.6', '3.10.4', '3.10.7.4', '3.10.8'],
  options: STEPWISE,
  // Segments: #4 client FIN, #5 server ACK, #6 server FIN, #7 client ACK.
  steps: [
    ...HANDSHAKE_STEPS,
    teach(
      call('client', 'close'),
      'FIN_WAIT_1',
      'ESTABLISHED',
      "The client's application calls close(): it has no more to send. The client sends FIN,ACK seq=1001 ack=5001 — the first wave; the FIN consumes sequence number 1001 — and enters FIN_WAIT_1 (active close).",
      '客户端的应用程序调用 close()：它没有数据要发送了。客户端发送 FIN,ACK seq=1001 ack=5001（第一次挥手，连接释放报文段；FIN 占用序号 1001），进入 FIN_WAIT_1（终止等待1，主动关闭）。',
    ),
    teach(
      deliver(4),
      'FIN_WAIT_1',
      'CLOSE_WAIT',
      "The FIN reaches the server: the client will send nothing more. The server acknowledges it with ACK seq=5001 ack=1002 — the second wave; 1002 because the FIN took 1001 — and enters CLOSE_WAIT (passive close). Its application is told the client has finished: read() returns 0.",
      'FIN 到达服务器：客户端不会再发送数据了。服务器用 ACK seq=5001 ack=1002 确认（第二次挥手；确认号为 1002，因为 FIN 占用了序号 1001），进入 CLOSE_WAIT（关闭等待，被动关闭）。服务器的应用程序得知客户端已发送完毕：read() 返回 0。',
    ),
    teach(
      deliver(5),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      "The ACK reaches the client: its FIN is acknowledged, so it enters FIN_WAIT_2. The connection is half-closed: the server may still send data, and the client waits for the server's FIN.",
      'ACK 到达客户端：它的 FIN 得到确认，进入 FIN_WAIT_2（终止等待2）。连接处于半关闭状态：服务器仍可以发送数据，客户端等待服务器的 FIN。',
    ),
    teach(
      call('server', 'close'),
      'FIN_WAIT_2',
      'LAST_ACK',
      "The server's application has nothing more to send either and calls close(): the server sends FIN,ACK seq=5001 ack=1002 — the third wave — and enters LAST_ACK.",
      '服务器的应用程序也没有数据要发送了，调用 close()：服务器发送 FIN,ACK seq=5001 ack=1002（第三次挥手），进入 LAST_ACK（最后确认）。',
    ),
    teach(
      deliver(6),
      'TIME_WAIT',
      'LAST_ACK',
      "The server's FIN reaches the client in FIN_WAIT_2. The client sends ACK seq=1002 ack=5002 — the fourth wave — and enters TIME_WAIT for 2MSL = 60 s (an MSL of 30 s, as on Linux), in case this ACK is lost.",
      '服务器的 FIN 到达处于 FIN_WAIT_2 的客户端。客户端发送 ACK seq=1002 ack=5002（第四次挥手），进入 TIME_WAIT（时间等待），等待 2MSL = 60 秒（最长报文段寿命 MSL 为 30 秒，与 Linux 相同），以防这个 ACK 丢失。',
    ),
    teach(
      deliver(7),
      'TIME_WAIT',
      'CLOSED',
      'The last ACK reaches the server: ack=5002 acknowledges its FIN, so the server is CLOSED and deletes its TCB. The client is still in TIME_WAIT.',
      '最后的 ACK 到达服务器：ack=5002 确认了它的 FIN，服务器进入 CLOSED，删除传输控制块。客户端仍处于 TIME_WAIT。',
    ),
    teach(
      advance(TWO_MSL_MS - 1),
      'TIME_WAIT',
      'CLOSED',
      '59999 ms later the client is still in TIME_WAIT: 2MSL has not yet passed.',
      '59999 毫秒后客户端仍处于 TIME_WAIT：2MSL 还没有过去。',
    ),
    teach(
      advance(1),
      'CLOSED',
      'CLOSED',
      "At 60000 ms, exactly 2MSL after the client entered TIME_WAIT, its timer expires and the client is CLOSED too. Four segments closed the connection: the four-way teardown.",
      '在第 60000 毫秒，即客户端进入 TIME_WAIT 恰好 2MSL 之后，计时器超时，客户端也进入 CLOSED。关闭连接用了四个报文段：四次挥手。',
    ),
  ],
};

export const SERVER_CLOSES_FIRST: Scenario = {
  id: 'server-closes-first',
  title: { en: 'The server closes first', 'zh-CN': '服务器主动关闭' },
  summary: {
    en: 'The same four-way teardown with the roles swapped: the server closes actively, so the server, not the client, ends in TIME_WAIT (RFC 9293 §3.6).',
    'zh-CN': '角色互换的四次挥手：服务器主动关闭，因此进入 TIME_WAIT 的是服务器而不是客户端（RFC 9293 §3.6）。',
  },
  learning_goals: {
    en: [
      'See that "client" and "server" do not decide who waits in TIME_WAIT: the side that sends the first FIN does.',
      'Explain why busy servers that close their connections accumulate TIME_WAIT sockets.',
    ],
    'zh-CN': [
      '理解由谁进入 TIME_WAIT 不取决于客户端或服务器的角色，而取决于谁先发送 FIN（主动关闭）。',
      '解释为什么主动关闭连接的繁忙服务器上会积累大量 TIME_WAIT 连接。',
    ],
  },
  rfc: ['3.5', '3.6', '3.10.4', '3.10.7.4', '3.10.8'],
  options: STEPWISE,
  // Segments: #4 server FIN, #5 client ACK, #6 client FIN, #7 server ACK.
  steps: [
    ...HANDSHAKE_STEPS,
    teach(
      call('server', 'close'),
      'ESTABLISHED',
      'FIN_WAIT_1',
      'This time the server finishes first, as an HTTP server does when it closes after its response. It sends FIN,ACK seq=5001 ack=1001 — the first wave — and enters FIN_WAIT_1: the server is the active closer.',
      '这一次服务器先结束，就像 HTTP 服务器发送完响应后关闭连接那样。服务器发送 FIN,ACK seq=5001 ack=1001（第一次挥手），进入 FIN_WAIT_1：服务器是主动关闭方。',
    ),
    teach(
      deliver(4),
      'CLOSE_WAIT',
      'FIN_WAIT_1',
      'The FIN reaches the client, which acknowledges it with ACK seq=1001 ack=5002 (the second wave) and enters CLOSE_WAIT: the client is the passive closer, and its application reads end-of-file.',
      'FIN 到达客户端，客户端用 ACK seq=1001 ack=5002 确认（第二次挥手），进入 CLOSE_WAIT：客户端是被动关闭方，它的应用程序读到文件结束。',
    ),
    teach(
      deliver(5),
      'CLOSE_WAIT',
      'FIN_WAIT_2',
      "The ACK reaches the server: its FIN is acknowledged, so it enters FIN_WAIT_2 and waits for the client's FIN.",
      'ACK 到达服务器：它的 FIN 得到确认，进入 FIN_WAIT_2，等待客户端的 FIN。',
    ),
    teach(
      call('client', 'close'),
      'LAST_ACK',
      'FIN_WAIT_2',
      "The client's application closes too: FIN,ACK seq=1001 ack=5002 — the third wave — and the client enters LAST_ACK.",
      '客户端的应用程序也关闭连接：发送 FIN,ACK seq=1001 ack=5002（第三次挥手），客户端进入 LAST_ACK。',
    ),
    teach(
      deliver(6),
      'LAST_ACK',
      'TIME_WAIT',
      "The client's FIN reaches the server, which sends the fourth wave, ACK seq=5002 ack=1002, and enters TIME_WAIT for 2MSL = 60 s.",
      '客户端的 FIN 到达服务器，服务器发送第四次挥手 ACK seq=5002 ack=1002，进入 TIME_WAIT，等待 2MSL = 60 秒。',
    ),
    teach(
      deliver(7),
      'CLOSED',
      'TIME_WAIT',
      'The ACK acknowledges the client\'s FIN (ack=1002): the client is CLOSED. The server keeps the connection in TIME_WAIT — on a busy server, one such entry for every connection it closed in the last minute.',
      'ACK 确认了客户端的 FIN（ack=1002）：客户端进入 CLOSED。服务器则把连接保留在 TIME_WAIT——在繁忙的服务器上，最近一分钟内它主动关闭的每个连接都会留下这样一项。',
    ),
    teach(
      advance(TWO_MSL_MS),
      'CLOSED',
      'CLOSED',
      '60000 ms = 2MSL later the server\'s TIME_WAIT timer expires and the server is CLOSED as well.',
      '60000 毫秒（2MSL）之后，服务器的 TIME_WAIT 计时器超时，服务器也进入 CLOSED。',
    ),
  ],
};

export const THREE_SEGMENT_CLOSE: Scenario = {
  id: 'three-segment-close',
  title: { en: 'A three-segment close: the FIN rides on the ACK', 'zh-CN': '三个报文段的关闭：FIN 与 ACK 合并' },
  summary: {
    en: "The server's application closes before its TCP has acknowledged the client's FIN, so one FIN,ACK does the work of the second and third waves; the client goes from FIN_WAIT_1 straight to TIME_WAIT (RFC 9293 §3.10.7.4).",
    'zh-CN': '服务器的应用程序在其 TCP 确认客户端的 FIN 之前就关闭了连接，于是一个 FIN,ACK 同时完成第二次和第三次挥手；客户端从 FIN_WAIT_1 直接进入 TIME_WAIT（RFC 9293 §3.10.7.4）。',
  },
  learning_goals: {
    en: [
      'See that the second and third waves can share one segment, as they often do in captures.',
      'Know the FIN_WAIT_1 → TIME_WAIT edge: a segment that acknowledges our FIN and carries the peer\'s FIN.',
      'Play a TCP by hand: in manual mode every answer a TCP owes is sent explicitly.',
    ],
    'zh-CN': [
      '理解第二次和第三次挥手可以合并在一个报文段中，抓包时经常看到这种情况。',
      '掌握 FIN_WAIT_1 → TIME_WAIT 这条边：收到的报文段既确认了我方的 FIN，又携带对方的 FIN。',
      '手动扮演 TCP：在手动模式下，TCP 应发送的每个应答都要明确发出。',
    ],
  },
  rfc: ['3.5', '3.6', '3.10.4', '3.10.7.4'],
  // Manual mode: a TCP's answers are owed until sent by hand, so the server's ACK of the FIN can wait for its
  // application's CLOSE. The network still delivers each segment as soon as it is sent.
  options: { seed: 1, mode: 'manual', client: { isn: 1000 }, server: { isn: 5000 } },
  // Segments: #1 SYN, #2 SYN,ACK, #3 ACK, #4 client FIN, #5 server FIN,ACK, #6 client ACK.
  steps: [
    LISTEN_STEP,
    teach(
      call('client', 'connect'),
      'SYN_SENT',
      'SYN_RECEIVED',
      'Manual mode: the network delivers every segment at once, but each answer a TCP owes waits until you send it. The client calls connect() and sends SYN seq=1000; the server takes it in, enters SYN_RECEIVED, and now owes SYN,ACK seq=5000 ack=1001.',
      '手动模式：网络立即递交每个报文段，但 TCP 应发送的每个应答都要等你手动发出。客户端调用 connect()，发送 SYN seq=1000；服务器收到后进入 SYN_RECEIVED，现在应当发送 SYN,ACK seq=5000 ack=1001。',
    ),
    teach(
      { type: 'send', from: 'server', segment: { flags: SYN | ACK } },
      'ESTABLISHED',
      'SYN_RECEIVED',
      "You send the server's SYN,ACK seq=5000 ack=1001 (the second handshake). The client is ESTABLISHED and owes the third handshake.",
      '你发出服务器的 SYN,ACK seq=5000 ack=1001（第二次握手）。客户端进入 ESTABLISHED，应当发送第三次握手。',
    ),
    teach(
      { type: 'send', from: 'client', segment: { flags: ACK } },
      'ESTABLISHED',
      'ESTABLISHED',
      "You send the client's ACK seq=1001 ack=5001 (the third handshake): both ends are ESTABLISHED.",
      '你发出客户端的 ACK seq=1001 ack=5001（第三次握手）：双方都进入 ESTABLISHED。',
    ),
    teach(
      call('client', 'close'),
      'FIN_WAIT_1',
      'CLOSE_WAIT',
      "The client's application closes: FIN,ACK seq=1001 ack=5001, the first wave, and the client is in FIN_WAIT_1. The server enters CLOSE_WAIT, and its TCP owes ACK seq=5001 ack=1002 — which it has not sent yet.",
      '客户端的应用程序关闭连接：发送 FIN,ACK seq=1001 ack=5001（第一次挥手），客户端进入 FIN_WAIT_1。服务器进入 CLOSE_WAIT，它的 TCP 应当发送 ACK seq=5001 ack=1002——但还没有发送。',
    ),
    teach(
      { type: 'send', from: 'server', segment: { flags: FIN | ACK } },
      'TIME_WAIT',
      'LAST_ACK',
      "Before that ACK goes out, the server's application closes too, so the server sends one segment, FIN,ACK seq=5001 ack=1002: its ack=1002 is the owed acknowledgment of the client's FIN, its FIN the server's own — the second and third waves in one. The server enters LAST_ACK. The segment both acknowledges the client's FIN and carries a FIN, so the client goes from FIN_WAIT_1 straight to TIME_WAIT, without FIN_WAIT_2, and owes ACK seq=1002 ack=5002.",
      '在那个 ACK 发出之前，服务器的应用程序也关闭了连接，于是服务器只发送一个报文段 FIN,ACK seq=5001 ack=1002：确认号 1002 就是对客户端 FIN 的确认，FIN 则是服务器自己的——第二次和第三次挥手合二为一。服务器进入 LAST_ACK。这个报文段既确认了客户端的 FIN 又携带 FIN，所以客户端从 FIN_WAIT_1 直接进入 TIME_WAIT，不经过 FIN_WAIT_2，并应当发送 ACK seq=1002 ack=5002。',
    ),
    teach(
      { type: 'send', from: 'client', segment: { flags: ACK } },
      'TIME_WAIT',
      'CLOSED',
      "You send the client's ACK seq=1002 ack=5002, the last of three segments: it acknowledges the server's FIN and the server is CLOSED.",
      '你发出客户端的 ACK seq=1002 ack=5002，这是三个报文段中的最后一个：它确认了服务器的 FIN，服务器进入 CLOSED。',
    ),
    teach(
      advance(TWO_MSL_MS),
      'CLOSED',
      'CLOSED',
      "After 2MSL = 60000 ms the client's TIME_WAIT ends and it is CLOSED: the connection was released with three segments instead of four.",
      '2MSL = 60000 毫秒后，客户端的 TIME_WAIT 结束，进入 CLOSED：这次连接释放只用了三个报文段，而不是四个。',
    ),
  ],
};

/** The request and the two parts of the answer in the half-close scenario: 18, 19 and 14 octets. */
const REQUEST = 'GET / HTTP/1.0\r\n\r\n';
const STATUS_LINE = 'HTTP/1.0 200 OK\r\n\r\n';
const BODY = 'Hello, world!\n';

export const HALF_CLOSE: Scenario = {
  id: 'half-close',
  title: { en: 'Half-close: the server keeps sending after the client\'s FIN', 'zh-CN': '半关闭：客户端发出 FIN 后服务器继续发送数据' },
  summary: {
    en: 'The client sends a request and closes its direction (like shutdown(SHUT_WR)); in CLOSE_WAIT the server still sends its answer, which the client in FIN_WAIT_2 receives and acknowledges (RFC 9293 §3.6).',
    'zh-CN': '客户端发送请求后关闭自己这个方向（类似 shutdown(SHUT_WR)）；处于 CLOSE_WAIT 的服务器仍然发送响应，处于 FIN_WAIT_2 的客户端接收并确认这些数据（RFC 9293 §3.6）。',
  },
  learning_goals: {
    en: [
      'Understand that CLOSE means "I have no more to send", not "I will receive no more".',
      'See data flow from CLOSE_WAIT to FIN_WAIT_2, with ordinary acknowledgments.',
      'Notice that a closed direction refuses SEND, while RECEIVE still works.',
    ],
    'zh-CN': [
      '理解 CLOSE 的含义是“我没有数据要发送了”，而不是“我不再接收数据”。',
      '观察数据从 CLOSE_WAIT 一方流向 FIN_WAIT_2 一方，并照常得到确认。',
      '注意已关闭的方向不能再 SEND，但仍然可以 RECEIVE。',
    ],
  },
  rfc: ['3.6', '3.6.1', '3.10.2', '3.10.3', '3.10.4', '3.10.7.4'],
  options: STEPWISE,
  // Segments: #4 request, #5 its ACK, #6 client FIN, #7 its ACK, #8 status line, #9 ACK, #10 body, #11 ACK,
  // #12 server FIN, #13 the last ACK.
  steps: [
    ...HANDSHAKE_STEPS,
    teach(
      call('client', 'send', { data: { payload: ascii(REQUEST) } }),
      'ESTABLISHED',
      'ESTABLISHED',
      'The client sends its 18-octet request "GET / HTTP/1.0": PSH,ACK seq=1001:1019 ack=5001.',
      '客户端发送 18 字节的请求 “GET / HTTP/1.0”：PSH,ACK seq=1001:1019 ack=5001。',
    ),
    teach(
      deliver(4),
      'ESTABLISHED',
      'ESTABLISHED',
      'The request arrives; the server acknowledges all 18 octets with ACK seq=5001 ack=1019.',
      '请求到达服务器；服务器用 ACK seq=5001 ack=1019 确认全部 18 个字节。',
    ),
    teach(
      deliver(5),
      'ESTABLISHED',
      'ESTABLISHED',
      'The ACK reaches the client: the request is safely delivered.',
      'ACK 到达客户端：请求已经可靠送达。',
    ),
    teach(
      call('client', 'close'),
      'FIN_WAIT_1',
      'ESTABLISHED',
      'The client has nothing more to send, so it closes its sending direction — what shutdown(SHUT_WR) does — but still wants the answer. It sends FIN,ACK seq=1019 ack=5001 and enters FIN_WAIT_1.',
      '客户端没有数据要发送了，于是关闭自己的发送方向（即 shutdown(SHUT_WR) 的作用），但它仍然需要服务器的响应。客户端发送 FIN,ACK seq=1019 ack=5001，进入 FIN_WAIT_1。',
    ),
    teach(
      deliver(6),
      'FIN_WAIT_1',
      'CLOSE_WAIT',
      'The FIN arrives; the server acknowledges it with ACK seq=5001 ack=1020 and enters CLOSE_WAIT. Only the client-to-server direction is closed.',
      'FIN 到达服务器；服务器用 ACK seq=5001 ack=1020 确认，进入 CLOSE_WAIT。关闭的只是客户端到服务器这一个方向。',
    ),
    teach(
      deliver(7),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      "The ACK reaches the client, which enters FIN_WAIT_2: the connection is half-closed. The client can no longer send, but it can still receive.",
      'ACK 到达客户端，客户端进入 FIN_WAIT_2：连接处于半关闭状态。客户端不能再发送数据，但仍然可以接收。',
    ),
    teach(
      call('server', 'receive'),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      "The server's application reads the 18-octet request. The FIN came after it, so the next read would return end-of-file.",
      '服务器的应用程序读取 18 字节的请求。FIN 在请求之后到达，所以下一次读取将得到文件结束。',
    ),
    teach(
      call('server', 'send', { data: { payload: ascii(STATUS_LINE) } }),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      'In CLOSE_WAIT the server may still send: it answers with the 19-octet status line, PSH,ACK seq=5001:5020 ack=1020.',
      '在 CLOSE_WAIT 状态服务器仍然可以发送数据：它发送 19 字节的状态行作为响应，PSH,ACK seq=5001:5020 ack=1020。',
    ),
    teach(
      deliver(8),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      'The client in FIN_WAIT_2 accepts the data and acknowledges it with ACK seq=1020 ack=5020: its seq stays at 1020, just after its FIN, because it sends nothing new.',
      '处于 FIN_WAIT_2 的客户端接收数据，并用 ACK seq=1020 ack=5020 确认：它的序号停在 FIN 之后的 1020，因为它不再发送新数据。',
    ),
    teach(
      deliver(9),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      'The ACK reaches the server: everything up to 5020 is acknowledged.',
      'ACK 到达服务器：5020 之前的数据全部得到确认。',
    ),
    teach(
      call('server', 'send', { data: { payload: ascii(BODY) } }),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      'The server sends the 14-octet body "Hello, world!": PSH,ACK seq=5020:5034 ack=1020.',
      '服务器发送 14 字节的正文 “Hello, world!”：PSH,ACK seq=5020:5034 ack=1020。',
    ),
    teach(
      deliver(10),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      'The client accepts it too and acknowledges with ACK seq=1020 ack=5034.',
      '客户端同样接收这些数据，并用 ACK seq=1020 ack=5034 确认。',
    ),
    teach(
      deliver(11),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      'The ACK reaches the server: all 33 octets of the answer are acknowledged.',
      'ACK 到达服务器：响应的全部 33 个字节都得到了确认。',
    ),
    teach(
      call('client', 'receive'),
      'FIN_WAIT_2',
      'CLOSE_WAIT',
      "The client's application reads the 33-octet answer: RECEIVE works in FIN_WAIT_2, even though a SEND would now fail with \"connection closing\".",
      '客户端的应用程序读取 33 字节的响应：在 FIN_WAIT_2 状态 RECEIVE 仍然可用，尽管此时 SEND 会失败，返回 “connection closing”。',
    ),
    teach(
      call('server', 'close'),
      'FIN_WAIT_2',
      'LAST_ACK',
      'The answer is complete, so the server closes its direction as well: FIN,ACK seq=5034 ack=1020, and the server enters LAST_ACK.',
      '响应发送完毕，服务器也关闭自己的方向：发送 FIN,ACK seq=5034 ack=1020，进入 LAST_ACK。',
    ),
    teach(
      deliver(12),
      'TIME_WAIT',
      'LAST_ACK',
      "The server's FIN reaches the client, which acknowledges it with ACK seq=1020 ack=5035 and enters TIME_WAIT.",
      '服务器的 FIN 到达客户端，客户端用 ACK seq=1020 ack=5035 确认，进入 TIME_WAIT。',
    ),
    teach(
      deliver(13),
      'TIME_WAIT',
      'CLOSED',
      'The ACK acknowledges the server\'s FIN (ack=5035): the server is CLOSED.',
      'ACK 确认了服务器的 FIN（ack=5035）：服务器进入 CLOSED。',
    ),
    teach(
      advance(TWO_MSL_MS),
      'CLOSED',
      'CLOSED',
      'After 2MSL = 60000 ms the client leaves TIME_WAIT: both directions are closed and both ends are CLOSED.',
      '2MSL = 60000 毫秒后客户端离开 TIME_WAIT：两个方向都已关闭，双方都进入 CLOSED。',
    ),
  ],
};

export const SIMULTANEOUS_CLOSE: Scenario = {
  id: 'simultaneous-close',
  title: { en: 'Simultaneous close', 'zh-CN': '同时关闭' },
  summary: {
    en: 'Both applications close at the same time; the FINs cross, both ends pass through CLOSING and both wait 2MSL in TIME_WAIT (RFC 9293 §3.6, Figure 13).',
    'zh-CN': '双方的应用程序同时关闭连接；两个 FIN 交错而过，双方都经过 CLOSING，并都在 TIME_WAIT 等待 2MSL（RFC 9293 §3.6，图 13）。',
  },
  learning_goals: {
    en: [
      'Know the CLOSING state: our FIN is not yet acknowledged, but the peer\'s FIN has arrived.',
      'See that in a simultaneous close both ends are active closers, so both wait in TIME_WAIT.',
    ],
    'zh-CN': [
      '掌握 CLOSING 状态：我方的 FIN 尚未得到确认，对方的 FIN 却已经到达。',
      '理解同时关闭时双方都是主动关闭方，因此双方都要在 TIME_WAIT 等待。',
    ],
  },
  rfc: ['3.5', '3.6', '3.10.4', '3.10.7.4', '3.10.8'],
  options: STEPWISE,
  // Segments: #4 client FIN, #5 server FIN, #6 server ACK, #7 client ACK.
  steps: [
    ...HANDSHAKE_STEPS,
    teach(
      call('client', 'close'),
      'FIN_WAIT_1',
      'ESTABLISHED',
      'The client closes: FIN,ACK seq=1001 ack=5001, and the client enters FIN_WAIT_1.',
      '客户端关闭连接：发送 FIN,ACK seq=1001 ack=5001，进入 FIN_WAIT_1。',
    ),
    teach(
      call('server', 'close'),
      'FIN_WAIT_1',
      'FIN_WAIT_1',
      "Before the client's FIN arrives, the server closes too: FIN,ACK seq=5001 ack=1001 — its ack is still 1001, since it has not seen the client's FIN. Both ends are in FIN_WAIT_1 and the two FINs cross.",
      '在客户端的 FIN 到达之前，服务器也关闭连接：发送 FIN,ACK seq=5001 ack=1001——确认号仍是 1001，因为它还没有收到客户端的 FIN。双方都处于 FIN_WAIT_1，两个 FIN 交错而过。',
    ),
    teach(
      deliver(4),
      'FIN_WAIT_1',
      'CLOSING',
      "The client's FIN reaches the server in FIN_WAIT_1. Its ack=5001 does not acknowledge the server's FIN (that would take 5002), so the server does not go to TIME_WAIT: it acknowledges the FIN with ACK seq=5002 ack=1002 and enters CLOSING.",
      '客户端的 FIN 到达处于 FIN_WAIT_1 的服务器。它的确认号 ack=5001 没有确认服务器的 FIN（那需要 5002），所以服务器不进入 TIME_WAIT：它用 ACK seq=5002 ack=1002 确认这个 FIN，进入 CLOSING（同时关闭）。',
    ),
    teach(
      deliver(5),
      'CLOSING',
      'CLOSING',
      "The server's FIN reaches the client, symmetrically: the client acknowledges it with ACK seq=1002 ack=5002 and enters CLOSING. Each end now waits only for the ACK of its own FIN.",
      '服务器的 FIN 到达客户端，过程对称：客户端用 ACK seq=1002 ack=5002 确认，进入 CLOSING。现在双方都只等待对自己 FIN 的确认。',
    ),
    teach(
      deliver(6),
      'TIME_WAIT',
      'CLOSING',
      "The server's ACK (ack=1002) acknowledges the client's FIN: the client leaves CLOSING for TIME_WAIT.",
      '服务器的 ACK（ack=1002）确认了客户端的 FIN：客户端从 CLOSING 进入 TIME_WAIT。',
    ),
    teach(
      deliver(7),
      'TIME_WAIT',
      'TIME_WAIT',
      "The client's ACK (ack=5002) acknowledges the server's FIN: the server enters TIME_WAIT too. Both ends closed actively, so both wait 2MSL.",
      '客户端的 ACK（ack=5002）确认了服务器的 FIN：服务器也进入 TIME_WAIT。双方都是主动关闭，所以双方都要等待 2MSL。',
    ),
    teach(
      advance(TWO_MSL_MS),
      'CLOSED',
      'CLOSED',
      'Both entered TIME_WAIT at the same instant, so after 2MSL = 60000 ms both timers expire and both ends are CLOSED.',
      '双方在同一时刻进入 TIME_WAIT，所以 2MSL = 60000 毫秒后两个计时器同时超时，双方都进入 CLOSED。',
    ),
  ],
};

export const RST_ABORT: Scenario = {
  id: 'rst-abort',
  title: { en: 'Aborting a connection with RST', 'zh-CN': '用 RST 中止连接' },
  summary: {
    en: 'Instead of closing gracefully, the client aborts: one RST,ACK, no FIN, no acknowledgment and no TIME_WAIT (RFC 9293 §3.10.5, §3.5.3).',
    'zh-CN': '客户端不是正常关闭，而是中止连接：只发送一个 RST,ACK，没有 FIN，没有确认，也没有 TIME_WAIT（RFC 9293 §3.10.5，§3.5.3）。',
  },
  learning_goals: {
    en: [
      'Contrast ABORT with CLOSE: one segment, and both ends are CLOSED at once.',
      'See which RST a connection accepts: seq exactly RCV.NXT (RFC 5961 §3.2).',
      'Know that an RST is never acknowledged and that the peer\'s application sees "connection reset".',
    ],
    'zh-CN': [
      '对比 ABORT 与 CLOSE：只有一个报文段，双方立即进入 CLOSED。',
      '理解连接接受什么样的 RST：序号恰好等于 RCV.NXT（RFC 5961 §3.2）。',
      '知道 RST 从不被确认，对方的应用程序得到 “connection reset”。',
    ],
  },
  rfc: ['3.5', '3.5.2', '3.5.3', '3.10.5', '3.10.7.4'],
  options: STEPWISE,
  // Segments: #4 RST,ACK.
  steps: [
    ...HANDSHAKE_STEPS,
    teach(
      call('client', 'abort'),
      'CLOSED',
      'ESTABLISHED',
      "The client's application aborts the connection (for example close() with SO_LINGER set to 0). The client sends RST,ACK seq=1001 ack=5001 — seq = SND.NXT, and Linux adds ACK with RCV.NXT — deletes its TCB and is CLOSED at once: no FIN_WAIT, no TIME_WAIT, and any unsent data is thrown away.",
      '客户端的应用程序中止连接（例如在 SO_LINGER 设为 0 时调用 close()）。客户端发送 RST,ACK seq=1001 ack=5001——序号为 SND.NXT，Linux 还会带上确认号 RCV.NXT——删除传输控制块，立即进入 CLOSED：没有 FIN_WAIT，没有 TIME_WAIT，尚未发送的数据全部丢弃。',
    ),
    teach(
      deliver(4),
      'CLOSED',
      'CLOSED',
      'The RST reaches the server. Its seq=1001 is exactly the server\'s RCV.NXT, so the server believes it (RFC 5961 §3.2), deletes its TCB and is CLOSED; its application sees "connection reset" (ECONNRESET). Nobody acknowledges an RST: the connection is gone on both sides.',
      'RST 到达服务器。它的序号 seq=1001 恰好等于服务器的 RCV.NXT，因此服务器接受它（RFC 5961 §3.2），删除传输控制块，进入 CLOSED；服务器的应用程序得到 “connection reset”（ECONNRESET）。RST 不需要确认：连接在两端都已消失。',
    ),
  ],
};
