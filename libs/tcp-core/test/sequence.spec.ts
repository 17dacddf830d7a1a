import { MAX_SEQ, concatPayloads, decodeBase64, encodeBase64, isSeq, payloadLength, seqAdd, seqDiff, seqGe, seqGt, seqInWindow, seqLe, seqLt, slicePayload } from '../src';

describe('sequence arithmetic modulo 2^32 (RFC 9293 §3.4)', () => {
  it('4294967295 + 1 wraps to 0', () => {
    expect(seqAdd(MAX_SEQ, 1)).toBe(0);
  });

  it('0 − 1 wraps to 4294967295', () => {
    expect(seqAdd(0, -1)).toBe(MAX_SEQ);
  });

  it('a SYN at ISN 4294967295 is acknowledged with ack = 0', () => {
    expect(seqAdd(4294967295, 1)).toBe(0);
  });

  it('4294967295 is before 0 when the two are close together', () => {
    expect(seqLt(4294967295, 0)).toBe(true);
    expect(seqGt(0, 4294967295)).toBe(true);
    expect(seqDiff(0, 4294967295)).toBe(1);
  });

  it('numbers more than 2^31 apart compare the other way round', () => {
    expect(seqLt(0, 0x8000_0001)).toBe(false);
    expect(seqGt(0, 0x8000_0001)).toBe(true);
  });

  it('≤ and ≥ include equality', () => {
    expect(seqLe(5, 5)).toBe(true);
    expect(seqGe(5, 5)).toBe(true);
    expect(seqLe(6, 5)).toBe(false);
  });

  it('the window test RCV.NXT ≤ x < RCV.NXT + RCV.WND holds across the wrap', () => {
    const lo = 4294967000;
    const hi = seqAdd(lo, 1000); // 704
    expect(seqInWindow(4294967295, lo, hi)).toBe(true);
    expect(seqInWindow(0, lo, hi)).toBe(true);
    expect(seqInWindow(703, lo, hi)).toBe(true);
    expect(seqInWindow(704, lo, hi)).toBe(false);
    expect(seqInWindow(lo - 1, lo, hi)).toBe(false);
  });

  it('isSeq accepts exactly the integers 0 … 2^32 − 1', () => {
    expect(isSeq(0)).toBe(true);
    expect(isSeq(MAX_SEQ)).toBe(true);
    expect(isSeq(MAX_SEQ + 1)).toBe(false);
    expect(isSeq(-1)).toBe(false);
    expect(isSeq(1.5)).toBe(false);
    expect(isSeq('1')).toBe(false);
  });
});

describe('half the sequence space apart', () => {
  it('neither of two numbers 2^31 apart is before the other, so SND.UNA < SEG.ACK ≤ SND.NXT cannot pass there', () => {
    const a = 1001;
    const b = seqAdd(a, 0x8000_0000);
    expect(seqLt(a, b)).toBe(false);
    expect(seqLt(b, a)).toBe(false);
    expect(seqLe(b, a)).toBe(false);
    expect(seqGt(a, b)).toBe(true);
    expect(seqGt(b, a)).toBe(true);
  });
});

describe('payload octets as base64 (no Node Buffer in the core)', () => {
  const text = 'SSH-2.0-OpenSSH_7.4\r\n';
  const b64 = Buffer.from(text).toString('base64');

  it('counts the 21 octets of the seed banner', () => {
    expect(payloadLength(b64)).toBe(21);
  });

  it('round-trips every byte value and every length mod 3', () => {
    for (let n = 0; n < 260; n += 1) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const encoded = encodeBase64(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(decodeBase64(encoded))).toEqual(Array.from(bytes));
    }
  });

  it('slices and joins like the bytes they stand for', () => {
    expect(Buffer.from(slicePayload(b64, 4, 7), 'base64').toString()).toBe('2.0');
    expect(Buffer.from(concatPayloads([slicePayload(b64, 0, 8), slicePayload(b64, 8, 21)]), 'base64').toString()).toBe(text);
  });
});
