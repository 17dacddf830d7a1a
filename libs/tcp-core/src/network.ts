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

/** A step that would deliver more than this many segments is stuck in a loop; nothing legitimate comes near. */
const MAX_DELIVERIES_PER_STEP = 10_000;

export type DeliveryAction = 'deliver' | 'drop' | 'duplicate';

function takeFromFlight(ctx: Context, id: number): Segment | null {
  const flight = ctx.conn.network.in_flight;
  // A plain loop rather than findIndex with a closure: this runs for every segment delivered.
  for (let i = 0; i < flight.length; i++) {
    if (flight[i]!.id === id) return flight.splice(i, 1)[0]!;
  }
  return null;
}

/** Deliver everything the step has queued for delivery, and whatever the answers put on the wire. */
export function flush(ctx: Context): void {
  let deliveries = 0;
  while (ctx.pending.length > 0 && deliveries < MAX_DELIVERIES_PER_STEP) {
    const id = ctx.pending.shift()!;
    const segment = takeFromFlight(ctx, id);
    if (!segment) continue;
    deliveries += 1;
    const lossRate = ctx.conn.network.loss_rate;
    if (lossRate > 0 && drawUnit(ctx) < lossRate) {
      record(ctx, null, 'drop', 'SEGMENT_LOST', rfc9293('3.8.1'), { flags: flagsLabel(segment.flags), seq: segment.seq, loss_rate: lossRate }, {
        segment: segment.id,
      });
      continue;
    }
    segmentArrives(ctx, segment.to, segment);
  }
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
      record(ctx, null, 'drop', 'SEGMENT_DROPPED', rfc9293('3.8.1'), params, { segment: id });
      break;
    case 'duplicate': {
      // The network delivers a copy now; the original stays in flight and may arrive later too.
      const copy = cloneSegment(original);
      copy.id = ctx.conn.network.next_segment_id++;
      record(ctx, null, 'network', 'SEGMENT_DUPLICATED', rfc9293('3.4'), { flags: params.flags, seq: params.seq, copy_id: copy.id, original_id: id }, {
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
