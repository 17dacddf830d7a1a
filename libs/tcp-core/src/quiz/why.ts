/**
 * Why-questions: the reasons behind the rules, with distractors taken from the misconceptions students bring
 * (each wrong choice says why it is wrong). These are the only answers written by hand — they are reasons, not
 * numbers; every number in a quiz comes from the simulator. zh-CN uses the terms of shared/GLOSSARY.md.
 */
import { localized, type Localized } from '../scenarios/types';

export const WHY_TOPICS = ['third-handshake', 'time-wait-2msl', 'time-wait-active-closer', 'close-wait', 'syn-fin-consume', 'rst'] as const;
export type WhyTopic = (typeof WHY_TOPICS)[number];

export interface WhyQuestion {
  readonly topic: WhyTopic;
  readonly prompt: Localized;
  readonly correct: Localized;
  readonly wrong: ReadonlyArray<{ readonly text: Localized; readonly feedback: Localized }>;
  readonly explanation: Localized;
}

const t = localized;

export const WHY_QUESTIONS: readonly WhyQuestion[] = [
  {
    topic: 'third-handshake',
    prompt: t('Why does TCP need the third handshake (the client\'s final ACK)?', 'TCP 为什么需要第三次握手(客户端最后的 ACK)?'),
    correct: t(
      'So that the server learns the client really asked for this connection now: an old duplicate SYN from an earlier connection would otherwise open a connection nobody wants.',
      '让服务器确认客户端此刻确实请求了这个连接:否则一个已失效的连接请求报文段会让服务器建立一个无人需要的连接。',
    ),
    wrong: [
      {
        text: t('To agree on the window size, which the SYN and SYN,ACK cannot carry.', '为了协商窗口大小,因为 SYN 和 SYN,ACK 不能携带窗口。'),
        feedback: t('Both SYN and SYN,ACK carry a window field (and the window scale option).', 'SYN 和 SYN,ACK 都带有窗口字段(以及窗口扩大选项)。'),
      },
      {
        text: t('Because the client\'s data can only be sent in the third segment.', '因为客户端的数据只能在第三个报文段中发送。'),
        feedback: t('Data may ride on the third ACK, but that is not why the ACK exists.', '数据可以随第三次握手的 ACK 一起发送,但这不是它存在的原因。'),
      },
      {
        text: t('Two handshakes would do; the third only makes the connection faster.', '两次握手就够了,第三次只是让连接更快。'),
        feedback: t('With two handshakes the server cannot tell a fresh SYN from an old duplicate one, and would synchronise on a stale ISN.', '只有两次握手时,服务器无法区分新的 SYN 和已失效的旧 SYN,会按过期的初始序列号同步。'),
      },
    ],
    explanation: t(
      'RFC 9293 §3.5: the three-way handshake lets each side confirm the other\'s initial sequence number. The server\'s SYN,ACK asks "did you send this SYN?"; only the client\'s ACK of the server\'s ISN answers yes. A client that receives a SYN,ACK for a SYN it never sent answers RST instead.',
      'RFC 9293 §3.5:三次握手让双方各自确认对方的初始序列号。服务器的 SYN,ACK 相当于询问"这个 SYN 是你发的吗?",只有客户端对服务器初始序列号的确认才表示"是"。客户端若收到一个并非自己请求的 SYN,ACK,会回复 RST。',
    ),
  },
  {
    topic: 'time-wait-2msl',
    prompt: t('Why does TIME_WAIT last 2MSL (twice the maximum segment lifetime)?', '为什么时间等待(TIME_WAIT)要持续 2MSL(两倍最长报文段寿命)?'),
    correct: t(
      'So that the last ACK can be sent again if it is lost (the peer\'s retransmitted FIN arrives within 2MSL), and so that old segments of this connection die out before a new incarnation can use the same ports.',
      '这样当最后的 ACK 丢失时还能重发(对方重传的 FIN 会在 2MSL 内到达),并让本连接的旧报文段在同一端口对的新连接出现前全部消失。',
    ),
    wrong: [
      {
        text: t('To wait for the peer\'s application to read the remaining data.', '为了等待对方的应用程序读完剩余数据。'),
        feedback: t('Reading data has nothing to do with TIME_WAIT; the connection is already closed in both directions.', '读数据与时间等待无关;此时两个方向都已关闭。'),
      },
      {
        text: t('Because the operating system needs that long to free the memory of the connection.', '因为操作系统需要这么长时间来释放连接的内存。'),
        feedback: t('Freeing a TCB is immediate; the wait protects the network, not the host.', '释放传输控制块是即时的;等待是为了网络上的正确性,而不是主机。'),
      },
      {
        text: t('One MSL would be enough; the second is a safety margin for slow timers.', '一个 MSL 就够了,第二个只是为慢速定时器留的余量。'),
        feedback: t('One MSL for the lost ACK to be noticed (the FIN it triggers), and one for the retransmitted FIN to arrive: the round trip is what takes 2MSL.', '一个 MSL 让对方发现 ACK 丢失并重传 FIN,另一个 MSL 让重传的 FIN 到达:正是这个往返需要 2MSL。'),
      },
    ],
    explanation: t(
      'RFC 9293 §3.6.1 and §3.10.7.4: the side that closes first stays in TIME_WAIT for 2MSL, re-acknowledging any retransmitted FIN and restarting the timer. Linux uses 60 s (MSL 30 s).',
      'RFC 9293 §3.6.1 与 §3.10.7.4:先关闭的一方在时间等待状态停留 2MSL,对重传的 FIN 重新确认并重启定时器。Linux 用 60 秒(MSL 为 30 秒)。',
    ),
  },
  {
    topic: 'time-wait-active-closer',
    prompt: t('Which side of a connection goes through TIME_WAIT?', '连接的哪一方会经历时间等待(TIME_WAIT)状态?'),
    correct: t('The side that sent the first FIN (the active closer), whether client or server.', '先发送 FIN 的一方(主动关闭方),无论它是客户端还是服务器。'),
    wrong: [
      {
        text: t('Always the client.', '总是客户端。'),
        feedback: t('A server that closes first (an HTTP server after its answer, say) goes through TIME_WAIT itself.', '先关闭的服务器(例如发送完响应的 HTTP 服务器)自己也会进入时间等待。'),
      },
      {
        text: t('The side that received the first FIN (the passive closer).', '收到第一个 FIN 的一方(被动关闭方)。'),
        feedback: t('The passive closer goes CLOSE_WAIT → LAST_ACK → CLOSED, without TIME_WAIT.', '被动关闭方经历关闭等待 → 最后确认 → 关闭,不经过时间等待。'),
      },
      {
        text: t('Both sides, one after the other.', '双方都会,一先一后。'),
        feedback: t('Only in a simultaneous close do both sides pass through TIME_WAIT (via CLOSING).', '只有在同时关闭时,双方才都会(经由 CLOSING)进入时间等待。'),
      },
    ],
    explanation: t(
      'RFC 9293 §3.6: the side whose FIN went first ends in FIN_WAIT_2 → TIME_WAIT; the other goes CLOSE_WAIT → LAST_ACK → CLOSED as soon as its FIN is acknowledged.',
      'RFC 9293 §3.6:先发 FIN 的一方经终止等待2进入时间等待;另一方经关闭等待、最后确认,在自己的 FIN 被确认后直接关闭。',
    ),
  },
  {
    topic: 'close-wait',
    prompt: t('What does it mean that an endpoint is in CLOSE_WAIT?', '一个端点处于关闭等待(CLOSE_WAIT)状态意味着什么?'),
    correct: t(
      'Its peer has closed its direction (the FIN arrived and was acknowledged); the local application has not called close yet and may still send data.',
      '对方已关闭了它那个方向(FIN 已到达并被确认);本地应用还没有调用 close,仍然可以发送数据。',
    ),
    wrong: [
      {
        text: t('It is waiting for the peer to acknowledge its FIN.', '它在等待对方确认自己的 FIN。'),
        feedback: t('That is FIN_WAIT_1 (or LAST_ACK); in CLOSE_WAIT this side has sent no FIN yet.', '那是终止等待1(或最后确认);在关闭等待中,本方还没有发送 FIN。'),
      },
      {
        text: t('The connection is closed and waiting for 2MSL to pass.', '连接已关闭,正在等待 2MSL 过去。'),
        feedback: t('That is TIME_WAIT, on the other side.', '那是另一方的时间等待。'),
      },
      {
        text: t('It can no longer send anything.', '它再也不能发送任何数据。'),
        feedback: t('Only the peer\'s direction is closed: this is half-close, and this side may go on sending.', '只有对方的方向关闭了:这是半关闭,本方还可以继续发送。'),
      },
    ],
    explanation: t(
      'RFC 9293 §3.10.7.4: a FIN in ESTABLISHED moves the receiver to CLOSE_WAIT. Many sockets stuck in CLOSE_WAIT mean an application that never closes its sockets.',
      'RFC 9293 §3.10.7.4:在已建立连接状态收到 FIN 后进入关闭等待。大量套接字停在关闭等待,说明应用程序没有关闭它们。',
    ),
  },
  {
    topic: 'syn-fin-consume',
    prompt: t('A SYN carries no data. Why is the ack that answers it ISN + 1?', 'SYN 不携带数据,为什么对它的确认号是初始序列号 + 1?'),
    correct: t('Because SYN (like FIN) occupies one sequence number, so that it can be acknowledged and retransmitted like data.', '因为 SYN(和 FIN 一样)占用一个序列号,这样它就能像数据一样被确认和重传。'),
    wrong: [
      {
        text: t('Because the ack always names the last octet received, plus one for the header.', '因为确认号总是指向收到的最后一个字节,再为首部加一。'),
        feedback: t('The ack names the next octet expected; headers take no sequence space.', '确认号指的是期望收到的下一个字节;首部不占序列号空间。'),
      },
      {
        text: t('It is a convention with no effect: ack = ISN would work as well.', '这只是一个没有作用的惯例:确认号等于初始序列号也一样。'),
        feedback: t('A conforming TCP rejects a SYN,ACK whose ack is not ISN + 1 (RFC 9293 §3.10.7.3): it answers RST.', '合规的 TCP 会拒绝确认号不是初始序列号 + 1 的 SYN,ACK(RFC 9293 §3.10.7.3),并回复 RST。'),
      },
      {
        text: t('Because the first data octet is always numbered 1.', '因为第一个数据字节总是编号为 1。'),
        feedback: t('The first data octet is ISN + 1, and the ISN is random, not 0. Tools such as Wireshark show "relative" numbers starting at 1.', '第一个数据字节是初始序列号 + 1,而初始序列号是随机的,不是 0。Wireshark 等工具显示的是从 1 开始的"相对"序号。'),
      },
    ],
    explanation: t('RFC 9293 §3.4: SEG.LEN counts SYN and FIN as one octet each.', 'RFC 9293 §3.4:报文段长度 SEG.LEN 把 SYN 和 FIN 各算作一个字节。'),
  },
  {
    topic: 'rst',
    prompt: t('What does an endpoint do with its connection when it accepts a RST?', '端点接受一个 RST 后会如何处理它的连接?'),
    correct: t('It drops the connection at once, without a FIN exchange and without TIME_WAIT; data not yet delivered is lost.', '它立即终止连接,不交换 FIN,也不经过时间等待;尚未交付的数据会丢失。'),
    wrong: [
      {
        text: t('It answers with its own RST, then closes.', '它用自己的 RST 回应,然后关闭。'),
        feedback: t('A RST is never answered with a RST (RFC 9293 §3.10.7.1).', '对 RST 从不回复 RST(RFC 9293 §3.10.7.1)。'),
      },
      {
        text: t('It goes to TIME_WAIT to absorb stray segments.', '它进入时间等待以吸收迷途的报文段。'),
        feedback: t('TIME_WAIT follows an orderly close only.', '只有正常关闭之后才会进入时间等待。'),
      },
      {
        text: t('It accepts any RST, whatever its sequence number.', '它接受任何 RST,无论其序列号如何。'),
        feedback: t('Only a RST whose seq is exactly RCV.NXT resets; one merely in the window gets a challenge ACK (RFC 5961).', '只有序列号恰好等于 RCV.NXT 的 RST 才会复位;仅在窗口内的会收到挑战 ACK(RFC 5961)。'),
      },
    ],
    explanation: t('RFC 9293 §3.5.2 and §3.10.7.4: an acceptable RST moves a synchronized connection straight to CLOSED.', 'RFC 9293 §3.5.2 与 §3.10.7.4:一个可接受的 RST 让已同步的连接直接进入关闭状态。'),
  },
];

/** The why-questions worth asking about a scenario, by its id. */
export function whyTopicsFor(scenarioId: string | null): WhyTopic[] {
  if (scenarioId === null) return [...WHY_TOPICS];
  const topics: WhyTopic[] = ['syn-fin-consume'];
  if (/handshake|open|old-duplicate|refused|lost-syn/.test(scenarioId)) topics.push('third-handshake');
  if (/teardown|close|time-wait|final-ack|after-close/.test(scenarioId)) topics.push('time-wait-2msl', 'time-wait-active-closer', 'close-wait');
  if (/rst|refused|abort|old-duplicate/.test(scenarioId)) topics.push('rst');
  return topics;
}
