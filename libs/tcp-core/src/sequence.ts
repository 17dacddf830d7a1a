/**
 * Sequence number arithmetic (RFC 9293 §3.4): sequence numbers live in a
 * 32-bit space and every comparison is made modulo 2^32, so that
 * 4294967295 + 1 = 0 and 4294967295 < 0 when the two are close together.
 * Every seq/ack the simulator computes goes through these functions.
 */

export const SEQ_MODULUS = 0x1_0000_0000;
export const MAX_SEQ = 0xffff_ffff;

/** a + n (mod 2^32), for integers. `n` may be negative: `>>> 0` reduces any integer modulo 2^32. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/**
 * The signed distance from `b` to `a`, in (-2^31, 2^31]. Two numbers exactly
 * 2^31 apart are each "after" the other, so no acceptability test (which
 * needs a "<" or "≤") ever passes across half the sequence space.
 */
export function seqDiff(a: number, b: number): number {
  const d = (a - b) | 0;
  return d === -0x8000_0000 ? 0x8000_0000 : d;
}

/** a < b in sequence space (RFC 9293 §3.4: "<" means "less than", modulo 2^32). */
export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

export function seqLe(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

export function seqGe(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}

/** lo <= x < hi, all modulo 2^32 (the window test of RFC 9293 §3.10.7.4). */
export function seqInWindow(x: number, lo: number, hi: number): boolean {
  return seqLe(lo, x) && seqLt(x, hi);
}

/** Is `n` a valid 32-bit sequence or acknowledgment number? */
export function isSeq(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_SEQ;
}
