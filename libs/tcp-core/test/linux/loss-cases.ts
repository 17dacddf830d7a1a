/**
 * Scripted cases in which the network loses one of the kernel's own segments before the peer sees it
 * (`dropKernelNext`: an nftables rule in the namespace, see kernel-side.py's op_lose), so that Linux's
 * retransmissions after a loss can be compared: a lost SYN, SYN,ACK, data segment, FIN and ACK. tcplab's network
 * loses the matching segment of its own (compare.ts). Same shape as cases.ts; scripted.linux.spec.ts runs both.
 */
import type { Case } from './cases';
import type { Step } from './script';

/** LISTEN, the peer's SYN, the kernel's SYN,ACK, the peer's ACK: the kernel is an ESTABLISHED server. */
const accepted: Step[] = [{ call: 'listen' }, { peer: { flags: 'S', seq: 0 } }, { peer: { flags: '.', seq: 1, ack: 1 } }];
/** connect(), the peer's SYN,ACK, the kernel's ACK: the kernel is an ESTABLISHED client. */
const connected: Step[] = [{ call: 'connect' }, { peer: { flags: 'S.', seq: 0, ack: 1 } }];

export const LOSS_CASES: Case[] = [
  {
    name: 'a lost SYN,ACK is retransmitted after 1 s',
    // 400 ms (RTT_MS) + 1000 ms: the retransmission at 1 s falls inside, the next one (at 3 s) far outside.
    script: {
      linux: 'server',
      steps: [{ call: 'listen' }, { dropKernelNext: 'syn' }, { peer: { flags: 'S', seq: 0 } }, { wait: 1000 }, { peer: { flags: '.', seq: 1, ack: 1 } }],
    },
  },
  {
    name: 'a lost SYN is retransmitted after 1 s',
    script: { linux: 'client', steps: [{ dropKernelNext: 'syn' }, { call: 'connect' }, { wait: 1000 }, { peer: { flags: 'S.', seq: 0, ack: 1 } }] },
  },
  {
    name: 'a lost data segment is retransmitted after the retransmission timeout',
    // With an RTT of 10 ms (rttMs) Linux's RTO is its minimum, 200 ms (TCP_RTO_MIN, RFC 6298 §2.4 allows it), and
    // the retransmission (or its tail loss probe, RFC 8985) comes inside the 300-ms wait; tcplab's RTO is a fixed 1 s.
    differs: 'Linux retransmits the lost segment ≈230 ms after sending it (RTO from the measured RTT, at least 200 ms); tcplab only after its fixed 1 s, after the peer has acknowledged',
    wireDiffers: 'the retransmission is missing (see the segments)',
    script: {
      linux: 'server',
      rttMs: 10,
      steps: [...accepted, { dropKernelNext: 'data' }, { call: 'send', length: 100 }, { wait: 300 }, { peer: { flags: '.', seq: 1, ack: 101 } }],
    },
  },
  {
    name: 'a lost FIN is retransmitted after the retransmission timeout (FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT)',
    // As above: RTT 10 ms, Linux's RTO at its 200-ms minimum.
    differs: 'Linux retransmits the lost FIN ≈230 ms after sending it; tcplab only after its fixed 1 s, after the peer has acknowledged',
    wireDiffers: 'the retransmission is missing (see the segments)',
    script: {
      linux: 'client',
      rttMs: 10,
      steps: [...connected, { dropKernelNext: 'fin' }, { call: 'close' }, { wait: 300 }, { peer: { flags: '.', seq: 1, ack: 2 } }, { peer: { flags: 'F.', seq: 1, ack: 2 } }],
    },
  },
  {
    name: 'a lost ACK: the peer retransmits its data, and the kernel acknowledges it again',
    // The duplicate is an old one for both (RFC 9293 §3.10.7.4: an ACK, the data dropped); see the old-duplicate case in cases.ts.
    wireDiffers: 'Linux echoes the duplicate\'s TSval and reports it as a D-SACK block (RFC 2883); tcplab echoes the older TS.Recent and sends no SACK',
    script: {
      linux: 'server',
      steps: [...accepted, { dropKernelNext: 'any' }, { peer: { flags: 'P.', seq: 1, ack: 1, len: 100 } }, { wait: 100 }, { peer: { flags: 'P.', seq: 1, ack: 1, len: 100 } }, { call: 'recv' }],
    },
  },
];
