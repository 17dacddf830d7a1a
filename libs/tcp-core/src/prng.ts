/**
 * A small seeded PRNG (mulberry32) whose whole state is one 32-bit number
 * kept inside the connection, so that a connection serialised to JSON and
 * read back draws the same numbers next. Never Math.random: the simulator is
 * deterministic for a given seed.
 */
export function seedState(seed: number): number {
  return seed >>> 0;
}

/** The next 32-bit unsigned value and the state after drawing it. */
export function nextUint32(state: number): { value: number; state: number } {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: (t ^ (t >>> 14)) >>> 0, state: next };
}

/** A float in [0, 1) and the state after drawing it. */
export function nextUnit(state: number): { value: number; state: number } {
  const { value, state: next } = nextUint32(state);
  return { value: value / 0x1_0000_0000, state: next };
}
