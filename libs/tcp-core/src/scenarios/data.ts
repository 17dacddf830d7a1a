/**
 * Scenarios about data: the seed capture's SSH version banners, sent with
 * PSH, and sequence numbers that wrap around at 2^32 (RFC 9293 §3.4).
 */
import type { ConnectionOptions } from '../connection';
import { LISTEN_STEP } from './handshake';
import { ascii, call, deliver, teach } from './inputs';
import type { Scenario } from './types';

/**
 * The seed capture (shared/fixtures/seed-ssh-handshake.tcpdump-S.txt): a real
 * SSH connection between two CentOS 7 hosts, with its sockets, ISNs, SYN
 * windows and options. Delivered one segment per step; the segments are the
 * capture's, line for line.
 */
const SEED_CAPTURE: ConnectionOptions = {
  seed: 1,
  auto_deliver: false,
  client: { ip: '192.168.1.63', port: 53198, isn: 481914174, window: 29200, mss: 1460, wscale: 7 },
  server: { ip: '192.168.1.64', port: 22, isn: 2737267460, window: 28960, mss: 1460, wscale: 7 },
};

/** The 21-octet version banner both ends of an SSH connection send first (RFC 4253 §4.2). */
const SSH_BANNER = 'SSH-2.0-OpenSSH_7.4\r\n';

export const DATA_TRANSFER_WITH_PUSH: Scenario = {
  id: 'data-transfer-with-push',
  title: { en: 'Data with PSH: the SSH banners of a real capture', 'zh-CN': '带 PSH 的数据传输：真实抓包中的 SSH 版本信息' },
  summary: {
    en: 'The handshake and the two 21-octet SSH version banners of a real Linux capture, with its exact numbers: each write goes out with PSH and is acknowledged by seq + 21 (RFC 9293 §3.8, §3.9.1.2).',
    'zh-CN': '一次真实 Linux 抓包中的三次握手和两个 21 字节的 SSH 版本信息，数字与抓包完全一致：每次写入都带 PSH 发送，并以 seq + 21 得到确认（RFC 9293 §3.8，§3.9.1.2）。',
  },
  learning_goals: {
    en: [
      'Read real tcpdump -S lines: flags, seq first:last, ack, win, options.',
      'Compute acknowledgment numbers for data: the ack is the sequence number of the next octet expected.',
      'Know what PSH asks of the receiver, and that Linux sets it on the last segment of every write.',
      'See the window field scaled by 2^7 after the handshake, shrinking while received data is unread.',
    ],
    'zh-CN': [
      '读懂真实的 tcpdump -S 输出：标志位、seq 起始:结束、ack、win、选项。',
      '计算数据的确认号：确认号是期望收到的下一个字节的序号。',
      '了解 PSH（推送）对接收方的要求，以及 Linux 在每次写入的最后一个报文段上设置 PSH。',
      '观察握手之后窗口字段按 2^7 缩放，并在已收到的数据未被读取时变小。',
    ],
  },
  rfc: ['3.1', '3.5', '3.8', '3.8.6', '3.9.1.2', '3.10.2', '3.10.7.4'],
  options: SEED_CAPTURE,
  // Segments: #1–#3 handshake, #4 client banner, #5 its ACK, #6 server banner, #7 its ACK.
  steps: [
    teach(
      call('server', 'listen'),
      'CLOSED',
      'LISTEN',
      'The SSH server on 192.168.1.64 listens on port 22.',
      '192.168.1.64 上的 SSH 服务器在 22 端口监听。',
    ),
    teach(
      call('client', 'connect'),
      'SYN_SENT',
      'LISTEN',
      'The client 192.168.1.63 connects from port 53198 with ISN 481914174: SYN seq=481914174, win 29200, options mss 1460, sackOK, TS and wscale 7 — the first line of the capture.',
      '客户端 192.168.1.63 从 53198 端口发起连接，初始序列号为 481914174：SYN seq=481914174，win 29200，选项为 mss 1460、sackOK、TS 和 wscale 7——正是抓包的第一行（第一次握手）。',
    ),
    teach(
      deliver(1),
      'SYN_SENT',
      'SYN_RECEIVED',
      'The server, ISN 2737267460, answers SYN,ACK seq=2737267460 ack=481914175 (481914174 + 1), win 28960, offering the same options.',
      '服务器的初始序列号为 2737267460，回复 SYN,ACK seq=2737267460 ack=481914175（481914174 + 1），win 28960，并提供同样的选项（第二次握手）。',
    ),
    teach(
      deliver(2),
      'ESTABLISHED',
      'SYN_RECEIVED',
      'The client completes the handshake with ACK seq=481914175 ack=2737267461. tcpdump shows win 229: from now on the window field counts units of 2^7 = 128 octets, and 29200 / 128 = 228.1, which Linux rounds up to 229.',
      '客户端发送 ACK seq=481914175 ack=2737267461，完成三次握手。tcpdump 显示 win 229：从现在起窗口字段以 2^7 = 128 字节为单位，29200 / 128 = 228.1，Linux 向上取整为 229。',
    ),
    teach(
      deliver(3),
      'ESTABLISHED',
      'ESTABLISHED',
      'The ACK reaches the server: both ends are ESTABLISHED.',
      'ACK 到达服务器：双方都进入 ESTABLISHED。',
    ),
    teach(
      call('client', 'send', { data: { payload: ascii(SSH_BANNER) } }),
      'ESTABLISHED',
      'ESTABLISHED',
      'SSH begins with each side sending its version banner. The client writes the 21 octets "SSH-2.0-OpenSSH_7.4" and CR LF: PSH,ACK seq=481914175:481914196 ack=2737267461. The data occupies sequence numbers 481914175 to 481914195. Linux sets PSH on the last segment of every write: the receiver should pass the data to the application now rather than wait for more.',
      'SSH 连接开始时双方各自发送版本信息。客户端写入 21 个字节 “SSH-2.0-OpenSSH_7.4” 加回车换行：PSH,ACK seq=481914175:481914196 ack=2737267461。数据占用序号 481914175 到 481914195。Linux 在每次写入的最后一个报文段上设置 PSH（推送）：接收方应当立即把数据交给应用程序，而不必等待更多数据。',
    ),
    teach(
      deliver(4),
      'ESTABLISHED',
      'ESTABLISHED',
      'The server acknowledges the 21 octets with ACK seq=2737267461 ack=481914196, the next octet it expects. Its window reads win 227: the 21 octets sshd has not read yet are taken off its 28960-octet buffer (28939 / 128, rounded up).',
      '服务器用 ACK seq=2737267461 ack=481914196 确认这 21 个字节，确认号就是它期望的下一个字节的序号。它的窗口显示为 win 227：sshd 尚未读取的 21 个字节从 28960 字节的缓冲区中扣除（28939 / 128，向上取整）。',
    ),
    teach(
      deliver(5),
      'ESTABLISHED',
      'ESTABLISHED',
      "The ACK reaches the client: its banner is delivered, and nothing is left to retransmit.",
      'ACK 到达客户端：它的版本信息已经送达，没有需要重传的数据。',
    ),
    teach(
      call('server', 'send', { data: { payload: ascii(SSH_BANNER) } }),
      'ESTABLISHED',
      'ESTABLISHED',
      'The server sends its own 21-octet banner: PSH,ACK seq=2737267461:2737267482 ack=481914196 — the sixth and last line of the capture.',
      '服务器发送自己 21 字节的版本信息：PSH,ACK seq=2737267461:2737267482 ack=481914196——抓包的第六行，也是最后一行。',
    ),
    teach(
      deliver(6),
      'ESTABLISHED',
      'ESTABLISHED',
      'The client acknowledges it with ACK seq=481914196 ack=2737267482, win 228: its own buffer now holds 21 unread octets (29179 / 128, rounded up).',
      '客户端用 ACK seq=481914196 ack=2737267482 确认，win 228：它的缓冲区中现在有 21 个未读取的字节（29179 / 128，向上取整）。',
    ),
    teach(
      deliver(7),
      'ESTABLISHED',
      'ESTABLISHED',
      "The ACK reaches the server. Each side sent 21 octets, so each side's sequence numbers advanced by exactly 21: 481914175 → 481914196 and 2737267461 → 2737267482.",
      'ACK 到达服务器。双方各发送了 21 个字节，所以双方的序号都恰好前进了 21：481914175 → 481914196，2737267461 → 2737267482。',
    ),
  ],
};

/** 16 octets from the server, 10 of them before the wrap and 6 after it; 5 from the client, starting at 0. */
const SERVER_DATA = '0123456789abcdef';
const CLIENT_DATA = 'hello';

export const SEQUENCE_WRAPAROUND: Scenario = {
  id: 'sequence-wraparound',
  title: { en: 'Sequence numbers wrap around at 2^32', 'zh-CN': '序号在 2^32 处回绕' },
  summary: {
    en: 'With ISNs just below 2^32, the acknowledgment of a SYN wraps to 0 and a data segment runs from 4294967286 across 4294967295 to 5: sequence arithmetic is modulo 2^32 (RFC 9293 §3.4).',
    'zh-CN': '初始序列号接近 2^32 时，对 SYN 的确认号回绕为 0，一个数据报文段从 4294967286 越过 4294967295 一直到 5：序号运算以 2^32 为模（RFC 9293 §3.4）。',
  },
  learning_goals: {
    en: [
      'Compute sequence and acknowledgment numbers modulo 2^32.',
      'See that 6 is "after" 4294967286 for TCP, so data crossing the wrap is accepted and acknowledged normally.',
    ],
    'zh-CN': [
      '以 2^32 为模计算序号和确认号。',
      '理解对 TCP 来说 6 排在 4294967286 “之后”，因此跨越回绕点的数据照常被接收和确认。',
    ],
  },
  rfc: ['3.3.1', '3.4'],
  options: { seed: 1, auto_deliver: false, client: { isn: 4294967295 }, server: { isn: 4294967285 } },
  // Segments: #1–#3 handshake, #4 server data, #5 its ACK, #6 client data, #7 its ACK.
  steps: [
    LISTEN_STEP,
    teach(
      call('client', 'connect'),
      'SYN_SENT',
      'LISTEN',
      "The client's ISN is 4294967295 = 2^32 − 1, the largest sequence number there is: SYN seq=4294967295.",
      '客户端的初始序列号是 4294967295 = 2^32 − 1，即最大的序号：SYN seq=4294967295（第一次握手）。',
    ),
    teach(
      deliver(1),
      'SYN_SENT',
      'SYN_RECEIVED',
      'The server, ISN 4294967285, answers SYN,ACK seq=4294967285 ack=0: 4294967295 + 1 wraps around to 0, because sequence numbers are counted modulo 2^32.',
      '服务器的初始序列号为 4294967285，回复 SYN,ACK seq=4294967285 ack=0：4294967295 + 1 回绕为 0，因为序号以 2^32 为模计数（第二次握手）。',
    ),
    teach(
      deliver(2),
      'ESTABLISHED',
      'SYN_RECEIVED',
      "The client's next sequence number is 0: ACK seq=0 ack=4294967286.",
      '客户端的下一个序号是 0：ACK seq=0 ack=4294967286（第三次握手）。',
    ),
    teach(
      deliver(3),
      'ESTABLISHED',
      'ESTABLISHED',
      "Both ends are ESTABLISHED. The client's data will start at 0, the server's at 4294967286 — 10 octets below the wrap.",
      '双方都进入 ESTABLISHED。客户端的数据将从序号 0 开始，服务器的数据从 4294967286 开始——距回绕点只有 10 个字节。',
    ),
    teach(
      call('server', 'send', { data: { payload: ascii(SERVER_DATA) } }),
      'ESTABLISHED',
      'ESTABLISHED',
      'The server sends 16 octets: PSH,ACK seq=4294967286:6 ack=0. Octets 4294967286 to 4294967295 carry "0123456789"; then the numbers wrap, and octets 0 to 5 carry "abcdef".',
      '服务器发送 16 个字节：PSH,ACK seq=4294967286:6 ack=0。序号 4294967286 到 4294967295 的字节是 “0123456789”；然后序号回绕，序号 0 到 5 的字节是 “abcdef”。',
    ),
    teach(
      deliver(4),
      'ESTABLISHED',
      'ESTABLISHED',
      'The client accepts all 16 octets — it compares sequence numbers modulo 2^32, so 6 lies after 4294967286 — and acknowledges with ACK seq=0 ack=6.',
      '客户端接收全部 16 个字节——它以 2^32 为模比较序号，因此 6 位于 4294967286 之后——并用 ACK seq=0 ack=6 确认。',
    ),
    teach(
      deliver(5),
      'ESTABLISHED',
      'ESTABLISHED',
      "ack=6 acknowledges everything the server sent: the server's SND.UNA moves from 4294967286 to 6, across the wrap.",
      'ack=6 确认了服务器发送的全部数据：服务器的 SND.UNA 从 4294967286 越过回绕点移到 6。',
    ),
    teach(
      call('client', 'send', { data: { payload: ascii(CLIENT_DATA) } }),
      'ESTABLISHED',
      'ESTABLISHED',
      'The client sends 5 octets, "hello": PSH,ACK seq=0:5 ack=6.',
      '客户端发送 5 个字节 “hello”：PSH,ACK seq=0:5 ack=6。',
    ),
    teach(
      deliver(6),
      'ESTABLISHED',
      'ESTABLISHED',
      'The server acknowledges them with ACK seq=6 ack=5.',
      '服务器用 ACK seq=6 ack=5 确认。',
    ),
    teach(
      deliver(7),
      'ESTABLISHED',
      'ESTABLISHED',
      'The ACK reaches the client. tcpdump without -S would print these numbers relative to each ISN: the server\'s data as seq 1:17, the client\'s as seq 1:6 — the wrap is invisible there.',
      'ACK 到达客户端。不带 -S 的 tcpdump 会按相对于初始序列号的相对序号显示：服务器的数据为 seq 1:17，客户端的数据为 seq 1:6——在相对序号中看不到回绕。',
    ),
  ],
};
