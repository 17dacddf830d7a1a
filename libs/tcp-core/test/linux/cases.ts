/**
 * The scripted cases, each a packetdrill-style script (script.ts) with the role the kernel plays. Sequence
 * numbers are relative: the peer's from its ISN, acknowledgments of the kernel's data from the kernel's ISN.
 * A case that tcplab does not predict today names the cause in `differs` — the spec turns it into a
 * test.failing, and docs/linux-differences.md lists it.
 */
import type { Script, Step } from './script';

export interface Case {
  name: string;
  script: Script;
  /** Why tcplab's segments, reads or states differ from the kernel's today; absent when they agree. */
  differs?: string;
  /** Why tcplab's window fields or options differ; absent when they agree. */
  wireDiffers?: string;
}

/** LISTEN, the peer's SYN, the kernel's SYN,ACK, the peer's ACK: the kernel is an ESTABLISHED server. */
const accepted: Step[] = [{ call: 'listen' }, { peer: { flags: 'S', seq: 0 } }, { peer: { flags: '.', seq: 1, ack: 1 } }];
/** connect(), the peer's SYN,ACK, the kernel's ACK: the kernel is an ESTABLISHED client. */
const connected: Step[] = [{ call: 'connect' }, { peer: { flags: 'S.', seq: 0, ack: 1 } }];

export const CASES: Case[] = [
  {
    name: 'seed, Linux as server: passive open, data both ways, the peer closes first (LAST_ACK → CLOSED)',
    script: {
      linux: 'server',
      steps: [
        ...accepted,
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 100 } },
        { call: 'recv' },
        { call: 'send', length: 200 },
        { peer: { flags: '.', seq: 101, ack: 201 } },
        { peer: { flags: 'F.', seq: 101, ack: 201 } },
        { call: 'recv' },
        { call: 'close' },
        { peer: { flags: '.', seq: 102, ack: 202 } },
      ],
    },
  },
  {
    name: 'seed, Linux as client: active open, data both ways, Linux closes first (FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT)',
    script: {
      linux: 'client',
      steps: [
        ...connected,
        { call: 'send', length: 100 },
        { peer: { flags: 'P.', seq: 1, ack: 101, len: 200 } },
        { call: 'recv' },
        { call: 'close' },
        { peer: { flags: '.', seq: 201, ack: 102 } },
        { peer: { flags: 'F.', seq: 201, ack: 102 } },
      ],
    },
  },
  {
    name: 'simultaneous open: the peer answers the SYN with a SYN, then SYN,ACK (SYN_SENT → SYN_RECEIVED → ESTABLISHED)',
    // The ACK of the SYN,ACK echoes the SYN,ACK's TSval in both (RFC 7323 §4.3: the segment is taken in).
    wireDiffers: 'Linux reports the repeated SYN as a D-SACK block (RFC 2883)',
    script: {
      linux: 'client',
      steps: [{ call: 'connect' }, { peer: { flags: 'S', seq: 0 } }, { peer: { flags: 'S.', seq: 0, ack: 1 } }],
    },
  },
  {
    name: 'simultaneous close: FINs cross (FIN_WAIT_1 → CLOSING → TIME_WAIT)',
    script: {
      linux: 'server',
      steps: [...accepted, { call: 'shutdown' }, { peer: { flags: 'F.', seq: 1, ack: 1 } }, { peer: { flags: '.', seq: 2, ack: 2 } }],
    },
  },
  {
    name: 'the SYN,ACK is retransmitted after 1 s when the peer does not ACK it',
    // 400 ms (RTT_MS) + 1200 ms: the retransmission at 1 s falls inside, the next one (at 3 s) far outside, even on a loaded machine.
    script: { linux: 'server', steps: [{ call: 'listen' }, { peer: { flags: 'S', seq: 0 } }, { wait: 1200 }, { peer: { flags: '.', seq: 1, ack: 1 } }] },
  },
  {
    name: 'the SYN is retransmitted after 1 s when the peer does not answer',
    script: { linux: 'client', steps: [{ call: 'connect' }, { wait: 1200 }, { peer: { flags: 'S.', seq: 0, ack: 1 } }] },
  },
  {
    name: 'data is retransmitted when the peer does not acknowledge it',
    // SRTT ≈ 10 ms here (rttMs), so the linux profile's RTO is 10 + max(200, 4·5) = 210 ms (rtt.ts): three retransmissions
    // within the 1.5 s wait, as Linux sends. The times differ (docs/linux-differences.md: Linux's first is a tail loss probe).
    script: { linux: 'server', rttMs: 10, steps: [...accepted, { call: 'send', length: 100 }, { wait: 1500 }, { peer: { flags: '.', seq: 1, ack: 101 } }] },
  },
  {
    // RFC 8985 §7.3 (tcp_send_loss_probe): the second write waits for the first one's ACK (Nagle's algorithm); when
    // no ACK comes, the tail loss probe (≈ 2·SRTT + 200 ms: one segment in flight) sends that new data instead of the
    // first segment again, and the RTO then retransmits the first. The 300 ms wait covers the probe, not the RTO.
    name: 'a tail loss probe sends the data Nagle held back, not the last segment again',
    script: { linux: 'server', rttMs: 10, steps: [...accepted, { call: 'send', length: 100 }, { call: 'send', length: 10 }, { wait: 300 }, { peer: { flags: '.', seq: 1, ack: 111 } }] },
  },
  {
    name: 'RST,ACK in SYN_SENT (connection refused) → CLOSED',
    script: { linux: 'client', steps: [{ call: 'connect' }, { peer: { flags: 'R.', seq: 0, ack: 1 } }] },
  },
  {
    name: 'RST in SYN_RECEIVED → back to LISTEN',
    script: { linux: 'server', steps: [{ call: 'listen' }, { peer: { flags: 'S', seq: 0 } }, { peer: { flags: 'R', seq: 1 } }] },
  },
  {
    // RFC 9293 §3.10.7.4 returns to LISTEN silently; Linux (tcp_check_req) answers the SYN with RST,ACK first.
    name: 'a second SYN in SYN_RECEIVED → RST,ACK and back to LISTEN',
    script: { linux: 'server', steps: [{ call: 'listen' }, { peer: { flags: 'S', seq: 0 } }, { peer: { flags: 'S', seq: 1 } }] },
  },
  {
    // The FIN takes a sequence number, so it waits for the window as data does (RFC 9293 §3.10.7.4 would drop it).
    name: 'shutdown() into a zero window: the FIN waits until the window opens',
    script: {
      linux: 'server',
      steps: [...accepted, { peer: { flags: '.', seq: 1, ack: 1, win: 0 } }, { call: 'shutdown' }, { wait: 500 }, { peer: { flags: '.', seq: 1, ack: 1, win: 502 } }],
    },
  },
  {
    name: 'RST at RCV.NXT in ESTABLISHED → CLOSED',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: 'R', seq: 1 } }] },
  },
  {
    name: 'RST inside the window but not at RCV.NXT in ESTABLISHED → challenge ACK (RFC 5961 §3.2)',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: 'R', seq: 1001 } }] },
  },
  {
    name: 'RST outside the window in ESTABLISHED → dropped silently',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: 'R', seq: 1_000_000 } }] },
  },
  {
    name: 'RST at RCV.NXT in CLOSE_WAIT → CLOSED',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: 'F.', seq: 1, ack: 1 } }, { peer: { flags: 'R', seq: 2 } }] },
  },
  {
    name: 'RST at RCV.NXT in FIN_WAIT_2 → CLOSED',
    script: { linux: 'client', steps: [...connected, { call: 'close' }, { peer: { flags: '.', seq: 1, ack: 2 } }, { peer: { flags: 'R', seq: 1 } }] },
  },
  {
    name: 'abort (SO_LINGER 0) in ESTABLISHED sends RST,ACK → CLOSED',
    script: { linux: 'client', steps: [...connected, { call: 'send', length: 10 }, { peer: { flags: '.', seq: 1, ack: 11 } }, { call: 'abort' }] },
  },
  {
    name: 'SYN in ESTABLISHED → challenge ACK (RFC 5961 §4)',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: 'S', seq: 500 } }] },
  },
  {
    name: 'an old duplicate (data below RCV.NXT) is acknowledged and dropped',
    // Linux's acceptability test (tcp_sequence) asks SEG.SEQ+SEG.LEN ≥ RCV.WUP, so a duplicate ending at RCV.NXT passes and its
    // TSval is kept; the linux profile takes it too (paws.ts takeDuplicateTsLinux), rfc9293 keeps the older one (RFC 9293 table).
    wireDiffers: 'Linux reports the duplicate as a D-SACK block (RFC 2883); tcplab sends no SACK',
    script: {
      linux: 'server',
      steps: [...accepted, { peer: { flags: 'P.', seq: 1, ack: 1, len: 100 } }, { peer: { flags: 'P.', seq: 1, ack: 1, len: 100 } }, { call: 'recv' }],
    },
  },
  // PAWS (RFC 7323 §5.3). The peer's TSvals count up from 1000 (its SYN): after `accepted`, TS.Recent is 1001.
  {
    name: 'PAWS: an old duplicate with an older TSval is dropped by PAWS and answered with an ACK, whatever its sequence number',
    script: {
      linux: 'server',
      steps: [
        ...accepted,
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 100 } },
        { call: 'recv' },
        // New data by its sequence number, but sent before the segment TS.Recent came from: not taken.
        { peer: { flags: 'P.', seq: 101, ack: 1, len: 100, tsval: 900 } },
        { call: 'recv' },
        { peer: { flags: 'P.', seq: 101, ack: 1, len: 100 } },
        { call: 'recv' },
      ],
    },
  },
  {
    name: 'PAWS: a RST is not subject to PAWS: a RST with an older TSval at RCV.NXT closes the connection',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: 'R', seq: 1, tsval: 900 } }] },
  },
  {
    // Linux's TIME_WAIT judges an RST by its timestamp too (tcp_paws_reject) until TS.Recent is a minute old.
    name: 'PAWS in TIME_WAIT: a RST with an older TSval is dropped and TIME_WAIT goes on (Linux tcp_paws_reject)',
    script: {
      linux: 'client',
      steps: [...connected, { call: 'close' }, { peer: { flags: '.', seq: 1, ack: 2 } }, { peer: { flags: 'F.', seq: 1, ack: 2 } }, { peer: { flags: 'R', seq: 2, tsval: 900 } }],
    },
  },
  {
    // RFC 7323 §5.3 would answer it with an ACK; Linux: "Old ACK are common, ... do not send a dupack".
    name: 'PAWS: an old bare ACK below RCV.NXT with an older TSval is dropped without an answer (Linux tcp_disordered_ack_check)',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: 'P.', seq: 1, ack: 1, len: 100 } }, { peer: { flags: '.', seq: 1, ack: 1, tsval: 900 } }] },
  },
  {
    // A duplicate ACK at RCV.NXT that changes nothing, only a few ms late (within 1.2 RTO): not an old duplicate to Linux.
    name: 'PAWS: a duplicate ACK a few ms older than TS.Recent passes as merely reordered (Linux tcp_disordered_ack_check)',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: '.', seq: 1, ack: 1, tsval: 995 } }] },
  },
  {
    // TCP_PAWS_WINDOW; TS.Recent keeps the newer TSval (tcp_replace_ts_recent asks tcp_paws_check with no window).
    name: 'PAWS: data with a TSval one tick older than TS.Recent is taken, and TSecr still echoes the newer one (Linux TCP_PAWS_WINDOW)',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: 'P.', seq: 1, ack: 1, len: 100, tsval: 1000 } }, { call: 'recv' }] },
  },
  {
    name: 'zero window, Linux receiving: SO_RCVBUF 2048, one segment fills the window, a 1-octet probe is refused, recv reopens it',
    // The probe is not acceptable (text into a zero window), so its TSval does not become TS.Recent (RFC 7323 §5.3; paws.ts).
    script: {
      linux: 'server',
      options: { rcvbuf: 2048 },
      steps: [
        ...accepted,
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 1448 } },
        { peer: { flags: 'P.', seq: 1449, ack: 1, len: 1 } },
        { call: 'recv' },
        { peer: { flags: 'P.', seq: 1449, ack: 1, len: 1000 } },
      ],
    },
  },
  {
    name: 'small receive buffer, Linux receiving: SO_RCVBUF 4096, 1000-octet segments run past the window',
    // tcplab trims a segment to the window (RFC 9293 §3.10.7.4); Linux checks only that it starts inside it and keeps it all while its receive memory allows.
    differs: 'Linux accepts all of a segment that starts in the window and runs 104 octets past it (ack 3001, tcplab 2897), and delays its ACK of the third segment',
    // Linux's window is its free receive memory rounded (tcp_select_window), and it never moves the right edge back.
    wireDiffers: 'Linux advertises 2000 and 1000 where tcplab advertises buffer − unread (1896, 896), and 2000 after the read, not the whole buffer',
    script: {
      linux: 'server',
      options: { rcvbuf: 4096 },
      steps: [
        ...accepted,
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 1000 } },
        { peer: { flags: 'P.', seq: 1001, ack: 1, len: 1000 } },
        { peer: { flags: 'P.', seq: 2001, ack: 1, len: 1000 } },
        { peer: { flags: 'P.', seq: 3001, ack: 1, len: 1000 } },
        { call: 'recv' },
      ],
    },
  },
  {
    name: 'zero window, Linux sending: the peer offers window 0, Linux probes it',
    // The persist timer (RFC 9293 §3.8.6.1) probes after one RTO, here the linux profile's 210 ms, then doubles: probes
    // at 210 and 630 ms (Linux: ≈ 230 and 690). The wait ends at 1,200 ms, clear of the third probe, which the
    // doubling puts at 1,470 ms in tcplab and ≈ 1,610 in Linux (its timer granularity, docs/linux-differences.md
    // entry 1): ending the wait at 1,500 ms compared that granularity, not the probes.
    script: {
      linux: 'server',
      rttMs: 10,
      steps: [{ call: 'listen' }, { peer: { flags: 'S', seq: 0 } }, { peer: { flags: '.', seq: 1, ack: 1, win: 0 } }, { call: 'send', length: 100 }, { wait: 1200 }, { peer: { flags: '.', seq: 1, ack: 1, win: 502 } }, { peer: { flags: '.', seq: 1, ack: 101 } }],
    },
  },
  {
    name: 'urgent data over the MSS: send(3000, MSG_OOB)',
    // Defect 4 of issue 11: the urgent pointer must point past all the urgent data in every segment (RFC 9293 §3.8.5, MUST-31).
    script: { linux: 'server', steps: [...accepted, { call: 'send', length: 3000, oob: true }, { peer: { flags: '.', seq: 1, ack: 3001 } }] },
  },
  {
    // Linux's tcp_may_update_window takes the window of a segment with the same SEQ and ACK only if it grows (or is 0):
    // it ignores the shrink and sends 3000 octets into the old window, as the linux profile does (RFC 9293 §3.10.7.4
    // would take it: SND.WL1 = SEG.SEQ and SND.WL2 ≤ SEG.ACK).
    name: 'a window update that only shrinks the window (same SEQ and ACK as the last one)',
    script: {
      linux: 'server',
      steps: [...accepted, { peer: { flags: '.', seq: 1, ack: 1, win: 8 } }, { call: 'send', length: 3000 }, { peer: { flags: '.', seq: 1, ack: 3001 } }],
    },
  },
  // Defect 1 of issue 11. The peer offers a large window, then shrinks it to two segments with a segment whose
  // SEQ is newer (Linux takes a smaller window only then), so that Linux does not shrink its segments to half the
  // largest window; with no window scaling, windows are exact. The octet the peer sends is read before close(),
  // which would otherwise send RST (RFC 9293 §3.6; the last case below).
  // The window is closed (ACK with win 0) before close() and the FIN, so nothing is outstanding and no
  // retransmission or loss probe runs; the update comes well before Linux's first zero-window probe (≈1 RTO).
  {
    name: 'data and FIN queued at close() go out from CLOSING once the window opens',
    // Without window scaling Linux moves its window only in MSS steps (__tcp_select_window), so the right edge stays put.
    wireDiffers: 'Linux\'s window does not grow back by the octet read and shrinks by one for the FIN (65159, 65158); tcplab advertises buffer − unread (65160); and the FIN,PSH,ACK is missing',
    script: {
      linux: 'server',
      peerWscale: null,
      steps: [
        { call: 'listen' },
        { peer: { flags: 'S', seq: 0 } },
        { peer: { flags: '.', seq: 1, ack: 1, win: 64240 } },
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 1, win: 64240 } },
        { call: 'recv' },
        { peer: { flags: '.', seq: 2, ack: 1, win: 2896 } },
        { call: 'send', length: 3372 },
        { peer: { flags: '.', seq: 2, ack: 2897, win: 0 } },
        { call: 'close' },
        { peer: { flags: 'F.', seq: 2, ack: 2897, win: 0 } },
        { peer: { flags: '.', seq: 3, ack: 2897, win: 2896 } },
        { peer: { flags: '.', seq: 3, ack: 3374, win: 2896 } },
      ],
    },
  },
  {
    name: 'data and FIN queued at close() go out from LAST_ACK once the window opens',
    // Without window scaling Linux moves its window only in MSS steps (__tcp_select_window), so the right edge stays put.
    wireDiffers: 'Linux\'s window does not grow back by the octet read and shrinks by one for the FIN (65159, 65158); tcplab advertises buffer − unread (65160); and the FIN,PSH,ACK is missing',
    script: {
      linux: 'server',
      peerWscale: null,
      steps: [
        { call: 'listen' },
        { peer: { flags: 'S', seq: 0 } },
        { peer: { flags: '.', seq: 1, ack: 1, win: 64240 } },
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 1, win: 64240 } },
        { call: 'recv' },
        { peer: { flags: 'F.', seq: 2, ack: 1, win: 2896 } },
        { call: 'send', length: 3372 },
        { peer: { flags: '.', seq: 3, ack: 2897, win: 0 } },
        { call: 'close' },
        { peer: { flags: '.', seq: 3, ack: 2897, win: 2896 } },
        { peer: { flags: '.', seq: 3, ack: 3374, win: 2896 } },
      ],
    },
  },
  {
    name: 'a SYN with data just below RCV.NXT in ESTABLISHED → challenge ACK, the data is not taken',
    // Defect 7 of issue 11. The challenge ACK echoes the older TS.Recent: Linux takes a TSval only in tcp_ack, which a SYN
    // answered with a challenge ACK never reaches (the rfc9293 profile takes it, RFC 7323 §5.3 R3: the SYN is acceptable).
    script: {
      linux: 'server',
      steps: [...accepted, { peer: { flags: 'P.', seq: 1, ack: 1, len: 10 } }, { peer: { flags: 'SP.', seq: 10, ack: 1, len: 5 } }, { call: 'recv' }],
    },
  },
  {
    // Linux charges each segment's whole buffer (skb truesize) against SO_RCVBUF (doubled: 2048), not its payload.
    name: 'receive memory, Linux receiving: SO_RCVBUF 1024, a segment that partly fits the window is dropped whole',
    differs: 'Linux drops the third 500-octet segment whole (out of receive memory; ack stays 1001), tcplab takes the 152 octets that fit its window (ack 1153)',
    wireDiffers: 'Linux\'s window stays 152 after the drop and is 1072 after the read (free memory); tcplab\'s is 0, then the whole buffer, 1152',
    script: {
      linux: 'server',
      options: { rcvbuf: 1024 },
      steps: [
        ...accepted,
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 500 } },
        { peer: { flags: 'P.', seq: 501, ack: 1, len: 500 } },
        { peer: { flags: 'P.', seq: 1001, ack: 1, len: 500 } },
        { call: 'recv' },
      ],
    },
  },
  {
    // Linux's tcp_bound_to_half_wnd: when the peer's largest window so far is small, segments are at most half of it.
    name: 'a peer whose largest window is 1024 octets: Linux sends 512-octet segments',
    script: {
      linux: 'server',
      steps: [
        { call: 'listen' },
        { peer: { flags: 'S', seq: 0 } },
        { peer: { flags: '.', seq: 1, ack: 1, win: 8 } },
        { call: 'send', length: 1024 },
        { peer: { flags: '.', seq: 1, ack: 1025, win: 8 } },
      ],
    },
  },
  {
    // Sender-side silly window avoidance (RFC 9293 §3.8.6.2.1): Linux does not cut a queued buffer to fit a window it
    // cannot fill (tcp_snd_wnd_test). The largest window, 2,944, makes its buffers one MSS each (tcp_xmit_size_goal),
    // and the second gets PSH, more than half that window after the last PSH (forced_push).
    name: 'a window 48 octets short of the next segment: Linux waits for it to open',
    script: {
      linux: 'server',
      steps: [
        { call: 'listen' },
        { peer: { flags: 'S', seq: 0 } },
        { peer: { flags: '.', seq: 1, ack: 1, win: 23 } },
        { call: 'send', length: 3372 },
        { peer: { flags: '.', seq: 1, ack: 2897, win: 23 } },
        { peer: { flags: '.', seq: 1, ack: 3373, win: 23 } },
      ],
    },
  },
  {
    // The same as the client: its largest window is the SYN,ACK's 64,240, so its buffer takes the whole write; the
    // first transmission carries two MSS (tcp_tso_autosize at this RTT), and the 476 left do not fit the 48.
    name: 'a window 48 octets short of the next segment, Linux as client: it waits for the window to open',
    script: {
      linux: 'client',
      steps: [
        ...connected,
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 10, win: 23 } },
        { call: 'send', length: 3372 },
        { peer: { flags: '.', seq: 11, ack: 2897, win: 23 } },
        { peer: { flags: '.', seq: 11, ack: 3373, win: 23 } },
      ],
    },
  },
  {
    // The window (1,000) is too small for a segment and nothing is in flight: Linux's probe timer (one RTO, 3 × the
    // handshake's RTT: 1.2 s) sends what fits, with PSH (tcp_write_wakeup) — RFC 9293 §3.8.6.2.1's override timeout.
    // The 1.7-s wait ends after the probe even when a loaded machine stretches that RTT to 560 ms, and before the
    // probe's own loss probe (2 × RTT + 200 ms later). The window shrinks with a newer SEQ: Linux ignores a
    // shrinking update that repeats SEQ and ACK (tcp_may_update_window; the case above).
    name: 'a window too small for a segment with nothing in flight: the persist timer sends what fits',
    script: {
      linux: 'server',
      peerWscale: null,
      steps: [
        { call: 'listen' },
        { peer: { flags: 'S', seq: 0 } },
        { peer: { flags: '.', seq: 1, ack: 1, win: 64240 } },
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 10, win: 64240 } },
        { peer: { flags: '.', seq: 11, ack: 1, win: 1000 } },
        { call: 'send', length: 3000 },
        { wait: 1700 },
        { peer: { flags: '.', seq: 11, ack: 1001, win: 64240 } },
        { peer: { flags: '.', seq: 11, ack: 3001, win: 64240 } },
      ],
    },
  },
  {
    // Nagle's algorithm (RFC 9293 §3.7.4; Linux tcp_nagle_test): the second and third writes wait for the first one's
    // ACK and then go as one segment.
    name: 'Nagle: a second small send waits for the ACK of the first, and a third joins it',
    script: {
      linux: 'server',
      steps: [...accepted, { call: 'send', length: 100 }, { call: 'send', length: 100 }, { call: 'send', length: 50 }, { peer: { flags: '.', seq: 1, ack: 101 } }, { peer: { flags: '.', seq: 1, ack: 251 } }],
    },
  },
  {
    name: 'TCP_NODELAY: a second small send goes at once',
    script: {
      linux: 'server',
      options: { nodelay: true },
      steps: [...accepted, { call: 'send', length: 100 }, { call: 'send', length: 100 }, { peer: { flags: '.', seq: 1, ack: 201 } }],
    },
  },
  {
    // Minshall's variant (tcp_minshall_check): full-sized segments go while a small one is unacknowledged; only the
    // small tail waits, and for that small segment's ACK, not for all data in flight.
    name: 'Nagle with Minshall\'s variant: full segments go, the small tail waits for the earlier small segment\'s ACK',
    script: {
      linux: 'server',
      steps: [...accepted, { call: 'send', length: 1000 }, { call: 'send', length: 3000 }, { peer: { flags: '.', seq: 1, ack: 1001 } }, { peer: { flags: '.', seq: 1, ack: 4001 } }],
    },
  },
  {
    // tcp_nagle_test lets a segment with the FIN go: shutdown() adds the FIN to the held data (tcp_send_fin).
    name: 'Nagle: shutdown() sends the held small segment at once, with the FIN',
    script: {
      linux: 'client',
      steps: [...connected, { call: 'send', length: 100 }, { call: 'send', length: 10 }, { call: 'shutdown' }, { peer: { flags: '.', seq: 1, ack: 112 } }],
    },
  },
  {
    // RFC 9293 §3.6.1 (after RFC 1122 §4.2.2.13): a host whose half-duplex CLOSE loses unread data SHOULD send RST, as
    // Linux's close() does (tcp_close) and so the linux profile's close.
    name: 'close() with unread data sends RST,ACK',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: 'P.', seq: 1, ack: 1, len: 100 } }, { call: 'close' }] },
  },
  {
    // The same data, but shutdown(SHUT_WR): the RFC's CLOSE, a FIN; the data is read afterwards.
    name: 'shutdown() with unread data sends a FIN, and recv() reads the data afterwards',
    script: { linux: 'server', steps: [...accepted, { peer: { flags: 'P.', seq: 1, ack: 1, len: 100 } }, { call: 'shutdown' }, { call: 'recv' }] },
  },
  {
    // RFC 9293 §3.6.1: new data after a half-duplex CLOSE SHOULD be answered with RST (Linux tcp_rcv_state_process,
    // tcp_timewait_state_process: <SEQ=SEG.ACK><CTL=RST>).
    name: 'data after close() in FIN_WAIT_2 is answered with RST',
    script: { linux: 'client', steps: [...connected, { call: 'close' }, { peer: { flags: '.', seq: 1, ack: 2 } }, { peer: { flags: 'P.', seq: 1, ack: 2, len: 100 } }] },
  },
  {
    // After shutdown(SHUT_WR) the socket still reads: FIN_WAIT_2 takes the data and acknowledges it.
    name: 'data after shutdown() in FIN_WAIT_2 is taken and acknowledged',
    script: {
      linux: 'client',
      steps: [...connected, { call: 'shutdown' }, { peer: { flags: '.', seq: 1, ack: 2 } }, { peer: { flags: 'P.', seq: 1, ack: 2, len: 100 } }, { call: 'recv' }],
    },
  },
  {
    // Linux sets URG and the pointer on every segment while urgent data waits (__tcp_transmit_skb, tcp_urg_mode), its
    // ACK of the peer's data included, and marks the urgent data at send() (tcp_mark_urg), before the window lets it out.
    name: 'urgent data held by a zero window: the ACKs carry URG and the pointer',
    script: {
      linux: 'server',
      steps: [
        ...accepted,
        { peer: { flags: '.', seq: 1, ack: 1, win: 0 } },
        { call: 'send', length: 100, oob: true },
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 10, win: 0 } },
        { peer: { flags: '.', seq: 11, ack: 1, win: 502 } },
        { peer: { flags: '.', seq: 11, ack: 101, win: 502 } },
      ],
    },
  },
  {
    // RFC 9293 §3.10.3 refuses RECEIVE in CLOSING, LAST-ACK and TIME-WAIT, as if everything had been read by then;
    // Linux reads what is on hand (tcp_recvmsg), and so does the linux profile.
    name: 'recv() in LAST_ACK returns the data that came before the FIN',
    script: {
      linux: 'server',
      steps: [...accepted, { peer: { flags: 'P.', seq: 1, ack: 1, len: 100 } }, { peer: { flags: 'F.', seq: 101, ack: 1 } }, { call: 'shutdown' }, { call: 'recv' }, { peer: { flags: '.', seq: 102, ack: 2 } }],
    },
  },
  {
    // The linux profile's ACK policy (delack.ts): SO_RCVBUF 4096 gives a 2920-octet window, which holds one 1448-octet
    // segment twice over — one quick ACK (tcp_incr_quickack); then each small segment's ACK waits for the delayed-ACK
    // timer, whose ATO grows with every expiry and the gaps between segments, until it outlasts a step and the read
    // that empties the buffer sends it (tcp_cleanup_rbuf: a small segment was queued).
    name: 'delayed ACKs, Linux receiving: one quick ACK, then the delay grows until a read sends the ACK',
    wireDiffers: 'Linux advertises 2920 after the first segment, tcplab buffer − unread (1472, …)',
    script: {
      linux: 'client',
      options: { rcvbuf: 4096 },
      steps: [
        ...connected,
        { peer: { flags: 'P.', seq: 1, ack: 1, len: 1448 } },
        { peer: { flags: 'P.', seq: 1449, ack: 1, len: 100 } },
        { peer: { flags: 'P.', seq: 1549, ack: 1, len: 100 } },
        { peer: { flags: 'P.', seq: 1649, ack: 1, len: 100 } },
        { call: 'recv' },
      ],
    },
  },
  {
    // The linux profile follows Linux's rule after a read (tcp_cleanup_rbuf, delack.ts): announce the window only when
    // it at least doubles what the peer may still send — but from its own windows (buffer − unread, entry 9), and 472
    // octets left of 2920 doubles where Linux's 1920 does not.
    name: 'a read that empties a small buffer: tcplab announces the window, Linux does not',
    differs: 'after recv() tcplab sends a window update (ACK): its window had shrunk to 472, Linux\'s only to 1920, and only the first at least doubles to 2920',
    // Linux's window is its free receive memory, and it never moves the right edge back.
    wireDiffers: 'Linux advertises 2920 and 1920 after the two segments, tcplab 1472 and 472; and the update is extra',
    script: {
      linux: 'client',
      options: { rcvbuf: 4096 },
      steps: [...connected, { peer: { flags: 'P.', seq: 1, ack: 1, len: 1448 } }, { peer: { flags: 'P.', seq: 1449, ack: 1, len: 1000 } }, { call: 'recv' }],
    },
  },
];
