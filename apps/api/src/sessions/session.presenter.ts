import {
  flagNames,
  optionMss,
  optionSackPermitted,
  optionTimestamp,
  optionWscale,
  renderEvent,
  renderOwed,
  renderViolation,
  scenario,
  tcpdumpLine,
  type Endpoint,
  type ExpectedSegment,
  type Language,
  type Segment,
  type TcpEvent,
  type Violation,
} from '@tcplab/tcp-core';
import type { EndpointDto, EventDto, ExpectedSegmentDto, OwedDto, SegmentDto, SessionDto, ViolationDto } from './dto/session.dto';
import type { SessionEntity } from './session.entity';

/** tcp-core's data as the API's JSON: flags as names, options as an object, payload as text, messages rendered. */

export function presentSegment(segment: Segment): SegmentDto {
  const ts = optionTimestamp(segment.options);
  return {
    id: segment.id,
    from: segment.from,
    to: segment.to,
    seq: segment.seq,
    ack: segment.ack,
    flags: flagNames(segment.flags),
    window: segment.window,
    length: segment.length,
    urgent_pointer: segment.urgent_pointer,
    payload: segment.payload === null ? null : Buffer.from(segment.payload, 'base64').toString('utf8'),
    options: {
      mss: optionMss(segment.options),
      wscale: optionWscale(segment.options),
      sack_permitted: optionSackPermitted(segment.options),
      timestamp: ts,
    },
    sent_at_ms: segment.sent_at_ms,
    tcpdump: tcpdumpLine(segment),
  };
}

export function presentEvent(event: TcpEvent, lang: Language): EventDto {
  return {
    at_ms: event.at_ms,
    endpoint: event.endpoint,
    kind: event.kind,
    from_state: event.from_state,
    to_state: event.to_state,
    segment_id: event.segment_id,
    code: event.code,
    params: event.params,
    rfc: event.rfc,
    message: renderEvent(event, lang),
  };
}

export function presentEndpoint(e: Endpoint): EndpointDto {
  const t = e.tcb;
  return {
    ip: e.config.ip,
    port: e.config.port,
    state: e.state,
    tcb: t && {
      iss: t.iss,
      irs: t.irs,
      snd_una: t.snd_una,
      snd_nxt: t.snd_nxt,
      snd_wnd: t.snd_wnd,
      rcv_nxt: t.rcv_nxt,
      rcv_wnd: t.rcv_wnd,
      // Sessions stored before RTT estimation existed have no estimate yet (RFC 6298 §2.1).
      srtt_ms: t.srtt_ms ?? null,
      rttvar_ms: t.rttvar_ms ?? null,
      rto_ms: t.rto_ms,
    },
    timers: e.timers.map((timer) => ({ kind: timer.kind, due_ms: timer.due_ms })),
  };
}

function presentOwed(e: Endpoint, lang: Language): OwedDto[] {
  return e.owed.map((o) => ({
    endpoint: e.side,
    flags: flagNames(o.flags),
    seq: o.seq,
    ack: o.ack,
    length: o.length,
    message: renderOwed(e.side, o, lang),
  }));
}

/** `owed` is left empty for a share link without hints (the exam setting): the learner works out what is owed. */
export function presentSession(row: SessionEntity, lang: Language, hints = true): SessionDto {
  const c = row.snapshot;
  return {
    id: row.id,
    version: row.version,
    mode: c.config.mode,
    profile: c.config.profile,
    clock_ms: c.clock_ms,
    msl_ms: c.config.msl_ms,
    client: presentEndpoint(c.client),
    server: presentEndpoint(c.server),
    network: { auto_deliver: c.network.auto_deliver, loss_rate: c.network.loss_rate },
    in_flight: c.network.in_flight.map(presentSegment),
    owed: hints ? [...presentOwed(c.client, lang), ...presentOwed(c.server, lang)] : [],
    scenario: row.scenario_id ? { id: row.scenario_id, next_step: row.scenario_step, steps: scenario(row.scenario_id)?.steps.length ?? 0 } : null,
    link_id: row.link_id ?? null,
    learner_id: row.learner_id ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function presentViolation(v: Violation, lang: Language): ViolationDto {
  return { field: v.field, expected: v.expected, actual: v.actual, code: v.code, reason: renderViolation(v, lang) };
}

export function presentExpected(e: ExpectedSegment): ExpectedSegmentDto {
  return { flags: flagNames(e.flags), seq: e.seq, ack: e.ack, length: e.length };
}
