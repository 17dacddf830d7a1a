/**
 * The linux profile's tail loss probe (RFC 8985 §7; Linux tcp_schedule_loss_probe, tcp_send_loss_probe, on by
 * default with net.ipv4.tcp_early_retrans = 3). RFC 9293 and RFC 6298 know only the retransmission timeout;
 * Linux first sends a probe after the probe timeout PTO — 2·SRTT, plus TCP_RTO_MIN (200 ms) when a single segment
 * is in flight, for the peer's delayed ACK — or at the RTO if that comes sooner. The probe is new data that waits
 * when the window takes it (timers.ts), else the last segment sent again; it does not back the RTO off, and the RTO
 * timer then runs again from the probe; only one probe is outstanding until an ACK covers what was in flight when
 * it went out (tlp_high_seq). With an RTT of 10 ms this
 * gives retransmissions at 210, 420 and 840 ms where the RTO alone gives 210, 630 and 1,470 ms; Linux's were
 * seen at about 230, 460 and 930 ms (docs/linux-differences.md, entry 1).
 */
import type { ConnectionConfig } from './connection';
import { SYN } from './segment';
import type { Tcb } from './tcb';

/** TCP_TIMEOUT_MIN: two jiffies, added to 2·SRTT when more than one segment is in flight. */
const TIMEOUT_MIN_MS = 2;

/**
 * When the probe is due, in ms from now, or null when no probe applies: another profile, no SACK (tcp_is_sack),
 * no RTT sample yet, a probe outstanding, a SYN in flight, or loss recovery after a timeout (CA state not Open).
 */
export function lossProbeTimeout(config: ConnectionConfig, tcb: Tcb): number | null {
  if (config.profile !== 'linux' || !tcb.sack_permitted || tcb.srtt_ms === null || tcb.tlp_high_seq !== null || tcb.retries > 0) return null;
  const head = tcb.retransmission_queue[0];
  if (!head || head.flags & SYN) return null;
  const pto = 2 * tcb.srtt_ms + (tcb.retransmission_queue.length === 1 ? config.min_rto_ms : TIMEOUT_MIN_MS);
  return Math.min(Math.ceil(pto), tcb.rto_ms);
}
