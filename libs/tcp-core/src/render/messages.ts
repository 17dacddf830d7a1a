/**
 * The message catalogue: every event code and violation code explained in
 * English and in Simplified Chinese, rendered from the code and its
 * parameters. Chinese uses the terms of ../shared/GLOSSARY.md (三次握手,
 * 确认号, 报文段 …); state names keep their RFC spelling in both languages,
 * as students see them in tools.
 */
import type { EventCode } from '../codes';
import type { EventParams, LinuxDifference, TcpEvent } from '../events';
import { flagsLabel, type Side } from '../segment';
import { seqAdd } from '../sequence';
import type { OwedSegment } from '../tcb';
import type { Violation, ViolationCode } from '../validate';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Parameters a message can use: the event's own, plus who and which states. */
type P = EventParams & { who: string; peer: string; from: string; to: string };
type Template = (p: P) => string;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
/** "SYN seq=100" / "ACK ack=5" / "ACK,PSH seq=1:22 ack=5" — how the explanations cite a segment. */
const seg = (p: P): string => {
  const parts = [str(p['flags'])];
  const length = Number(p['length'] ?? 0);
  const flags = str(p['flags']);
  if (length > 0 || /SYN|FIN|RST/.test(flags)) parts.push(`seq=${str(p['seq'])}${length > 0 ? `:${seqAdd(Number(p['seq']), length)}` : ''}`);
  if (p['with_ack']) parts.push(`ack=${str(p['ack'])}`);
  return parts.join(' ');
};

/** What a SYN's text and FIN became when they were not taken (no TCP Fast Open), or nothing. */
const ignoredEn = (p: P): string => {
  const data = Number(p['data_ignored'] ?? 0);
  const parts = [data > 0 ? `${data} octet(s) of data` : '', p['fin_ignored'] ? 'a FIN' : ''].filter(Boolean);
  return parts.length === 0 ? '' : ` The segment also carried ${parts.join(' and ')}: dropped, as Linux without TCP Fast Open drops them, so the acknowledgment covers only the SYN and the ${p.peer} must send them again.`;
};
const ignoredZh = (p: P): string => {
  const data = Number(p['data_ignored'] ?? 0);
  const parts = [data > 0 ? `${data} 个字节的数据` : '', p['fin_ignored'] ? 'FIN' : ''].filter(Boolean);
  return parts.length === 0 ? '' : `该报文段还带有${parts.join('和')}：像不使用 TCP Fast Open 的 Linux 一样被丢弃，因此确认号只确认 SYN，${p.peer}必须重传它们。`;
};
/** A zero-window probe's form, as the explanations name it. */
const probeEn = (p: P): string =>
  p['form'] === 'octet'
    ? `one octet of new data, seq=${str(p['seq'])}, beyond the window`
    : `ACK seq=${str(p['seq'])} = SND.UNA − 1 without data, an old sequence number (as Linux probes, tcp_xmit_probe_skb)`;
const probeZh = (p: P): string =>
  p['form'] === 'octet'
    ? `一个字节的新数据（seq=${str(p['seq'])}，超出窗口）`
    : `不带数据的 ACK，seq=${str(p['seq'])} = SND.UNA − 1，即一个旧序列号（Linux 的探测方式，tcp_xmit_probe_skb）`;

/** Milliseconds as the RTT explanations print them: at most three decimals (SRTT and RTTVAR are eighths and quarters). */
const ms = (v: unknown): string => (typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : str(v));
/** The RTO formula of the profile, with the numbers filled in (rtt.ts computeRto). */
const rtoEn = (p: P): string => {
  const srtt = ms(p['srtt_ms']);
  const fourVar = ms(4 * Number(p['rttvar_ms']));
  const min = str(p['min_rto_ms']);
  const computed = str(p['computed_rto_ms']);
  const formula =
    p['rule'] === 'linux'
      ? `RTO = SRTT + max(TCP_RTO_MIN, 4·RTTVAR) = ${srtt} + max(${min}, ${fourVar}) → ${computed} ms. Linux applies its ${min} ms minimum to the variance term (tcp_set_rto); RFC 6298 §2.4 would round the whole RTO up to 1 s`
      : `RTO = SRTT + max(G, 4·RTTVAR) = ${srtt} + max(${str(p['granularity_ms'])}, ${fourVar}) ms, at least ${min} ms (RFC 6298 §2.4) → ${computed} ms`;
  const fallback = p['syn_fallback'] ? `; a SYN had to be retransmitted, so the RTO is at least 3000 ms as data transfer begins (RFC 6298 §5.7): ${str(p['rto_ms'])} ms` : '';
  const previous = p['previous_rto_ms'] !== p['rto_ms'] ? ` (it was ${str(p['previous_rto_ms'])} ms)` : '';
  return `${formula}${fallback}${previous}.`;
};
const rtoZh = (p: P): string => {
  const srtt = ms(p['srtt_ms']);
  const fourVar = ms(4 * Number(p['rttvar_ms']));
  const min = str(p['min_rto_ms']);
  const computed = str(p['computed_rto_ms']);
  const formula =
    p['rule'] === 'linux'
      ? `RTO = SRTT + max(TCP_RTO_MIN, 4·RTTVAR) = ${srtt} + max(${min}, ${fourVar}) → ${computed} 毫秒。Linux 把 ${min} 毫秒的下限用在方差项上（tcp_set_rto）；RFC 6298 §2.4 则把整个 RTO 向上取整到 1 秒`
      : `RTO = SRTT + max(G, 4·RTTVAR) = ${srtt} + max(${str(p['granularity_ms'])}, ${fourVar}) 毫秒，至少 ${min} 毫秒（RFC 6298 §2.4）→ ${computed} 毫秒`;
  const fallback = p['syn_fallback'] ? `；由于 SYN 曾被重传，数据传输开始时 RTO 至少为 3000 毫秒（RFC 6298 §5.7）：${str(p['rto_ms'])} 毫秒` : '';
  const previous = p['previous_rto_ms'] !== p['rto_ms'] ? `（原为 ${str(p['previous_rto_ms'])} 毫秒）` : '';
  return `${formula}${fallback}${previous}。`;
};
const rttMethodEn = (p: P): string =>
  p['method'] === 'timestamp'
    ? 'TSval now − the TSecr this ACK echoes (RFC 7323 §4), which names the transmission it answers even after a retransmission'
    : 'from sending the oldest segment this ACK covers to this ACK';
const rttMethodZh = (p: P): string =>
  p['method'] === 'timestamp'
    ? '当前 TSval 减去该 ACK 回显的 TSecr（RFC 7323 §4），即使发生过重传也能指明它确认的是哪一次发送'
    : '从发送该 ACK 所覆盖的最早报文段到收到该 ACK';
/** TIME_WAIT's length as the explanations name it: 2MSL, or Linux's constant (timers.ts timeWaitParams). */
const timeWaitEn = (p: P): string =>
  p['time_wait_fixed']
    ? `${str(p['two_msl_ms'])} ms (Linux waits a fixed 60 s, TCP_TIMEWAIT_LEN, whatever the MSL; RFC 9293 says 2MSL)`
    : `2MSL (${str(p['two_msl_ms'])} ms)`;
const timeWaitNoteEn = (p: P): string => (p['time_wait_fixed'] ? ' — on Linux a fixed 60 s (TCP_TIMEWAIT_LEN), not 2MSL' : '');
const timeWaitNoteZh = (p: P): string => (p['time_wait_fixed'] ? '——在 Linux 上固定为 60 秒（TCP_TIMEWAIT_LEN），而不是 2MSL' : '');
const timeWaitZh = (p: P): string =>
  p['time_wait_fixed']
    ? `${str(p['two_msl_ms'])} 毫秒（Linux 固定等待 60 秒，即 TCP_TIMEWAIT_LEN，与 MSL 无关；RFC 9293 规定为 2MSL）`
    : `2MSL（${str(p['two_msl_ms'])} 毫秒）`;

/** What a CLOSE event adds when the call was shutdown(SHUT_WR), the RFC's CLOSE: the receiving direction stays open. */
const shutdownEn = (p: P): string => (p['shutdown'] ? ' With shutdown(SHUT_WR) only the sending direction closes: it goes on receiving.' : '');
const shutdownZh = (p: P): string => (p['shutdown'] ? '使用 shutdown(SHUT_WR) 只关闭发送方向：它仍继续接收数据。' : '');

const EN: Record<EventCode, Template> = {
  FIN_WAIT_2_TIMEOUT: (p) =>
    `No FIN from the ${p.peer} within ${str(p['fin_timeout_ms'])} ms of FIN_WAIT_2: the ${p.who} drops the connection without sending anything, CLOSED. Linux does this for a socket its application has closed (tcp_fin_timeout); RFC 9293 says FIN_WAIT_2 waits for the peer's FIN for as long as it takes.`,
  RTT_MEASURED: (p) =>
    p['first']
      ? `First round-trip time sample at the ${p.who}: R = ${ms(p['sample_ms'])} ms, ${rttMethodEn(p)}. RFC 6298 §2.2: SRTT = R = ${ms(p['srtt_ms'])} ms, RTTVAR = R/2 = ${ms(p['rttvar_ms'])} ms; ${rtoEn(p)}`
      : `Round-trip time sample at the ${p.who}: R' = ${ms(p['sample_ms'])} ms, ${rttMethodEn(p)}. RFC 6298 §2.3: RTTVAR = ¾·RTTVAR + ¼·|SRTT − R'| = ${ms(p['rttvar_ms'])} ms, SRTT = ⅞·SRTT + ⅛·R' = ${ms(p['srtt_ms'])} ms; ${rtoEn(p)}`,
  RTT_NOT_SAMPLED_RETRANSMITTED: (p) =>
    `This ACK covers a segment the ${p.who} sent more than once, so it cannot tell which copy it answers: no round-trip time sample (Karn's algorithm, RFC 6298 §3), and the RTO stays at ${str(p['rto_ms'])} ms${p['syn_fallback'] ? ' — at least 3000 ms, as the SYN was retransmitted (RFC 6298 §5.7)' : ', as the timeouts left it, until a sample comes'}.`,
  SEGMENT_ARRIVED: (p) => `The ${p.who} receives ${seg(p)} in ${p.from}.`,
  SEGMENT_SENT: (p) => `The ${p.who} sends ${seg(p)}, window ${str(p['window'])}.`,
  SEGMENT_RETRANSMITTED: (p) => `The ${p.who} retransmits ${seg(p)}: the original was not acknowledged in time.`,
  SEGMENT_DROPPED: (p) => `The network drops ${str(p['flags'])} seq=${str(p['seq'])}: it never arrives.`,
  SEGMENT_LOST: (p) => `The network loses ${str(p['flags'])} seq=${str(p['seq'])} (random loss rate ${str(p['loss_rate'])}).`,
  SEGMENT_HELD: (p) => `The network holds ${str(p['flags'])} seq=${str(p['seq'])} in flight; it arrives only when delivered.`,
  SEGMENT_DUPLICATED: (p) => `The network duplicates ${str(p['flags'])} seq=${str(p['seq'])}: a copy arrives now, the original is still in flight.`,
  SEGMENT_INJECTED: (p) => `A segment ${str(p['flags'])} seq=${str(p['seq'])} ack=${str(p['ack'])} is injected into the network towards the ${str(p['to'])}.`,
  ANSWER_OWED: (p) => `The ${p.who}'s TCP would now send ${seg(p)}; in manual mode you must send it.`,
  NETWORK_CONFIGURED: (p) =>
    `Network: ${p['auto_deliver'] ? 'segments are delivered as soon as they are sent' : 'every segment waits in flight until delivered'}, loss rate ${str(p['loss_rate'])}.`,

  CLOSED_RST_DISCARDED: (p) => `The ${p.who} is CLOSED and discards the RST: an RST is never answered (RFC 9293 §3.10.7.1).`,
  CLOSED_ANSWERS_RST_ACK: (p) =>
    `No connection exists at the ${p.who}, so it answers RST,ACK with seq=0 and ack=${str(p['rst_ack'])} (SEG.SEQ + SEG.LEN): the sender sees "connection refused".`,
  CLOSED_ANSWERS_RST: (p) => `No connection exists at the ${p.who}; the segment carries ACK, so the reset takes its seq from it: RST seq=${str(p['ack'])}.`,
  LISTEN_RST_IGNORED: (p) => `The ${p.who} is in LISTEN and ignores the RST: there is no connection it could reset.`,
  LISTEN_ACK_ANSWERED_RST: (p) =>
    `An ACK cannot be valid in LISTEN (nothing has been sent yet), so the ${p.who} answers RST seq=${str(p['ack'])}.`,
  LISTEN_SEGMENT_DROPPED: (p) => `The ${p.who} is in LISTEN and only a SYN opens a connection; ${str(p['flags'])} is dropped.`,
  LISTEN_SYN_FIN_DROPPED: (p) => `A SYN that also carries FIN is malformed; Linux drops it in LISTEN, and the ${p.who} stays in LISTEN.`,
  LISTEN_SYN_TO_SYN_RECEIVED: (p) =>
    `First handshake received: the ${p.who} records the ${p.peer}'s ISN ${str(p['irs'])} (IRS), so RCV.NXT = ${str(p['irs'])} + 1 = ${str(p['rcv_nxt'])} because a SYN consumes one sequence number. It chooses its own ISN ${str(p['iss'])}, answers SYN,ACK seq=${str(p['iss'])} ack=${str(p['rcv_nxt'])} (the second handshake) and enters SYN_RECEIVED.${ignoredEn(p)}`,
  SYN_SENT_BAD_ACK_RST_DROPPED: (p) =>
    `The RST acknowledges ${str(p['ack'])}, which is not our SYN (acceptable: ISS < ack ≤ SND.NXT = ${str(p['snd_nxt'])}); it is dropped.`,
  SYN_SENT_BAD_ACK_ANSWERED_RST: (p) =>
    `The ${p.who} sent SYN seq=${str(p['iss'])}, so only ack=${str(p['snd_nxt'])} is acceptable; ack=${str(p['ack'])} belongs to some other (old) connection, so the ${p.who} answers RST seq=${str(p['ack'])}.`,
  SYN_SENT_RST_TO_CLOSED: (p) => `The RST acknowledges the ${p.who}'s SYN: the ${p.peer} refuses the connection. The ${p.who} goes to CLOSED.`,
  SYN_SENT_RST_WITHOUT_ACK_DROPPED: (p) => `In SYN_SENT an RST is believed only if it acknowledges our SYN; this one has no ACK, so the ${p.who} drops it.`,
  SYN_SENT_SEGMENT_DROPPED: (p) => `In SYN_SENT the ${p.who} waits for a SYN; ${str(p['flags'])} without SYN is dropped.`,
  SYN_SENT_SYN_ACK_TO_ESTABLISHED: (p) =>
    `Second handshake received: the SYN,ACK acknowledges the ${p.who}'s SYN (ack = ISN ${str(p['iss'])} + 1 = ${str(p['ack'])}). The ${p.who} records the ${p.peer}'s ISN ${str(p['irs'])}, sends the third handshake ACK seq=${str(p['snd_nxt'])} ack=${str(p['rcv_nxt'])} and is ESTABLISHED.${ignoredEn(p)}`,
  SYN_SENT_SYN_TO_SYN_RECEIVED: (p) =>
    `Simultaneous open: the ${p.who} receives a SYN while its own SYN is still unanswered. It records IRS ${str(p['irs'])}, answers SYN,ACK seq=${str(p['iss'])} ack=${str(p['rcv_nxt'])} and enters SYN_RECEIVED.`,
  SYN_RECEIVED_SYN_RETRANSMITTED: (p) =>
    `The ${p.peer} sent its SYN again (our SYN,ACK was probably lost): the ${p.who} sends the SYN,ACK seq=${str(p['iss'])} ack=${str(p['rcv_nxt'])} again, as Linux does.`,
  SIMULTANEOUS_OPEN_TO_ESTABLISHED: (p) =>
    `Simultaneous open: the ${p.peer}'s SYN,ACK acknowledges our SYN; the ${p.who} is ESTABLISHED and acknowledges it (RFC 9293 §3.5, Figure 8).`,
  SEQ_UNACCEPTABLE_RST_DROPPED: (p) =>
    `The RST's seq ${str(p['seq'])} is outside the receive window [${str(p['rcv_nxt'])}, RCV.NXT + ${str(p['rcv_wnd'])}): it is silently dropped (RFC 5961 §3.2).`,
  SEQ_UNACCEPTABLE_ACKED: (p) =>
    `Unacceptable: seq ${str(p['seq'])}–${str(p['end'])} is not in the receive window starting at RCV.NXT = ${str(p['rcv_nxt'])} (an old duplicate or a stray segment). The ${p.who} drops it and sends an ACK with ack=${str(p['rcv_nxt'])} to say what it really expects.`,
  TIME_WAIT_FIN_ACKED_AGAIN: (p) =>
    `In TIME_WAIT the ${p.who} receives the ${p.peer}'s FIN again: its last ACK was lost. It acknowledges the FIN again and restarts the 2MSL timer (${str(p['two_msl_ms'])} ms)${timeWaitNoteEn(p)} — this is why TIME_WAIT exists.`,
  TIME_WAIT_SEGMENT_ACKED_AGAIN: (p) =>
    `In TIME_WAIT the ${p.who} answers the stray segment with an ACK and restarts the 2MSL timer (${str(p['two_msl_ms'])} ms)${timeWaitNoteEn(p)}, as Linux does.`,
  RST_CHALLENGE_ACK: (p) =>
    `The RST's seq ${str(p['seq'])} is in the window but not exactly RCV.NXT = ${str(p['rcv_nxt'])}: it may be forged. The ${p.who} sends a challenge ACK instead of resetting (RFC 5961 §3.2); a real peer will answer with an exact RST.`,
  SYN_RECEIVED_SYN_RESET_TO_LISTEN: (p) =>
    `Another SYN arrives while the ${p.who} is in SYN_RECEIVED after a passive open: Linux answers it with a reset (${str(p['rst_ack']) !== '0' ? `RST,ACK ack=${str(p['rst_ack'])}` : `RST seq=${str(p['rst_seq'])}`}) and drops the half-open connection, back to LISTEN (tcp_check_req). RFC 9293 §3.10.7.4 returns to LISTEN without sending anything.`,
  SYN_RECEIVED_SYN_TO_LISTEN: (p) =>
    `A second SYN reaches the ${p.who} in SYN_RECEIVED, which it entered from LISTEN: it drops the half-open connection and returns to LISTEN (RFC 9293 §3.10.7.4).`,
  SYN_CHALLENGE_ACK: (p) =>
    `A SYN in a synchronized state: under RFC 9293 + RFC 5961 §4 (what Linux does) the ${p.who} does not reset but sends a challenge ACK seq=${str(p['snd_nxt'])} ack=${str(p['rcv_nxt'])} and drops the SYN.`,
  SYN_IN_WINDOW_RESET: (p) =>
    `A SYN inside the window of a synchronized connection: under RFC 793 this is an error, so the ${p.who} sends RST seq=${str(p['rst_seq'])} and closes the connection.`,
  ACK_BIT_OFF_DROPPED: (p) => `Every segment of a synchronized connection must carry ACK; this one does not, so the ${p.who} drops it.`,
  SYN_RECEIVED_BAD_ACK_RST: (p) =>
    `The ACK ${str(p['ack'])} does not acknowledge the ${p.who}'s SYN (acceptable: ${str(p['snd_una'])} < ack ≤ ${str(p['snd_nxt'])}), so the ${p.who} answers RST seq=${str(p['ack'])}.`,
  SYN_RECEIVED_ACK_TO_ESTABLISHED: (p) =>
    `Third handshake received: ack=${str(p['ack'])} = the ${p.who}'s ISN ${str(p['iss'])} + 1 acknowledges its SYN. The ${p.who} is ESTABLISHED.`,
  CLOSE_DEFERRED_TO_FIN_WAIT_1: (p) => `The CLOSE that waited for ESTABLISHED now takes effect: the ${p.who} sends its data, then FIN, and enters FIN_WAIT_1.`,
  ACK_TOO_OLD_CHALLENGE_ACK: (p) =>
    `The ack ${str(p['ack'])} is older than SND.UNA − MAX.SND.WND (${str(p['snd_una'])} − ${str(p['max_snd_wnd'])}): possibly injected. The ${p.who} sends a challenge ACK and drops it (RFC 5961 §5.2).`,
  ACK_OF_UNSENT_DATA: (p) =>
    `The ack ${str(p['ack'])} acknowledges data the ${p.who} has not sent yet (SND.NXT = ${str(p['snd_nxt'])}): it sends an ACK and drops the segment.`,
  ACK_ADVANCES_SND_UNA: (p) =>
    `The ack ${str(p['ack'])} acknowledges ${str(p['acked'])} more octet(s): SND.UNA moves from ${str(p['snd_una_before'])} to ${str(p['snd_una'])}.`,
  ACK_DUPLICATE_IGNORED: (p) => `The ack ${str(p['ack'])} acknowledges nothing new (SND.UNA = ${str(p['snd_una'])}): a duplicate ACK, ignored.`,
  FIN_WAIT_1_ACK_TO_FIN_WAIT_2: (p) =>
    `The ACK acknowledges the ${p.who}'s FIN (ack = ${str(p['snd_nxt'])}): it enters FIN_WAIT_2 and waits for the ${p.peer}'s FIN (half-close: the ${p.peer} may still send).`,
  CLOSING_ACK_TO_TIME_WAIT: (p) => `Both FINs are now acknowledged: the ${p.who} leaves CLOSING for TIME_WAIT and waits ${timeWaitEn(p)}.`,
  LAST_ACK_ACK_TO_CLOSED: (p) => `The last ACK acknowledges the ${p.who}'s FIN: the connection is fully closed at the ${p.who} (CLOSED).`,
  URGENT_DATA_SIGNALLED: (p) => `The segment carries URG: the ${p.who} tells its application that urgent data is coming (RCV.UP = ${str(p['rcv_up'])}).`,
  OUT_OF_ORDER_HELD: (p) =>
    `The segment starts at ${str(p['seq'])}, beyond RCV.NXT = ${str(p['rcv_nxt'])}: something before it is missing. The ${p.who} keeps it for later and sends a duplicate ACK ack=${str(p['rcv_nxt'])}.`,
  OUT_OF_WINDOW_ACK_RATE_LIMITED: (p) =>
    `The ${p.who} answered an unacceptable segment less than ${str(p['interval_ms'])} ms ago (at ${str(p['last_ack_ms'])} ms), so it drops this one without an ACK — the rate limit of RFC 5961 §7 (Linux: tcp_invalid_ratelimit) that stops two confused stacks from ACKing each other for ever.`,
  PAWS_REJECTED: (p) =>
    `PAWS (RFC 7323 §5.3, R1): the segment's TSval ${str(p['ts_val'])} is older than TS.Recent = ${str(p['ts_recent'])}, the timestamp of a segment the ${p.who} has already taken, so it was sent before that one — an old duplicate, perhaps from an earlier wrap of the sequence numbers. Whatever its sequence number, it is not acceptable: the ${p.who} drops it and sends an ACK with ack=${str(p['rcv_nxt'])}, rate-limited as for any unacceptable segment${p['state'] === 'TIME_WAIT' ? ', and restarts the TIME_WAIT timer' : ''}.${p['rule'] === 'linux' ? ' Linux applies the same rule (tcp_validate_incoming), and lets a TSval only one tick older pass (TCP_PAWS_WINDOW) except in TIME_WAIT and SYN_RECEIVED.' : ''}`,
  PAWS_OLD_ACK_DROPPED: (p) =>
    `The ACK's TSval ${str(p['ts_val'])} is older than TS.Recent = ${str(p['ts_recent'])}, and its seq ${str(p['seq'])} lies below RCV.NXT = ${str(p['rcv_nxt'])}: an old ACK the network delivered late. Linux drops it without answering (tcp_disordered_ack_check: old ACKs are common); RFC 7323 §5.3 would answer it with an ACK.`,
  PAWS_DISORDERED_ACK_ACCEPTED: (p) =>
    `The ACK's TSval ${str(p['ts_val'])} is older than TS.Recent = ${str(p['ts_recent'])}, but it is a duplicate ACK at RCV.NXT that changes nothing (nothing newly acknowledged, no window update) and is only ${str(p['older'])} ms late, within 1.2 × RTO = ${str(p['replay_window'])} ms: Linux lets it pass as an ACK that was merely reordered (tcp_disordered_ack_check). RFC 7323 §5.3 would drop it and answer with an ACK. TS.Recent keeps its value.`,
  PAWS_RST_DROPPED: (p) =>
    `The RST's TSval ${str(p['ts_val'])} is older than TS.Recent = ${str(p['ts_recent'])}. RFC 7323 §5.3 exempts an RST from PAWS, but Linux in ${str(p['state'])} (tcp_paws_reject) believes an older RST only once TS.Recent is 60 s old (TCP_PAWS_MSL): the ${p.who} drops it silently.`,
  DATA_RECEIVED: (p) =>
    `The ${p.who} accepts ${str(p['length'])} octet(s) ${str(p['seq'])}:${str(p['end'])}; RCV.NXT becomes ${str(p['rcv_nxt'])}, and it acknowledges with ack=${str(p['rcv_nxt'])}.`,
  TEXT_BEYOND_WINDOW_ACKED: (p) =>
    `${str(p['dropped'])} octet(s) lie beyond the receive window (RCV.NXT ${str(p['rcv_nxt'])}, RCV.WND ${str(p['rcv_wnd'])}): the ${p.who} drops them and acknowledges with ack=${str(p['rcv_nxt'])}, telling the ${p.peer} its window.`,
  TAIL_LOSS_PROBE: (p) =>
    `No ACK within the probe timeout: the ${p.who} sends ${p['new_data'] ? `new data from seq=${str(p['seq'])}, held back until now, as a tail loss probe (RFC 8985 §7.3: a segment not yet sent goes first when the window takes it)` : `its last segment in flight again, ${str(p['flags'])} seq=${str(p['seq'])}, as a tail loss probe`} — Linux does this before the RTO (RFC 8985, tcp_send_loss_probe), after 2·SRTT (${ms(2 * Number(p['srtt_ms']))} ms)${Number(p['in_flight']) === 1 ? ' + 200 ms, as a single segment in flight may wait for a delayed ACK' : ''}, or at the RTO if that comes first. The RTO (${str(p['rto_ms'])} ms) is not doubled and runs again from now. RFC 9293 and RFC 6298 retransmit only when the RTO expires.`,
  TEXT_AFTER_FIN_IGNORED: (p) => `The ${p.peer} already sent FIN, so data after it cannot be valid; the ${p.who} ignores ${str(p['length'])} octet(s).`,
  FIN_TO_CLOSE_WAIT: (p) =>
    `First wave received: the ${p.peer} has no more data (FIN). The FIN consumes one sequence number, so the ${p.who} acknowledges with ack=${str(p['rcv_nxt'])} (second wave) and enters CLOSE_WAIT: it may still send until its application calls close.`,
  FIN_WAIT_1_FIN_TO_CLOSING: (p) =>
    `Simultaneous close: the ${p.peer}'s FIN arrives before the ACK of the ${p.who}'s own FIN. It acknowledges (ack=${str(p['rcv_nxt'])}) and enters CLOSING.`,
  FIN_WAIT_1_FIN_ACK_TO_TIME_WAIT: (p) =>
    `The segment both acknowledges the ${p.who}'s FIN and carries the ${p.peer}'s FIN: the ${p.who} acknowledges with ack=${str(p['rcv_nxt'])} and goes straight to TIME_WAIT for ${timeWaitEn(p)}.`,
  FIN_WAIT_2_FIN_TO_TIME_WAIT: (p) =>
    `Third wave received: the ${p.peer}'s FIN. The ${p.who} sends the fourth wave ACK ack=${str(p['rcv_nxt'])} and enters TIME_WAIT for ${timeWaitEn(p)}, in case that ACK is lost and the FIN comes again.`,
  FIN_REPEATED: (p) => `Another FIN arrives in ${p.from}; the ${p.who} acknowledges it (ack=${str(p['rcv_nxt'])}) and stays in ${p.to}.`,
  RST_SYN_RECEIVED_TO_LISTEN: (p) =>
    `The RST (seq ${str(p['seq'])} = RCV.NXT) ends the half-open connection. The ${p.who} entered SYN_RECEIVED from LISTEN, so it returns to LISTEN — this is how an old duplicate SYN is cleaned up.`,
  RST_SYN_RECEIVED_TO_CLOSED: (p) => `The RST ends the connection the ${p.who} opened actively: connection refused, CLOSED.`,
  RST_RESETS_CONNECTION: (p) =>
    `The RST (seq ${str(p['seq'])}${p['rule'] === 'exact' ? ' = RCV.NXT, as RFC 5961 requires' : ', inside the window, as RFC 793 allows'}) resets the connection: queued data is discarded and the ${p.who} goes to CLOSED at once.`,
  RST_CLOSES_CONNECTION: (p) => `The RST closes the connection, already closing at the ${p.who}: CLOSED.`,
  SIGNAL_CONNECTION_RESET: (p) => `The ${p.who}'s application is told: "connection reset".`,
  SIGNAL_CONNECTION_REFUSED: (p) => `The ${p.who}'s application is told: "connection refused".`,
  SIGNAL_CONNECTION_CLOSING: (p) => `The ${p.who}'s application is told: "connection closing" — the ${p.peer} will send no more data (read returns 0).`,
  SIGNAL_CONNECTION_TIMED_OUT: (p) => `The ${p.who}'s application is told: "connection timed out".`,
  SIGNAL_USER_TIMEOUT: (p) => `The ${p.who}'s application is told: "connection aborted due to user timeout".`,
  TIME_WAIT_EXPIRED: (p) => `${timeWaitEn(p)} have passed without anything from the ${p.peer}: TIME_WAIT ends, the ${p.who} is CLOSED.`,
  USER_TIMEOUT_EXPIRED: (p) => `Sent data stayed unacknowledged for the user timeout (${str(p['user_timeout_ms'])} ms): the ${p.who} aborts the connection.`,
  RETRANSMISSION_LIMIT: (p) => `No acknowledgment after ${str(p['retries'])} retransmissions: the ${p.who} gives up on the connection.`,
  RETRANSMISSION_TIMEOUT: (p) =>
    `No ACK within the retransmission timeout (${str(p['rto_ms'])} ms): the ${p.who} retransmits ${str(p['flags'])} seq=${str(p['seq'])} (attempt ${str(p['attempt'])}) and doubles the timeout to ${str(p['next_rto_ms'])} ms.`,
  OPEN_PASSIVE_TO_LISTEN: (p) => `The ${p.who} opens passively (listen) on port ${str(p['port'])} and waits in LISTEN for a SYN.`,
  OPEN_ACTIVE_TO_SYN_SENT: (p) =>
    `The ${p.who} opens actively (connect): it chooses its ISN ${str(p['iss'])}, sends SYN seq=${str(p['iss'])} (the first handshake) and enters SYN_SENT.`,
  SEND_LISTEN_TO_SYN_SENT: (p) => `SEND in LISTEN turns the passive open into an active one: the ${p.who} sends SYN seq=${str(p['iss'])} and queues the data.`,
  SEND_QUEUED_UNTIL_ESTABLISHED: (p) => `The connection is not established yet: the ${p.who} queues ${str(p['length'])} octet(s) until it is.`,
  SEND_DATA: (p) => `The ${p.who}'s application sends ${str(p['length'])} octet(s).`,
  RECEIVE_NOTHING_YET: (p) => `The ${p.who}'s application reads, but no data has arrived yet.`,
  RECEIVE_DATA: (p) =>
    p['after_own_fin']
      ? `The ${p.who}'s application reads ${str(p['length'])} octet(s) that arrived before the ${p.peer}'s FIN. Linux keeps them readable in ${p.from} (tcp_recvmsg); RFC 9293 §3.10.3 refuses RECEIVE once both FINs have been sent ("connection closing"), as if everything had been read by then.`
      : `The ${p.who}'s application reads ${str(p['length'])} octet(s); the receive window is ${str(p['rcv_wnd'])} octets again.${p['window_update_withheld'] === 'fin_received' ? ` Linux does not announce it: the ${p.peer}'s FIN is in, so nothing more will come (tcp_cleanup_rbuf); RFC 9293 §3.8.6.2.2 announces a window that has grown by min(buffer / 2, MSS).` : p['window_update_withheld'] ? ` Linux does not announce it yet: after a read it sends a window update only when the window would at least double what the ${p.peer} may still send (tcp_cleanup_rbuf); RFC 9293 §3.8.6.2.2 announces it once it has grown by min(buffer / 2, MSS).` : ''}`,
  CLOSE_LISTEN_TO_CLOSED: (p) => `The ${p.who} stops listening: CLOSED.`,
  CLOSE_SYN_SENT_TO_CLOSED: (p) => `The ${p.who} gives up connecting before an answer came: CLOSED, without sending anything.`,
  CLOSE_DEFERRED_UNTIL_ESTABLISHED: (p) => `The ${p.who} closes while data is still queued: the FIN will follow the data once the connection is established.`,
  CLOSE_TO_FIN_WAIT_1: (p) =>
    p['fin_held']
      ? `The ${p.who}'s application closes and the ${p.who} enters FIN_WAIT_1 (active close), but the ${p.peer}'s window is full: FIN seq=${str(p['snd_nxt'])} consumes one sequence number, which the ${p.peer} could not accept now (RFC 9293 §3.10.7.4), so it waits for the window to open, as Linux holds it (tcp_snd_wnd_test).${shutdownEn(p)}`
      : `The ${p.who}'s application closes: it sends FIN seq=${str(p['snd_nxt'])} (the first wave; the FIN consumes one sequence number) and enters FIN_WAIT_1 (active close).${shutdownEn(p)}`,
  CLOSE_TO_LAST_ACK: (p) =>
    p['fin_held']
      ? `The ${p.who}'s application closes too and the ${p.who} enters LAST_ACK, but the ${p.peer}'s window is full: its FIN seq=${str(p['snd_nxt'])} consumes one sequence number, which the ${p.peer} could not accept now (RFC 9293 §3.10.7.4), so it waits for the window to open, as Linux holds it (tcp_snd_wnd_test).${shutdownEn(p)}`
      : `The ${p.who}'s application closes too: it sends its own FIN seq=${str(p['snd_nxt'])} (the third wave) and enters LAST_ACK to wait for its acknowledgment.${shutdownEn(p)}`,
  ABORT_WITHOUT_RST: (p) => `The ${p.who} aborts; in ${p.from} there is no synchronized peer to tell, so it just goes to CLOSED.`,
  ABORT_SENDS_RST: (p) =>
    `The ${p.who} aborts the connection: it sends RST seq=${str(p['rst_seq'])} (Linux also sets ACK ack=${str(p['rst_ack'])}) and goes to CLOSED without waiting.`,
  STATUS: (p) => `The ${p.who} reports its status: ${p.from}.`,
  CALL_REFUSED_CONNECTION_ALREADY_EXISTS: (p) => `${str(p['call'])} is refused in ${p.from}: "${str(p['text'])}" (the ${p.who} must be CLOSED to open).`,
  CALL_REFUSED_CONNECTION_DOES_NOT_EXIST: (p) => `${str(p['call'])} is refused in ${p.from}: "${str(p['text'])}".`,
  CALL_REFUSED_CONNECTION_CLOSING: (p) =>
    p['orphaned']
      ? `${str(p['call'])} is refused in ${p.from}: "${str(p['text'])}" — the ${p.who}'s application has closed its socket with close(), so it reads nothing more. Linux's close() is the "half-duplex" close RFC 9293 §3.6.1 allows; the RFC's own CLOSE (shutdown) keeps the receiving direction open.`
      : `${str(p['call'])} is refused in ${p.from}: "${str(p['text'])}" — the ${p.who} has already closed this direction.`,
  CLOSE_UNREAD_DATA_RESET: (p) =>
    `The ${p.who}'s application closes its socket with ${str(p['unread'])} octet(s) still unread: they are lost, so instead of a FIN the ${p.who} sends RST seq=${str(p['rst_seq'])} ack=${str(p['rst_ack'])} and goes to CLOSED at once. Linux does this (tcp_close); RFC 9293 §3.6.1 says a TCP whose CLOSE loses received data SHOULD send an RST to show that data was lost (after RFC 1122 §4.2.2.13), while its own CLOSE only closes the sending direction.`,
  CLOSE_AFTER_SHUTDOWN: (p) =>
    `The ${p.who}'s application closes its socket after shutdown(): its FIN is already on its way, so nothing is sent; from now on nobody reads what arrives${p['fin_wait_2'] ? ', and FIN_WAIT_2 ends after tcp_fin_timeout if the peer\'s FIN does not come' : ''}. Linux does this (tcp_close); RFC 9293 has one CLOSE only.`,
  DATA_AFTER_CLOSE_RESET: (p) =>
    `New data (${seg(p)}) arrives after the ${p.who}'s application closed its socket: nobody will read it, so the ${p.who} answers RST seq=${str(p['rst_seq'])} and goes to CLOSED. Linux does this (tcp_rcv_state_process); RFC 9293 §3.6.1 says a TCP that has closed "half-duplex" SHOULD send an RST when new data arrives after CLOSE, while its own CLOSE keeps receiving.`,
  DATA_QUEUED_SENT: () => `Queued data can go out now that the window allows it.`,
  FIN_QUEUED_SENT: () => `The FIN of an earlier CLOSE can go out now that the queued data has been sent.`,
  WINDOW_UPDATE: (p) =>
    p['doubled']
      ? `The ${p.who}'s receive window has opened to ${str(p['rcv_wnd'])} octets, at least twice what the ${p.peer} may still send: Linux tells the ${p.peer} with a window update (tcp_cleanup_rbuf: "lots" means "at least twice"); RFC 9293 §3.8.6.2.2 announces a window once it has grown by min(buffer / 2, MSS).`
      : `The ${p.who}'s receive window has opened again; it tells the ${p.peer} with a window update.`,
  ACK_DELAYED: (p) =>
    p['after_fin']
      ? `Linux does not acknowledge the FIN at once here: it waits up to ${str(p['delay_ms'])} ms (its delayed-ACK timer, tcp_send_delayed_ack) for the application's own FIN, which can carry the ACK. RFC 9293 §3.10.7.4 says "send an acknowledgment for the FIN"; §3.8.6.3 allows the delay (less than 0.5 s).`
      : `Linux does not acknowledge this data at once: ${p['interactive'] ? `the connection is interactive (its application answered within the ACK timeout), so it waits up to ${str(p['delay_ms'])} ms for the answer to carry the ACK` : `its quick ACKs at the start of the connection are used up, so it waits up to ${str(p['delay_ms'])} ms (ATO ${str(p['ato_ms'])} ms) for more data or an answer to carry the ACK`} (tcp_send_delayed_ack), and acknowledges at once when a second full-sized segment comes. RFC 9293 §3.8.6.3 allows this delay (less than 0.5 s, an ACK for at least every second full-sized segment); the rfc9293 profile acknowledges every segment at once.`,
  DELAYED_ACK_TIMEOUT: (p) =>
    `Nothing carried the ${p.who}'s ACK within ${str(p['ato_ms'])} ms: its delayed-ACK timer expires and it sends ACK ack=${str(p['rcv_nxt'])} on its own; the next delay starts from ${str(p['next_ato_ms'])} ms (Linux tcp_delack_timer_handler; RFC 9293 §3.8.6.3).`,
  DELAYED_ACK_AFTER_READ: (p) =>
    `The application's read emptied the buffer (or more than a full segment is unacknowledged): Linux sends the ACK it was delaying now, ack=${str(p['rcv_nxt'])}, with the reopened window (tcp_cleanup_rbuf). RFC 9293 would have acknowledged the data when it arrived.`,
  ADVANCE_CUT_SHORT: (p) =>
    `The clock stops after ${str(p['advanced_ms'])} of the ${str(p['requested_ms'])} ms asked for: ${str(p['timers'])} timers fired in this one step (a zero window probed again and again). Advance again to go on.`,
  WINDOW_SHRINK_IGNORED: (p) =>
    `The ${p.peer} offers a window of ${str(p['offered'])} octets with the same SEQ as its last window (seq=${str(p['seq'])}) and acknowledges nothing new: Linux keeps the larger window it had, ${str(p['snd_wnd'])} octets (tcp_may_update_window takes such a segment's window only when it grows or is 0); RFC 9293 §3.10.7.4 would take the smaller one (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK).`,
  WINDOW_UPDATE_RECEIVED: (p) =>
    `The ACK acknowledges nothing new (ack=${str(p['ack'])}) but changes the ${p.peer}'s window: SND.WND goes from ${str(p['snd_wnd_before'])} to ${str(p['snd_wnd'])} octets — a window update, not a duplicate ACK.`,
  SEND_HELD_NAGLE: (p) =>
    `The ${p.who} holds back a segment of ${str(p['length'])} octet(s) (${str(p['queued'])} queued): it is smaller than the MSS (${str(p['mss'])}) and an earlier small segment is still unacknowledged. Linux does this — Nagle's algorithm with Minshall's variant (tcp_nagle_test) — unless the socket has TCP_NODELAY, and sends when that segment is acknowledged; more data written meanwhile goes in the same segment. RFC 9293 §3.7.4 recommends Nagle's algorithm, which waits while any data is unacknowledged; the rfc9293 profile sends at once.`,
  SEND_HELD_WINDOW: (p) =>
    `The ${p.peer}'s window has ${str(p['usable'])} octet(s) left, fewer than the next segment needs (${str(p['needed'])}): the ${p.who} waits for the window to open rather than send a small segment into it (sender-side silly window avoidance, RFC 9293 §3.8.6.2.1, MUST-38). Linux does this by its queue's buffers: one goes out only when its first MSS, or all of it, fits (tcp_snd_wnd_test); RFC 9293's algorithm would also send if a full segment, or all pushed data, or half the largest window fitted. The rfc9293 profile fills the window at once.`,
  SEGMENTS_HALF_WINDOW: (p) =>
    `The ${p.peer}'s largest window so far is ${str(p['max_snd_wnd'])} octets: Linux sends segments of at most half of it, ${str(p['mss'])} octets, rather than its MSS of ${str(p['snd_mss'])} (tcp_bound_to_half_wnd), so that a small window still holds more than one segment. RFC 9293 leaves the size below the MSS to the sender.`,
  PUSH_FORCED: (p) =>
    `The ${p.who}'s application has written ${str(p['since_push'])} octets since the last PSH, more than half the ${p.peer}'s largest window (${str(p['max_snd_wnd'])}): Linux sets PSH on this segment too and sends what is queued (forced_push in tcp_sendmsg). RFC 9293 §3.9.1.2 sets PSH only where a SEND asks for it; the rfc9293 profile sets it on the last segment of each SEND.`,
  WINDOW_PROBE_WITH_DATA: (p) =>
    `The persist timer expires after ${str(p['interval_ms'])} ms and the ${p.peer}'s window still has only ${str(p['usable'])} octet(s) for the ${str(p['queued'])} queued: the ${p.who} now sends ${str(p['length'])} octet(s), with PSH, into it (Linux tcp_write_wakeup). This is RFC 9293 §3.8.6.2.1's override timeout, which lets a sender avoiding silly windows send what fits; its retransmission timer takes over from here.`,
  PERSIST_TIMER_STARTED: (p) =>
    p['usable'] !== undefined
      ? `The ${p.peer}'s window has ${str(p['usable'])} octet(s) left, too few for the ${str(p['queued'])} queued octet(s), which Linux sends only when a whole segment fits (tcp_snd_wnd_test), and nothing is in flight whose ACK could bring a larger window. The ${p.who} starts its persist timer (${str(p['interval_ms'])} ms): if the window has not grown by then, it sends what fits (Linux's probe timer, tcp_write_wakeup; RFC 9293 §3.8.6.2.1 calls this the override timeout).`
      : `The ${p.peer}'s window is zero, ${p['fin_waiting'] ? 'the FIN waits to be sent (it takes a sequence number too)' : `${str(p['queued'])} octet(s) wait to be sent`} and nothing is in flight whose ACK could reopen it: if the window update is lost, nothing would ever be sent again. The ${p.who} starts its persist timer (${str(p['interval_ms'])} ms) to probe the window (RFC 9293 §3.8.6.1).`,
  ZERO_WINDOW_PROBE: (p) =>
    p['interval_ms'] === null
      ? `The ${p.who} probes the ${p.peer}'s zero window with ${probeEn(p)}: the ${p.peer} cannot take it, and answers with an ACK that carries its current window (RFC 9293 §3.8.6.1).`
      : `The persist timer expires after ${str(p['interval_ms'])} ms with the ${p.peer}'s window still zero and ${str(p['queued'])} octet(s) waiting: the ${p.who} probes with ${probeEn(p)}. The ${p.peer} must answer with an ACK carrying its window; while it stays zero the next probe follows in ${str(p['next_interval_ms'])} ms, and the connection stays open as long as the ${p.peer} answers (RFC 9293 §3.8.6.1).`,
};

const ZH_SIDE: Record<Side, string> = { client: '客户端', server: '服务器' };

const ZH: Record<EventCode, Template> = {
  FIN_WAIT_2_TIMEOUT: (p) =>
    `${p.who}在 FIN_WAIT_2 状态等待了 ${str(p['fin_timeout_ms'])} 毫秒仍未收到${p.peer}的 FIN：它不发送任何报文段，直接丢弃连接，进入 CLOSED。Linux 对应用程序已经关闭的套接字这样做（tcp_fin_timeout）；RFC 9293 则规定 FIN_WAIT_2 一直等待对端的 FIN。`,
  RTT_MEASURED: (p) =>
    p['first']
      ? `${p.who}得到第一个往返时间（RTT）样本：R = ${ms(p['sample_ms'])} 毫秒，${rttMethodZh(p)}。RFC 6298 §2.2：SRTT = R = ${ms(p['srtt_ms'])} 毫秒，RTTVAR = R/2 = ${ms(p['rttvar_ms'])} 毫秒；${rtoZh(p)}`
      : `${p.who}得到一个往返时间（RTT）样本：R' = ${ms(p['sample_ms'])} 毫秒，${rttMethodZh(p)}。RFC 6298 §2.3：RTTVAR = ¾·RTTVAR + ¼·|SRTT − R'| = ${ms(p['rttvar_ms'])} 毫秒，SRTT = ⅞·SRTT + ⅛·R' = ${ms(p['srtt_ms'])} 毫秒；${rtoZh(p)}`,
  RTT_NOT_SAMPLED_RETRANSMITTED: (p) =>
    `该 ACK 确认的报文段${p.who}发送过不止一次，无法判断它确认的是哪一次发送：不采集往返时间样本（Karn 算法，RFC 6298 §3），RTO 保持为 ${str(p['rto_ms'])} 毫秒${p['syn_fallback'] ? '——由于 SYN 曾被重传，至少为 3000 毫秒（RFC 6298 §5.7）' : '，即超时退避后的值，直到得到新的样本'}。`,
  SEGMENT_ARRIVED: (p) => `${p.who}在 ${p.from} 状态收到报文段 ${seg(p)}。`,
  SEGMENT_SENT: (p) => `${p.who}发送报文段 ${seg(p)}，窗口 ${str(p['window'])}。`,
  SEGMENT_RETRANSMITTED: (p) => `${p.who}重传报文段 ${seg(p)}：原报文段没有及时得到确认。`,
  SEGMENT_DROPPED: (p) => `网络丢弃了 ${str(p['flags'])} seq=${str(p['seq'])}：它不会到达。`,
  SEGMENT_LOST: (p) => `网络丢失了 ${str(p['flags'])} seq=${str(p['seq'])}（随机丢包率 ${str(p['loss_rate'])}）。`,
  SEGMENT_HELD: (p) => `网络暂扣 ${str(p['flags'])} seq=${str(p['seq'])}：只有在投递时才会到达。`,
  SEGMENT_DUPLICATED: (p) => `网络复制了 ${str(p['flags'])} seq=${str(p['seq'])}：副本现在到达，原报文段仍在途中。`,
  SEGMENT_INJECTED: (p) => `向网络注入报文段 ${str(p['flags'])} seq=${str(p['seq'])} ack=${str(p['ack'])}，发往${ZH_SIDE[p['to'] as Side] ?? str(p['to'])}。`,
  ANSWER_OWED: (p) => `${p.who}的 TCP 此时应发送 ${seg(p)}；在手动模式下需要由你发送。`,
  NETWORK_CONFIGURED: (p) => `网络设置：${p['auto_deliver'] ? '报文段发送后立即投递' : '每个报文段都在途中等待投递'}，丢包率 ${str(p['loss_rate'])}。`,

  CLOSED_RST_DISCARDED: (p) => `${p.who}处于 CLOSED，丢弃 RST：RST 永远不会被回应（RFC 9293 §3.10.7.1）。`,
  CLOSED_ANSWERS_RST_ACK: (p) => `${p.who}没有这个连接，因此回复 RST,ACK，序列号为 0，确认号为 ${str(p['rst_ack'])}（SEG.SEQ + SEG.LEN）：发送方看到“连接被拒绝”。`,
  CLOSED_ANSWERS_RST: (p) => `${p.who}没有这个连接；该报文段带有 ACK，因此复位报文段的序列号取自它的确认号：RST seq=${str(p['ack'])}。`,
  LISTEN_RST_IGNORED: (p) => `${p.who}处于 LISTEN（监听），忽略 RST：没有可以复位的连接。`,
  LISTEN_ACK_ANSWERED_RST: (p) => `在 LISTEN 状态收到的 ACK 不可能有效（尚未发送任何数据），因此${p.who}回复 RST seq=${str(p['ack'])}。`,
  LISTEN_SEGMENT_DROPPED: (p) => `${p.who}处于 LISTEN，只有 SYN 才能建立连接；${str(p['flags'])} 被丢弃。`,
  LISTEN_SYN_FIN_DROPPED: (p) => `同时带有 SYN 和 FIN 的报文段是畸形的；Linux 在 LISTEN 状态丢弃它，${p.who}仍处于 LISTEN。`,
  LISTEN_SYN_TO_SYN_RECEIVED: (p) =>
    `收到第一次握手：${p.who}记录${p.peer}的初始序列号 ${str(p['irs'])}（IRS），因为 SYN 消耗一个序列号，所以 RCV.NXT = ${str(p['irs'])} + 1 = ${str(p['rcv_nxt'])}。它选择自己的初始序列号 ${str(p['iss'])}，回复 SYN,ACK seq=${str(p['iss'])}，确认号为 ${str(p['rcv_nxt'])}（第二次握手），进入 SYN_RECEIVED（同步收到）。${ignoredZh(p)}`,
  SYN_SENT_BAD_ACK_RST_DROPPED: (p) => `该 RST 的确认号 ${str(p['ack'])} 并不确认我方的 SYN（可接受范围：ISS < ack ≤ SND.NXT = ${str(p['snd_nxt'])}），被丢弃。`,
  SYN_SENT_BAD_ACK_ANSWERED_RST: (p) =>
    `${p.who}发送的是 SYN seq=${str(p['iss'])}，只有确认号 ${str(p['snd_nxt'])} 可以接受；确认号 ${str(p['ack'])} 属于另一个（已失效的）连接，因此${p.who}回复 RST seq=${str(p['ack'])}。`,
  SYN_SENT_RST_TO_CLOSED: (p) => `该 RST 确认了${p.who}的 SYN：${p.peer}拒绝连接，${p.who}进入 CLOSED。`,
  SYN_SENT_RST_WITHOUT_ACK_DROPPED: (p) => `在 SYN_SENT 状态，只有确认了我方 SYN 的 RST 才可信；这个 RST 没有 ACK，${p.who}将其丢弃。`,
  SYN_SENT_SEGMENT_DROPPED: (p) => `${p.who}在 SYN_SENT 状态等待 SYN；不带 SYN 的 ${str(p['flags'])} 被丢弃。`,
  SYN_SENT_SYN_ACK_TO_ESTABLISHED: (p) =>
    `收到第二次握手：SYN,ACK 确认了${p.who}的 SYN（确认号 = 初始序列号 ${str(p['iss'])} + 1 = ${str(p['ack'])}）。${p.who}记录${p.peer}的初始序列号 ${str(p['irs'])}，发送第三次握手 ACK seq=${str(p['snd_nxt'])}，确认号为 ${str(p['rcv_nxt'])}，进入 ESTABLISHED（已建立连接）。${ignoredZh(p)}`,
  SYN_SENT_SYN_TO_SYN_RECEIVED: (p) =>
    `同时打开：${p.who}自己的 SYN 尚未得到回应时收到了对方的 SYN。它记录 IRS ${str(p['irs'])}，回复 SYN,ACK seq=${str(p['iss'])}，确认号为 ${str(p['rcv_nxt'])}，进入 SYN_RECEIVED。`,
  SYN_RECEIVED_SYN_RETRANSMITTED: (p) => `${p.peer}再次发送了 SYN（我方的 SYN,ACK 可能丢失了）：${p.who}像 Linux 一样重发 SYN,ACK seq=${str(p['iss'])}，确认号为 ${str(p['rcv_nxt'])}。`,
  SIMULTANEOUS_OPEN_TO_ESTABLISHED: (p) => `同时打开：${p.peer}的 SYN,ACK 确认了我方的 SYN；${p.who}进入 ESTABLISHED 并予以确认（RFC 9293 §3.5 图 8）。`,
  SEQ_UNACCEPTABLE_RST_DROPPED: (p) => `该 RST 的序列号 ${str(p['seq'])} 不在接收窗口 [${str(p['rcv_nxt'])}, RCV.NXT + ${str(p['rcv_wnd'])}) 内：被静默丢弃（RFC 5961 §3.2）。`,
  SEQ_UNACCEPTABLE_ACKED: (p) =>
    `不可接受：序列号 ${str(p['seq'])}–${str(p['end'])} 不在从 RCV.NXT = ${str(p['rcv_nxt'])} 开始的接收窗口内（已失效的重复报文段或迷途报文段）。${p.who}丢弃它，并发送确认号为 ${str(p['rcv_nxt'])} 的 ACK，说明自己真正期待的序列号。`,
  TIME_WAIT_FIN_ACKED_AGAIN: (p) =>
    `${p.who}在 TIME_WAIT（时间等待）状态再次收到${p.peer}的 FIN：它发出的最后一个 ACK 丢失了。它再次确认该 FIN，并重新启动 2MSL 计时器（${str(p['two_msl_ms'])} 毫秒）${timeWaitNoteZh(p)}——这正是 TIME_WAIT 存在的原因。`,
  TIME_WAIT_SEGMENT_ACKED_AGAIN: (p) => `${p.who}在 TIME_WAIT 状态用 ACK 回应这个迷途报文段，并像 Linux 一样重新启动 2MSL 计时器（${str(p['two_msl_ms'])} 毫秒）${timeWaitNoteZh(p)}。`,
  RST_CHALLENGE_ACK: (p) =>
    `该 RST 的序列号 ${str(p['seq'])} 在窗口内，但不正好等于 RCV.NXT = ${str(p['rcv_nxt'])}：可能是伪造的。${p.who}不复位连接，而是发送挑战 ACK（RFC 5961 §3.2）；真正的对端会用序列号正确的 RST 回应。`,
  SYN_RECEIVED_SYN_RESET_TO_LISTEN: (p) =>
    `${p.who}被动打开后处于 SYN_RECEIVED 时又收到一个 SYN：Linux 用复位报文段回应（${str(p['rst_ack']) !== '0' ? `RST,ACK，确认号 ${str(p['rst_ack'])}` : `RST，seq=${str(p['rst_seq'])}`}），丢弃这个半打开的连接，回到 LISTEN（tcp_check_req）。RFC 9293 §3.10.7.4 则不发送任何报文段，直接回到 LISTEN。`,
  SYN_RECEIVED_SYN_TO_LISTEN: (p) => `${p.who}由 LISTEN 进入 SYN_RECEIVED 后又收到一个 SYN：它放弃这个半打开的连接，回到 LISTEN（RFC 9293 §3.10.7.4）。`,
  SYN_CHALLENGE_ACK: (p) =>
    `在已同步状态收到 SYN：按照 RFC 9293 + RFC 5961 §4（Linux 的做法），${p.who}不复位连接，而是发送挑战 ACK seq=${str(p['snd_nxt'])}，确认号为 ${str(p['rcv_nxt'])}，并丢弃该 SYN。`,
  SYN_IN_WINDOW_RESET: (p) => `已同步的连接在窗口内收到 SYN：按照 RFC 793 这是错误，${p.who}发送 RST seq=${str(p['rst_seq'])} 并关闭连接。`,
  ACK_BIT_OFF_DROPPED: (p) => `已同步连接的每个报文段都必须带 ACK；这个没有，${p.who}将其丢弃。`,
  SYN_RECEIVED_BAD_ACK_RST: (p) => `确认号 ${str(p['ack'])} 并不确认${p.who}的 SYN（可接受范围：${str(p['snd_una'])} < ack ≤ ${str(p['snd_nxt'])}），因此${p.who}回复 RST seq=${str(p['ack'])}。`,
  SYN_RECEIVED_ACK_TO_ESTABLISHED: (p) => `收到第三次握手：确认号 ${str(p['ack'])} = ${p.who}的初始序列号 ${str(p['iss'])} + 1，确认了它的 SYN。${p.who}进入 ESTABLISHED（已建立连接）。`,
  CLOSE_DEFERRED_TO_FIN_WAIT_1: (p) => `之前等待连接建立的 CLOSE 现在生效：${p.who}先发送数据，再发送 FIN，进入 FIN_WAIT_1。`,
  ACK_TOO_OLD_CHALLENGE_ACK: (p) =>
    `确认号 ${str(p['ack'])} 比 SND.UNA − MAX.SND.WND（${str(p['snd_una'])} − ${str(p['max_snd_wnd'])}）还旧：可能是注入的。${p.who}发送挑战 ACK 并丢弃它（RFC 5961 §5.2）。`,
  ACK_OF_UNSENT_DATA: (p) => `确认号 ${str(p['ack'])} 确认了${p.who}尚未发送的数据（SND.NXT = ${str(p['snd_nxt'])}）：它发送一个 ACK 并丢弃该报文段。`,
  ACK_ADVANCES_SND_UNA: (p) => `确认号 ${str(p['ack'])} 新确认了 ${str(p['acked'])} 个字节：SND.UNA 从 ${str(p['snd_una_before'])} 前移到 ${str(p['snd_una'])}。`,
  ACK_DUPLICATE_IGNORED: (p) => `确认号 ${str(p['ack'])} 没有确认任何新数据（SND.UNA = ${str(p['snd_una'])}）：重复 ACK，忽略。`,
  FIN_WAIT_1_ACK_TO_FIN_WAIT_2: (p) =>
    `该 ACK 确认了${p.who}的 FIN（确认号 = ${str(p['snd_nxt'])}）：进入 FIN_WAIT_2（终止等待2），等待${p.peer}的 FIN（半关闭：${p.peer}仍可发送数据）。`,
  CLOSING_ACK_TO_TIME_WAIT: (p) => `双方的 FIN 都已被确认：${p.who}由 CLOSING 进入 TIME_WAIT，等待 ${timeWaitZh(p)}。`,
  LAST_ACK_ACK_TO_CLOSED: (p) => `最后一个 ACK 确认了${p.who}的 FIN：${p.who}一方的连接完全释放（CLOSED）。`,
  URGENT_DATA_SIGNALLED: (p) => `该报文段带有 URG：${p.who}通知应用程序有紧急数据（RCV.UP = ${str(p['rcv_up'])}）。`,
  OUT_OF_ORDER_HELD: (p) => `该报文段从 ${str(p['seq'])} 开始，超过了 RCV.NXT = ${str(p['rcv_nxt'])}：前面缺了数据。${p.who}先保存它，并发送重复 ACK，确认号为 ${str(p['rcv_nxt'])}。`,
  OUT_OF_WINDOW_ACK_RATE_LIMITED: (p) =>
    `${p.who}在不到 ${str(p['interval_ms'])} 毫秒之前（${str(p['last_ack_ms'])} 毫秒时）已经回应过一个不可接受的报文段，因此丢弃这个报文段而不发送 ACK——这是 RFC 5961 §7 的速率限制（Linux：tcp_invalid_ratelimit），防止两个状态不一致的 TCP 无休止地互相发送 ACK。`,
  PAWS_REJECTED: (p) =>
    `PAWS（防止序列号回绕，RFC 7323 §5.3 R1）：该报文段的 TSval ${str(p['ts_val'])} 比 TS.Recent = ${str(p['ts_recent'])}（${p.who}已接受的报文段的时间戳）更旧，说明它是在那个报文段之前发出的——一个已失效的重复报文段，可能来自序列号的上一轮回绕。无论其序列号如何，它都不可接受：${p.who}丢弃它，并发送确认号为 ${str(p['rcv_nxt'])} 的 ACK（与其他不可接受的报文段一样受速率限制）${p['state'] === 'TIME_WAIT' ? '，并重新启动 TIME_WAIT 计时器' : ''}。${p['rule'] === 'linux' ? 'Linux 采用同样的规则（tcp_validate_incoming），但除 TIME_WAIT 和 SYN_RECEIVED 外，允许只旧一个时钟单位的 TSval 通过（TCP_PAWS_WINDOW）。' : ''}`,
  PAWS_OLD_ACK_DROPPED: (p) =>
    `该 ACK 的 TSval ${str(p['ts_val'])} 比 TS.Recent = ${str(p['ts_recent'])} 更旧，且其序列号 ${str(p['seq'])} 小于 RCV.NXT = ${str(p['rcv_nxt'])}：这是网络迟到交付的旧 ACK。Linux 丢弃它而不回应（tcp_disordered_ack_check：旧 ACK 很常见）；RFC 7323 §5.3 则会用 ACK 回应。`,
  PAWS_DISORDERED_ACK_ACCEPTED: (p) =>
    `该 ACK 的 TSval ${str(p['ts_val'])} 比 TS.Recent = ${str(p['ts_recent'])} 更旧，但它是位于 RCV.NXT、不改变任何东西（没有新确认的数据，也不更新窗口）的重复 ACK，只迟到了 ${str(p['older'])} 毫秒，在 1.2 × RTO = ${str(p['replay_window'])} 毫秒之内：Linux 把它当作仅仅被乱序的 ACK 放行（tcp_disordered_ack_check）。RFC 7323 §5.3 则会丢弃它并回应 ACK。TS.Recent 保持不变。`,
  PAWS_RST_DROPPED: (p) =>
    `该 RST 的 TSval ${str(p['ts_val'])} 比 TS.Recent = ${str(p['ts_recent'])} 更旧。RFC 7323 §5.3 规定 RST 不受 PAWS 检查，但 Linux 在 ${str(p['state'])} 状态（tcp_paws_reject）只有在 TS.Recent 已设置 60 秒之后（TCP_PAWS_MSL）才相信更旧的 RST：${p.who}静默丢弃它。`,
  DATA_RECEIVED: (p) => `${p.who}接收 ${str(p['length'])} 个字节 ${str(p['seq'])}:${str(p['end'])}；RCV.NXT 变为 ${str(p['rcv_nxt'])}，并以确认号 ${str(p['rcv_nxt'])} 进行确认。`,
  TEXT_BEYOND_WINDOW_ACKED: (p) =>
    `有 ${str(p['dropped'])} 个字节超出了接收窗口（RCV.NXT ${str(p['rcv_nxt'])}，RCV.WND ${str(p['rcv_wnd'])}）：${p.who}丢弃它们，并以确认号 ${str(p['rcv_nxt'])} 确认，告知${p.peer}自己的窗口。`,
  TAIL_LOSS_PROBE: (p) =>
    `在探测超时内没有收到 ACK：${p.who}${p['new_data'] ? `发送此前被暂缓的新数据（从 seq=${str(p['seq'])} 开始），作为尾部丢失探测（RFC 8985 §7.3：若窗口允许，先发送尚未发送过的报文段）` : `把最后一个在途报文段 ${str(p['flags'])} seq=${str(p['seq'])} 再发送一次，作为尾部丢失探测`}——Linux 在重传超时之前这样做（RFC 8985，tcp_send_loss_probe），时间为 2·SRTT（${ms(2 * Number(p['srtt_ms']))} 毫秒）${Number(p['in_flight']) === 1 ? ' + 200 毫秒（只有一个报文段在途时，对端可能推迟确认）' : ''}，若 RTO 更早则取 RTO。RTO（${str(p['rto_ms'])} 毫秒）不加倍，从现在起重新计时。RFC 9293 和 RFC 6298 只在 RTO 到期时才重传。`,
  TEXT_AFTER_FIN_IGNORED: (p) => `${p.peer}已经发送了 FIN，之后的数据不可能有效；${p.who}忽略这 ${str(p['length'])} 个字节。`,
  FIN_TO_CLOSE_WAIT: (p) =>
    `收到第一次挥手：${p.peer}已没有数据要发送（FIN）。FIN 消耗一个序列号，因此${p.who}以确认号 ${str(p['rcv_nxt'])} 确认（第二次挥手），进入 CLOSE_WAIT（关闭等待）：在应用程序调用 close 之前它仍可发送数据。`,
  FIN_WAIT_1_FIN_TO_CLOSING: (p) => `同时关闭：${p.peer}的 FIN 先于对${p.who}自己 FIN 的确认到达。${p.who}予以确认（确认号 ${str(p['rcv_nxt'])}），进入 CLOSING。`,
  FIN_WAIT_1_FIN_ACK_TO_TIME_WAIT: (p) =>
    `该报文段既确认了${p.who}的 FIN，又带有${p.peer}的 FIN：${p.who}以确认号 ${str(p['rcv_nxt'])} 确认，直接进入 TIME_WAIT，等待 ${timeWaitZh(p)}。`,
  FIN_WAIT_2_FIN_TO_TIME_WAIT: (p) =>
    `收到第三次挥手：${p.peer}的 FIN。${p.who}发送第四次挥手 ACK，确认号为 ${str(p['rcv_nxt'])}，进入 TIME_WAIT 等待 ${timeWaitZh(p)}，以防这个 ACK 丢失而 FIN 被重传。`,
  FIN_REPEATED: (p) => `在 ${p.from} 状态又收到一个 FIN；${p.who}予以确认（确认号 ${str(p['rcv_nxt'])}），仍处于 ${p.to}。`,
  RST_SYN_RECEIVED_TO_LISTEN: (p) =>
    `RST（序列号 ${str(p['seq'])} = RCV.NXT）结束了这个半打开的连接。${p.who}是由 LISTEN 进入 SYN_RECEIVED 的，因此回到 LISTEN——已失效的连接请求报文段就是这样被清除的。`,
  RST_SYN_RECEIVED_TO_CLOSED: (p) => `RST 结束了${p.who}主动打开的连接：连接被拒绝，进入 CLOSED。`,
  RST_RESETS_CONNECTION: (p) =>
    `RST（序列号 ${str(p['seq'])}${p['rule'] === 'exact' ? ' = RCV.NXT，符合 RFC 5961 的要求' : '，在窗口内，RFC 793 允许'}）复位了连接：排队的数据被丢弃，${p.who}立即进入 CLOSED。`,
  RST_CLOSES_CONNECTION: (p) => `RST 关闭了${p.who}这一方本已在关闭中的连接：CLOSED。`,
  SIGNAL_CONNECTION_RESET: (p) => `${p.who}的应用程序收到通知：“连接被复位”。`,
  SIGNAL_CONNECTION_REFUSED: (p) => `${p.who}的应用程序收到通知：“连接被拒绝”。`,
  SIGNAL_CONNECTION_CLOSING: (p) => `${p.who}的应用程序收到通知：“连接正在关闭”——${p.peer}不会再发送数据（read 返回 0）。`,
  SIGNAL_CONNECTION_TIMED_OUT: (p) => `${p.who}的应用程序收到通知：“连接超时”。`,
  SIGNAL_USER_TIMEOUT: (p) => `${p.who}的应用程序收到通知：“用户超时，连接中止”。`,
  TIME_WAIT_EXPIRED: (p) => `${timeWaitZh(p)}内没有再收到${p.peer}的任何报文段：TIME_WAIT 结束，${p.who}进入 CLOSED。`,
  USER_TIMEOUT_EXPIRED: (p) => `已发送的数据在用户超时时间（${str(p['user_timeout_ms'])} 毫秒）内没有得到确认：${p.who}中止连接。`,
  RETRANSMISSION_LIMIT: (p) => `重传 ${str(p['retries'])} 次后仍未得到确认：${p.who}放弃这个连接。`,
  RETRANSMISSION_TIMEOUT: (p) =>
    `重传超时（${str(p['rto_ms'])} 毫秒）内没有收到 ACK：${p.who}重传 ${str(p['flags'])} seq=${str(p['seq'])}（第 ${str(p['attempt'])} 次），并把超时时间加倍为 ${str(p['next_rto_ms'])} 毫秒。`,
  OPEN_PASSIVE_TO_LISTEN: (p) => `${p.who}被动打开（listen）端口 ${str(p['port'])}，在 LISTEN（监听）状态等待 SYN。`,
  OPEN_ACTIVE_TO_SYN_SENT: (p) =>
    `${p.who}主动打开（connect）：选择初始序列号 ${str(p['iss'])}，发送 SYN seq=${str(p['iss'])}（第一次握手，连接请求报文段），进入 SYN_SENT（同步已发送）。`,
  SEND_LISTEN_TO_SYN_SENT: (p) => `在 LISTEN 状态调用 SEND，把被动打开变为主动打开：${p.who}发送 SYN seq=${str(p['iss'])} 并把数据排队。`,
  SEND_QUEUED_UNTIL_ESTABLISHED: (p) => `连接尚未建立：${p.who}把 ${str(p['length'])} 个字节排队，等连接建立后再发送。`,
  SEND_DATA: (p) => `${p.who}的应用程序发送 ${str(p['length'])} 个字节。`,
  RECEIVE_NOTHING_YET: (p) => `${p.who}的应用程序读取数据，但还没有数据到达。`,
  RECEIVE_DATA: (p) =>
    p['after_own_fin']
      ? `${p.who}的应用程序读取在${p.peer}的 FIN 之前到达的 ${str(p['length'])} 个字节。Linux 在 ${p.from} 状态仍然允许读取这些数据（tcp_recvmsg）；RFC 9293 §3.10.3 则在双方的 FIN 都已发送后拒绝 RECEIVE（“connection closing”），仿佛数据到那时都已读完。`
      : `${p.who}的应用程序读取 ${str(p['length'])} 个字节；接收窗口恢复为 ${str(p['rcv_wnd'])} 字节。${p['window_update_withheld'] === 'fin_received' ? `Linux 不通告新窗口：${p.peer}的 FIN 已经到达，之后不会再有数据（tcp_cleanup_rbuf）；RFC 9293 §3.8.6.2.2 则在窗口增长 min(缓冲区 / 2, MSS) 后通告。` : p['window_update_withheld'] ? `Linux 此时还不通告新窗口：读取之后，只有当窗口至少是${p.peer}还能发送的量的两倍时，它才发送窗口更新（tcp_cleanup_rbuf）；RFC 9293 §3.8.6.2.2 则在窗口增长 min(缓冲区 / 2, MSS) 后就通告。` : ''}`,
  CLOSE_LISTEN_TO_CLOSED: (p) => `${p.who}停止监听：CLOSED。`,
  CLOSE_SYN_SENT_TO_CLOSED: (p) => `${p.who}在收到回应之前放弃连接：进入 CLOSED，不发送任何报文段。`,
  CLOSE_DEFERRED_UNTIL_ESTABLISHED: (p) => `${p.who}在仍有数据排队时关闭：连接建立后，FIN 将跟在数据之后发送。`,
  CLOSE_TO_FIN_WAIT_1: (p) =>
    p['fin_held']
      ? `${p.who}的应用程序关闭连接，${p.who}进入 FIN_WAIT_1（终止等待1，主动关闭），但${p.peer}的窗口已满：FIN seq=${str(p['snd_nxt'])} 消耗一个序列号，${p.peer}现在无法接收（RFC 9293 §3.10.7.4），因此 FIN 等待窗口打开，与 Linux 一样（tcp_snd_wnd_test）。${shutdownZh(p)}`
      : `${p.who}的应用程序关闭连接：发送 FIN seq=${str(p['snd_nxt'])}（第一次挥手，连接释放报文段；FIN 消耗一个序列号），进入 FIN_WAIT_1（终止等待1，主动关闭）。${shutdownZh(p)}`,
  CLOSE_TO_LAST_ACK: (p) =>
    p['fin_held']
      ? `${p.who}的应用程序也关闭连接，${p.who}进入 LAST_ACK（最后确认），但${p.peer}的窗口已满：它的 FIN seq=${str(p['snd_nxt'])} 消耗一个序列号，${p.peer}现在无法接收（RFC 9293 §3.10.7.4），因此 FIN 等待窗口打开，与 Linux 一样（tcp_snd_wnd_test）。${shutdownZh(p)}`
      : `${p.who}的应用程序也关闭连接：发送自己的 FIN seq=${str(p['snd_nxt'])}（第三次挥手），进入 LAST_ACK（最后确认）等待确认。${shutdownZh(p)}`,
  ABORT_WITHOUT_RST: (p) => `${p.who}中止连接；在 ${p.from} 状态没有已同步的对端需要通知，直接进入 CLOSED。`,
  ABORT_SENDS_RST: (p) => `${p.who}中止连接：发送 RST seq=${str(p['rst_seq'])}（Linux 还会带上 ACK，确认号为 ${str(p['rst_ack'])}），不等待，直接进入 CLOSED。`,
  STATUS: (p) => `${p.who}报告状态：${p.from}。`,
  CALL_REFUSED_CONNECTION_ALREADY_EXISTS: (p) => `在 ${p.from} 状态拒绝 ${str(p['call'])}：“${str(p['text'])}”（连接已存在；只有 CLOSED 状态才能打开）。`,
  CALL_REFUSED_CONNECTION_DOES_NOT_EXIST: (p) => `在 ${p.from} 状态拒绝 ${str(p['call'])}：“${str(p['text'])}”（连接不存在）。`,
  CALL_REFUSED_CONNECTION_CLOSING: (p) =>
    p['orphaned']
      ? `在 ${p.from} 状态拒绝 ${str(p['call'])}：“${str(p['text'])}”（连接正在关闭）——${p.who}的应用程序已经用 close() 关闭了套接字，不再读取任何数据。Linux 的 close() 是 RFC 9293 §3.6.1 允许的“半双工”关闭；RFC 自己的 CLOSE（shutdown）仍保持接收方向打开。`
      : `在 ${p.from} 状态拒绝 ${str(p['call'])}：“${str(p['text'])}”（连接正在关闭）——${p.who}已经关闭了这个方向。`,
  CLOSE_UNREAD_DATA_RESET: (p) =>
    `${p.who}的应用程序关闭套接字时还有 ${str(p['unread'])} 个字节未读：这些数据丢失了，因此${p.who}不发送 FIN，而是发送 RST seq=${str(p['rst_seq'])} ack=${str(p['rst_ack'])}，立即进入 CLOSED。Linux 这样做（tcp_close）；RFC 9293 §3.6.1 规定，CLOSE 导致已接收的数据丢失时，TCP 应当（SHOULD）发送 RST 表明数据丢失（源自 RFC 1122 §4.2.2.13），而 RFC 自己的 CLOSE 只关闭发送方向。`,
  CLOSE_AFTER_SHUTDOWN: (p) =>
    `${p.who}的应用程序在 shutdown() 之后关闭套接字：它的 FIN 已经发出或正在排队，所以不发送任何报文段；此后没有人读取到达的数据${p['fin_wait_2'] ? '，如果对端的 FIN 迟迟不来，FIN_WAIT_2 在 tcp_fin_timeout 之后结束' : ''}。Linux 这样做（tcp_close）；RFC 9293 只有一个 CLOSE。`,
  DATA_AFTER_CLOSE_RESET: (p) =>
    `${p.who}的应用程序关闭套接字之后又到达新数据（${seg(p)}）：没有人会读取它，因此${p.who}回复 RST seq=${str(p['rst_seq'])}，进入 CLOSED。Linux 这样做（tcp_rcv_state_process）；RFC 9293 §3.6.1 规定，以“半双工”方式关闭的 TCP 在 CLOSE 之后收到新数据时应当（SHOULD）发送 RST，而 RFC 自己的 CLOSE 仍继续接收。`,
  DATA_QUEUED_SENT: () => `窗口允许后，排队的数据现在可以发送。`,
  FIN_QUEUED_SENT: () => `排队的数据发送完毕，之前 CLOSE 的 FIN 现在可以发送。`,
  WINDOW_UPDATE: (p) =>
    p['doubled']
      ? `${p.who}的接收窗口打开到 ${str(p['rcv_wnd'])} 字节，至少是${p.peer}还能发送的量的两倍：Linux 用窗口更新通知${p.peer}（tcp_cleanup_rbuf："大量"即"至少两倍"）；RFC 9293 §3.8.6.2.2 在窗口增长 min(缓冲区 / 2, MSS) 后就通告。`
      : `${p.who}的接收窗口重新打开；它用窗口更新通知${p.peer}。`,
  ACK_DELAYED: (p) =>
    p['after_fin']
      ? `Linux 在这里不立即确认 FIN：它最多等待 ${str(p['delay_ms'])} 毫秒（延迟确认定时器，tcp_send_delayed_ack），让应用程序自己的 FIN 捎带这个 ACK。RFC 9293 §3.10.7.4 要求"为 FIN 发送确认"；§3.8.6.3 允许这样的延迟（少于 0.5 秒）。`
      : `Linux 不立即确认这些数据：${p['interactive'] ? `这是交互式连接（应用程序在确认超时内作出了应答），所以它最多等待 ${str(p['delay_ms'])} 毫秒，让应答捎带 ACK` : `连接开始时的快速确认已经用完，所以它最多等待 ${str(p['delay_ms'])} 毫秒（ATO ${str(p['ato_ms'])} 毫秒），让更多数据或应答捎带 ACK`}（tcp_send_delayed_ack）；收到第二个满长度报文段时立即确认。RFC 9293 §3.8.6.3 允许这种延迟（少于 0.5 秒，至少每两个满长度报文段确认一次）；rfc9293 配置则立即确认每个报文段。`,
  DELAYED_ACK_TIMEOUT: (p) =>
    `${str(p['ato_ms'])} 毫秒内没有报文段捎带${p.who}的 ACK：延迟确认定时器超时，它单独发送 ACK，确认号 ${str(p['rcv_nxt'])}；下一次延迟从 ${str(p['next_ato_ms'])} 毫秒开始（Linux tcp_delack_timer_handler；RFC 9293 §3.8.6.3）。`,
  DELAYED_ACK_AFTER_READ: (p) =>
    `应用程序的读取清空了缓冲区（或未确认的数据超过一个满长度报文段）：Linux 现在发送它一直延迟的 ACK，确认号 ${str(p['rcv_nxt'])}，并带上重新打开的窗口（tcp_cleanup_rbuf）。按照 RFC 9293，数据到达时就应确认。`,
  ADVANCE_CUT_SHORT: (p) =>
    `时钟在请求的 ${str(p['requested_ms'])} 毫秒中只前进了 ${str(p['advanced_ms'])} 毫秒就停下：这一步已触发了 ${str(p['timers'])} 个计时器（零窗口被反复探测）。再次推进时钟即可继续。`,
  WINDOW_SHRINK_IGNORED: (p) =>
    `${p.peer}以与上次窗口相同的 SEQ（seq=${str(p['seq'])}）通告 ${str(p['offered'])} 字节的窗口，且没有确认新数据：Linux 保留原来较大的窗口 ${str(p['snd_wnd'])} 字节（tcp_may_update_window 只在窗口增大或为 0 时才采用这种报文段的窗口）；RFC 9293 §3.10.7.4 则会采用较小的窗口（SND.WL1 = SEG.SEQ 且 SND.WL2 =< SEG.ACK）。`,
  WINDOW_UPDATE_RECEIVED: (p) =>
    `该 ACK 没有确认新数据（确认号 ${str(p['ack'])}），但改变了${p.peer}的窗口：SND.WND 由 ${str(p['snd_wnd_before'])} 变为 ${str(p['snd_wnd'])} 字节——这是窗口更新报文段，而不是重复确认。`,
  SEND_HELD_NAGLE: (p) =>
    `${p.who}暂不发送一个 ${str(p['length'])} 字节的报文段（排队 ${str(p['queued'])} 个字节）：它小于 MSS（${str(p['mss'])}），而之前的一个小报文段还没有被确认。Linux 就是这样做的——带 Minshall 改进的 Nagle 算法（tcp_nagle_test）——除非套接字设置了 TCP_NODELAY；那个报文段被确认后才发送，其间写入的数据并入同一个报文段。RFC 9293 §3.7.4 建议使用 Nagle 算法，只要有数据未被确认就等待；rfc9293 配置则立即发送。`,
  SEND_HELD_WINDOW: (p) =>
    `${p.peer}的窗口只剩 ${str(p['usable'])} 个字节，少于下一个报文段所需（${str(p['needed'])}）：${p.who}等待窗口打开，而不是往里发送一个小报文段（发送方的糊涂窗口综合征避免，RFC 9293 §3.8.6.2.1，MUST-38）。Linux 按发送队列中的缓冲区来做：只有缓冲区的第一个 MSS（或整个缓冲区，若更小）能放进窗口时才发送（tcp_snd_wnd_test）；RFC 9293 的算法在能发送一个满长报文段、全部已推送的数据或最大窗口的一半时也会发送。rfc9293 配置则立即填满窗口。`,
  SEGMENTS_HALF_WINDOW: (p) =>
    `${p.peer}到目前为止的最大窗口是 ${str(p['max_snd_wnd'])} 个字节：Linux 发送的报文段最多为它的一半，即 ${str(p['mss'])} 个字节，而不是 MSS ${str(p['snd_mss'])}（tcp_bound_to_half_wnd），这样小窗口里仍能容纳不止一个报文段。RFC 9293 把小于 MSS 的报文段长度留给发送方决定。`,
  PUSH_FORCED: (p) =>
    `${p.who}的应用程序自上一个 PSH 以来已写入 ${str(p['since_push'])} 个字节，超过${p.peer}最大窗口（${str(p['max_snd_wnd'])}）的一半：Linux 在这个报文段上也设置 PSH，并发送已排队的数据（tcp_sendmsg 中的 forced_push）。RFC 9293 §3.9.1.2 只在 SEND 要求时设置 PSH；rfc9293 配置在每个 SEND 的最后一个报文段上设置。`,
  WINDOW_PROBE_WITH_DATA: (p) =>
    `持续计时器在 ${str(p['interval_ms'])} 毫秒后超时，${p.peer}的窗口仍只有 ${str(p['usable'])} 个字节，而排队的有 ${str(p['queued'])} 个字节：${p.who}现在往窗口里发送 ${str(p['length'])} 个字节，并设置 PSH（Linux tcp_write_wakeup）。这就是 RFC 9293 §3.8.6.2.1 的超控超时（override timeout），它允许避免糊涂窗口的发送方发送能放进窗口的部分；此后由重传计时器接管。`,
  PERSIST_TIMER_STARTED: (p) =>
    p['usable'] !== undefined
      ? `${p.peer}的窗口只剩 ${str(p['usable'])} 个字节，不够发送排队的 ${str(p['queued'])} 个字节——Linux 只在整个报文段都能放进窗口时才发送（tcp_snd_wnd_test），而且没有在途的报文段能带回更大的窗口。${p.who}启动持续计时器（${str(p['interval_ms'])} 毫秒）：到时窗口仍未变大，就发送能放进窗口的部分（Linux 的探测计时器，tcp_write_wakeup；RFC 9293 §3.8.6.2.1 称之为超控超时（override timeout））。`
      : `${p.peer}的接收窗口为零，${p['fin_waiting'] ? 'FIN 等待发送（它也占用一个序列号）' : `有 ${str(p['queued'])} 个字节等待发送`}，而且没有在途的报文段能带回窗口更新：如果窗口更新报文段丢失，就再也不会发送任何数据。${p.who}启动持续计时器（${str(p['interval_ms'])} 毫秒），以便探测窗口（RFC 9293 §3.8.6.1）。`,
  ZERO_WINDOW_PROBE: (p) =>
    p['interval_ms'] === null
      ? `${p.who}用${probeZh(p)}探测${p.peer}的零窗口：${p.peer}无法接收它，会回复一个带有当前窗口的 ACK（RFC 9293 §3.8.6.1）。`
      : `持续计时器在 ${str(p['interval_ms'])} 毫秒后超时，${p.peer}的窗口仍为零，有 ${str(p['queued'])} 个字节等待发送：${p.who}发送零窗口探测报文段——${probeZh(p)}。${p.peer}必须以带有窗口的 ACK 回应；窗口仍为零时，下一次探测在 ${str(p['next_interval_ms'])} 毫秒后进行，只要${p.peer}回应，连接就一直保持（RFC 9293 §3.8.6.1）。`,
};

const CATALOGUE: Record<Language, { events: Record<EventCode, Template>; side: Record<Side, string> }> = {
  en: { events: EN, side: { client: 'client', server: 'server' } },
  'zh-CN': { events: ZH, side: ZH_SIDE },
};

/**
 * The language for an Accept-Language header (RFC 9110 §12.5.4): the
 * highest-q range we have — zh, zh-CN, zh-Hans… → zh-CN; en… → en — and
 * English when none matches.
 */
export function pickLanguage(header: string | null | undefined): Language {
  const ranges = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [range = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/i.exec(p)).find(Boolean);
      return { range: range.trim().toLowerCase(), q: q ? Number(q[1]) : 1, index };
    })
    .filter((r) => r.range !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { range } of ranges) {
    if (range === 'zh' || range.startsWith('zh-')) return 'zh-CN';
    if (range === 'en' || range.startsWith('en-')) return 'en';
  }
  return 'en';
}

function context(side: Side | null, from: string | null, to: string | null, lang: Language, params: EventParams): P {
  const names = CATALOGUE[lang].side;
  return {
    ...params,
    who: side ? names[side] : '',
    peer: side ? names[side === 'client' ? 'server' : 'client'] : '',
    from: from ?? '',
    to: to ?? '',
  };
}

/**
 * What Linux does where the linux profile knowingly does otherwise (an event's `linux_difference`), each citing its
 * entry in docs/linux-differences.md, which gives the cause.
 */
const LINUX_DIFFERENCES: Record<Language, Record<LinuxDifference, string>> = {
  en: {
    7: 'Linux differs here: it keeps octets past the right edge of its window while its receive memory has room for them (docs/linux-differences.md, entry 7).',
    9: 'Linux may advertise another window here: it computes the window from its free receive memory, in steps (tcp_select_window; docs/linux-differences.md, entry 9).',
    16: 'Linux also reports the duplicate with a D-SACK block on this ACK (RFC 2883), which tcplab does not model (docs/linux-differences.md, entry 16).',
    20: 'Linux sends at most its congestion window at first, 10 segments (RFC 6928), and more only as ACKs come back; tcplab has no congestion control (docs/linux-differences.md, entry 20).',
  },
  'zh-CN': {
    7: 'Linux 在此不同：只要接收内存还有空间，它会保留超出窗口右边界的字节（见 docs/linux-differences.md 第 7 条）。',
    9: 'Linux 在此通告的窗口可能不同：它根据空闲的接收内存按步长计算窗口（tcp_select_window；见 docs/linux-differences.md 第 9 条）。',
    16: 'Linux 还会在这个 ACK 中用 D-SACK 块（RFC 2883）报告重复的报文段，tcplab 没有模拟这一点（见 docs/linux-differences.md 第 16 条）。',
    20: 'Linux 起初最多只发送拥塞窗口允许的量，即 10 个报文段（RFC 6928），其余的要等 ACK 返回后才发送；tcplab 没有模拟拥塞控制（见 docs/linux-differences.md 第 20 条）。',
  },
};

/** The explanation of one event, in the given language. */
export function renderEvent(event: TcpEvent, lang: Language = 'en'): string {
  const text = CATALOGUE[lang].events[event.code](context(event.endpoint, event.from_state, event.to_state, lang, event.params));
  const difference = event.params['linux_difference'] as LinuxDifference | undefined;
  if (difference === undefined) return text;
  return `${text}${lang === 'en' ? ' ' : ''}${LINUX_DIFFERENCES[lang][difference]}`;
}

/** "the server must send SYN,ACK seq=… ack=…" for a manual-mode owed answer. */
export function renderOwed(side: Side, owed: OwedSegment, lang: Language = 'en'): string {
  const who = CATALOGUE[lang].side[side];
  const cite = seg(context(side, null, null, lang, {
    flags: flagsLabel(owed.flags),
    seq: owed.seq,
    ack: owed.ack,
    length: owed.length,
    with_ack: (owed.flags & 0x10) !== 0,
  }));
  return lang === 'en' ? `The ${who} must send ${cite} next.` : `${who}接下来必须发送 ${cite}。`;
}

type VP = EventParams & { expected: string; actual: string; field: string };
type ViolationTemplate = (p: VP) => string;

const VIOLATIONS_EN: Record<ViolationCode, ViolationTemplate> = {
  FLAGS_NOT_POSSIBLE_IN_STATE: (p) => `In ${str(p['state'])} a conforming TCP cannot send ${p.actual} now; it could send: ${str(p['allowed']) || 'nothing'}.`,
  FLAGS_OWED_ANSWER_FIRST: (p) => `The ${str(p['side'])} must first send the ${str(p['owed'])} its TCP owes; ${p.actual} cannot come before it.`,
  FLAGS_ACK_REQUIRED: (p) => `Once a connection is synchronized, every segment carries ACK (RFC 9293 §3.10.7.4); ${p.actual} lacks it. Possible now: ${str(p['allowed']) || 'nothing'}.`,
  FLAGS_ACK_NOT_ALLOWED_ON_FIRST_SYN: () => `The first SYN cannot carry ACK: nothing has been received yet that it could acknowledge.`,
  FLAGS_DATA_QUEUED_FIRST: (p) => `Data from an earlier SEND is still queued; it must go out before ${p.actual}.`,
  FLAGS_RETRANSMISSION_NOT_DUE: (p) =>
    `${p.actual} was sent already and is not yet acknowledged; a TCP sends it again only when its retransmission timer expires (RFC 6298 §5.4) — advance the clock to see that happen.`,
  SEQ_MUST_BE_ISS: (p) =>
    `seq must be ${p.expected}, the ${str(p['side'])}'s ISN${p['configured'] ? ' set for this session' : ' for this connection'}: a SYN carries the initial sequence number.`,
  SEQ_MUST_BE_SND_NXT: (p) => `seq must be ${p.expected} = SND.NXT, the next sequence number the ${str(p['side'])} has not used yet.`,
  SEQ_MUST_MATCH_RETRANSMITTED: (p) => `A retransmission repeats the original segment: seq must be ${p.expected}.`,
  SEQ_MUST_BE_SEG_ACK: (p) => `This reset answers a segment that carried ACK, so its seq is taken from that ack: ${p.expected} (RFC 9293 §3.10.7).`,
  SEQ_MUST_BE_ZERO: () => `This reset answers a segment without ACK, so its seq is 0 and its ack acknowledges the segment (RFC 9293 §3.10.7.1).`,
  SEQ_MUST_BE_SND_UNA_MINUS_ONE: (p) =>
    `A zero-window probe without data repeats an old sequence number, which the receiver must answer with an ACK carrying its window: seq must be ${p.expected} = SND.UNA − 1 (RFC 9293 §3.8.6.1; Linux tcp_xmit_probe_skb).`,
  ACK_MUST_BE_IRS_PLUS_ONE: (p) =>
    `ack must be ${p.expected} = the ${str(p['side']) === 'server' ? 'client' : 'server'}'s ISN ${str(p['irs'])} + 1, because a SYN consumes one sequence number.`,
  ACK_MUST_BE_RCV_NXT: (p) => `ack must be ${p.expected} = RCV.NXT, the next sequence number the ${str(p['side'])} expects (everything before it has arrived; SYN and FIN count one each).`,
  ACK_MUST_ACK_OFFENDING_SEGMENT: (p) => `ack must be ${p.expected} = SEG.SEQ + SEG.LEN of the segment being refused.`,
  LENGTH_NOT_ALLOWED: (p) => `${str(p['flags'])} in ${str(p['state'])} carries length ${p.expected}, not ${p.actual}.`,
  LENGTH_EXCEEDS_MSS: (p) => `At most ${p.expected} octets fit in one segment (the peer's MSS less the options).`,
  LENGTH_EXCEEDS_WINDOW: (p) => `The peer's window allows only ${p.expected} more octet(s) now (SND.UNA ${str(p['snd_una'])} + SND.WND ${str(p['snd_wnd'])} − SND.NXT ${str(p['snd_nxt'])}).`,
  LENGTH_MUST_MATCH_RETRANSMITTED: (p) => `A retransmission repeats the original segment: length must be ${p.expected}.`,
  URGENT_POINTER_INVALID: (p) =>
    `The urgent pointer is the offset from this segment's seq to the octet after the urgent data, which may lie in a later segment (RFC 9293 §3.8.5): it must be at least ${p.expected}${Number(p['least']) > 1 ? `, as urgent data up to SND.UP = ${str(p['snd_up'])} was announced already` : ''}.`,
  WINDOW_EXCEEDS_BUFFER: (p) =>
    `The window field offers buffer space the sender does not have: at most ${p.expected} now (RCV.WND ${str(p['rcv_wnd'])} octets${Number(p['wscale']) > 0 ? `, shifted right by the window scale ${str(p['wscale'])}` : ''}); the peer could send data that would then be dropped (RFC 9293 §3.8.6).`,
  OPTIONS_ONLY_ON_SYN: () => `MSS, window scale and SACK-permitted may only appear in a SYN (RFC 9293 §3.7.1, RFC 7323 §2.2, RFC 2018 §2).`,
};

const VIOLATIONS_ZH: Record<ViolationCode, ViolationTemplate> = {
  FLAGS_NOT_POSSIBLE_IN_STATE: (p) => `在 ${str(p['state'])} 状态，符合规范的 TCP 此时不能发送 ${p.actual}；可以发送的是：${str(p['allowed']) || '无'}。`,
  FLAGS_OWED_ANSWER_FIRST: (p) => `必须先发送 TCP 应答的 ${str(p['owed'])}；${p.actual} 不能在它之前发送。`,
  FLAGS_ACK_REQUIRED: (p) => `连接同步之后，每个报文段都必须带 ACK（RFC 9293 §3.10.7.4）；${p.actual} 缺少 ACK。此时可以发送：${str(p['allowed']) || '无'}。`,
  FLAGS_ACK_NOT_ALLOWED_ON_FIRST_SYN: () => `第一次握手的 SYN 不能带 ACK：此时还没有收到任何可以确认的内容。`,
  FLAGS_DATA_QUEUED_FIRST: (p) => `之前 SEND 的数据仍在排队，必须先于 ${p.actual} 发送。`,
  FLAGS_RETRANSMISSION_NOT_DUE: (p) => `${p.actual} 已经发送过且尚未得到确认；只有当重传计时器超时后 TCP 才会重传（RFC 6298 §5.4）——推进时钟即可看到重传。`,
  SEQ_MUST_BE_ISS: (p) => `序列号必须是 ${p.expected}，即${str(p['side']) === 'server' ? '服务器' : '客户端'}的初始序列号：SYN 携带的是初始序列号。`,
  SEQ_MUST_BE_SND_NXT: (p) => `序列号必须是 ${p.expected} = SND.NXT，即${str(p['side']) === 'server' ? '服务器' : '客户端'}下一个尚未使用的序列号。`,
  SEQ_MUST_MATCH_RETRANSMITTED: (p) => `重传的报文段与原报文段相同：序列号必须是 ${p.expected}。`,
  SEQ_MUST_BE_SEG_ACK: (p) => `这个复位报文段回应的是带 ACK 的报文段，因此序列号取自其确认号：${p.expected}（RFC 9293 §3.10.7）。`,
  SEQ_MUST_BE_ZERO: () => `这个复位报文段回应的是不带 ACK 的报文段，因此序列号为 0，确认号确认该报文段（RFC 9293 §3.10.7.1）。`,
  SEQ_MUST_BE_SND_UNA_MINUS_ONE: (p) =>
    `不带数据的零窗口探测报文段使用一个旧序列号，接收方必须以带有窗口的 ACK 回应：序列号必须是 ${p.expected} = SND.UNA − 1（RFC 9293 §3.8.6.1；Linux tcp_xmit_probe_skb）。`,
  ACK_MUST_BE_IRS_PLUS_ONE: (p) =>
    `确认号必须是 ${p.expected} = ${str(p['side']) === 'server' ? '客户端' : '服务器'}的初始序列号 ${str(p['irs'])} + 1，因为 SYN 消耗一个序列号。`,
  ACK_MUST_BE_RCV_NXT: (p) => `确认号必须是 ${p.expected} = RCV.NXT，即期望收到的下一个序列号（之前的数据都已到达；SYN 和 FIN 各占一个序列号）。`,
  ACK_MUST_ACK_OFFENDING_SEGMENT: (p) => `确认号必须是 ${p.expected} = 被拒绝报文段的 SEG.SEQ + SEG.LEN。`,
  LENGTH_NOT_ALLOWED: (p) => `${str(p['state'])} 状态下的 ${str(p['flags'])} 的数据长度应为 ${p.expected}，而不是 ${p.actual}。`,
  LENGTH_EXCEEDS_MSS: (p) => `一个报文段最多容纳 ${p.expected} 个字节（对端的 MSS 减去选项长度）。`,
  LENGTH_EXCEEDS_WINDOW: (p) => `对端的窗口此时只允许再发送 ${p.expected} 个字节（SND.UNA ${str(p['snd_una'])} + SND.WND ${str(p['snd_wnd'])} − SND.NXT ${str(p['snd_nxt'])}）。`,
  LENGTH_MUST_MATCH_RETRANSMITTED: (p) => `重传的报文段与原报文段相同：长度必须是 ${p.expected}。`,
  URGENT_POINTER_INVALID: (p) =>
    `紧急指针是从本报文段的序列号到紧急数据之后那个字节的偏移量，紧急数据可以延续到后面的报文段（RFC 9293 §3.8.5）：它至少应为 ${p.expected}${Number(p['least']) > 1 ? `，因为紧急数据已经宣告到 SND.UP = ${str(p['snd_up'])}` : ''}。`,
  WINDOW_EXCEEDS_BUFFER: (p) =>
    `窗口字段提供了发送方并没有的缓存空间：此时最多为 ${p.expected}（RCV.WND ${str(p['rcv_wnd'])} 字节${Number(p['wscale']) > 0 ? `，右移窗口扩大因子 ${str(p['wscale'])} 位` : ''}）；否则对端可能发送随后只能被丢弃的数据（RFC 9293 §3.8.6）。`,
  OPTIONS_ONLY_ON_SYN: () => `MSS、窗口扩大因子和 SACK 允许选项只能出现在 SYN 报文段中（RFC 9293 §3.7.1，RFC 7323 §2.2，RFC 2018 §2）。`,
};

const VIOLATION_CATALOGUE: Record<Language, Record<ViolationCode, ViolationTemplate>> = { en: VIOLATIONS_EN, 'zh-CN': VIOLATIONS_ZH };

/** Why one field of a manual segment is wrong, in the given language. */
export function renderViolation(violation: Violation, lang: Language = 'en'): string {
  return VIOLATION_CATALOGUE[lang][violation.code]({
    ...violation.params,
    field: violation.field,
    expected: str(violation.expected),
    actual: str(violation.actual),
  });
}
