/**
 * The simulated network: every segment sent waits in flight until it is
 * delivered (at once, by default, in order), dropped, held for later — so
 * that delay and reordering can be staged — or duplicated. Random loss, if
 * configured, draws from the connection's seeded PRNG.
 */
import { segmentArrives } from './arrive';
import { drawUnit, record, rfc9293, type Context } from './context';
import { cloneSegment } from './connection';
import { flagsLabel, type Segment } from './segment';

/** Citations, built once per module: every event carries one. */
const RFC9293_3_4 = rfc9293('3.4');
const RFC9293_3_8_1 = rfc9293('3.8.1');

/** A step that would deliver more than this many segments is stuck in a loop; nothing legitimate comes near. */
const MAX_DELIVERIES_PER_STEP = 10_000;

export type DeliveryAction = 'deliver' | 'drop' | 'duplicate';

function takeFromFlight(ctx: Context, id: number): Segment | null {
  const flight = ctx.conn.network.in_flight;
  // A plain loop rather than findIndex with a closure: this runs for every segment delivered.
  for (let i = 0; i < flight.length; i++) {
    const segment = flight[i]!;
    if (segment.id === id) {
      // Usually the oldest: shift() then, which does not allocate the array splice() returns.
      if (i === 0) flight.shift();
      else flight.splice(i, 1);
      return segment;
    }
  }
  return null;
}

/** Deliver everything the step has queued for delivery, and whatever the answers put on the wire. */
export function flush(ctx: Context): void {
  let deliveries = 0;
  const pending = ctx.pending;
  // An index rather than shift(): deliveries append answers to the same list while it is read.
  let next = 0;
  while (next < pending.length && deliveries < MAX_DELIVERIES_PER_STEP) {
    const id = pending[next++]!;
    const segment = takeFromFlight(ctx, id);
    if (!segment) continue;
    deliveries += 1;
    const lossRate = ctx.conn.network.loss_rate;
    if (lossRate > 0 && drawUnit(ctx) < lossRate) {
      record(ctx, null, 'drop', 'SEGMENT_LOST', RFC9293_3_8_1, { flags: flagsLabel(segment.flags), seq: segment.seq, loss_rate: lossRate }, {
        segment: segment.id,
      });
      continue;
    }
    segmentArrives(ctx, segment.to, segment);
  }
  // What the cap left undelivered stays queued, as it did with shift().
  pending.splice(0, next);
}

/** The caller acts on one segment in flight. Returns false if no such segment is in flight. */
export function actOnSegment(ctx: Context, id: number, action: DeliveryAction): boolean {
  const flight = ctx.conn.network.in_flight;
  const original = flight.find((s) => s.id === id);
  if (!original) return false;
  const params = { flags: flagsLabel(original.flags), seq: original.seq };
  switch (action) {
    case 'deliver':
      takeFromFlight(ctx, id);
      segmentArrives(ctx, original.to, original);
      break;
    case 'drop':
      takeFromFlight(ctx, id);
      record(ctx, null, 'drop', 'SEGMENT_DROPPED', RFC9293_3_8_1, params, { segment: id });
      break;
    case 'duplicate': {
      // The network delivers a copy now; the original stays in flight and may arrive later too.
      const copy = cloneSegment(original);
      copy.id = ctx.conn.network.next_segment_id++;
      record(ctx, null, 'network', 'SEGMENT_DUPLICATED', RFC9293_3_4, { flags: params.flags, seq: params.seq, copy_id: copy.id, original_id: id }, {
        segment: copy.id,
      });
      ctx.segments.push(copy);
      segmentArrives(ctx, copy.to, copy);
      break;
    }
  }
  flush(ctx);
  return true;
}
