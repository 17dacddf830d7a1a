import { ApiProperty } from '@nestjs/swagger';
import { EVENT_CODES, FLAG_NAMES, PROFILES, STATES, type EventCode, type FlagName, type Profile, type State } from '@tcplab/tcp-core';

/** The transmission control block, as RFC 9293 §3.3.1 names its variables. */
export class TcbDto {
  /** @example 481914174 */
  iss!: number;
  /** @example 2737267460 */
  irs!: number;
  /** @example 481914175 */
  snd_una!: number;
  /** @example 481914175 */
  snd_nxt!: number;
  /** Send window in octets (the peer's window field, scaled). @example 29056 */
  snd_wnd!: number;
  /** @example 2737267461 */
  rcv_nxt!: number;
  /** Receive window in octets. @example 29200 */
  rcv_wnd!: number;
  /** SRTT, the smoothed round-trip time in ms (RFC 6298 §2); null until the first RTT sample. @example 12.5 */
  @ApiProperty({ type: Number, nullable: true })
  srtt_ms!: number | null;
  /** RTTVAR, the round-trip time variation in ms (RFC 6298 §2); null until the first RTT sample. @example 4.25 */
  @ApiProperty({ type: Number, nullable: true })
  rttvar_ms!: number | null;
  /** The retransmission timeout the next (re)transmission's timer uses, in ms: computed from SRTT and RTTVAR, doubled by each timeout (RFC 6298 §2, §5.5). @example 1000 */
  rto_ms!: number;
}

export class TimerDto {
  /** @example "time_wait" */
  @ApiProperty({ enum: ['retransmission', 'loss_probe', 'persist', 'time_wait', 'user_timeout', 'fin_wait_2', 'delayed_ack'] })
  kind!: string;
  /** Simulated time at which it fires. @example 60000 */
  due_ms!: number;
}

export class EndpointDto {
  /** @example "192.168.1.63" */
  ip!: string;
  /** @example 53198 */
  port!: number;
  /** @example "ESTABLISHED" */
  @ApiProperty({ enum: STATES })
  state!: State;
  /** null while no connection exists (CLOSED, LISTEN). */
  @ApiProperty({ type: TcbDto, nullable: true })
  tcb!: TcbDto | null;
  timers!: TimerDto[];
}

export class TimestampDto {
  /** @example 547753 */
  val!: number;
  /** @example 0 */
  ecr!: number;
}

export class SegmentOptionsDto {
  /** @example 1460 */
  @ApiProperty({ nullable: true, type: Number })
  mss!: number | null;
  /** @example 7 */
  @ApiProperty({ nullable: true, type: Number })
  wscale!: number | null;
  /** @example true */
  sack_permitted!: boolean;
  @ApiProperty({ type: TimestampDto, nullable: true })
  timestamp!: TimestampDto | null;
}

export class SegmentDto {
  /** Unique in the session; the handle for /deliver. @example 1 */
  id!: number;
  /** @example "client" */
  @ApiProperty({ enum: ['client', 'server'] })
  from!: 'client' | 'server';
  /** @example "server" */
  @ApiProperty({ enum: ['client', 'server'] })
  to!: 'client' | 'server';
  /** @example 481914174 */
  seq!: number;
  /** @example 0 */
  ack!: number;
  /** @example ["SYN"] */
  @ApiProperty({ enum: FLAG_NAMES, isArray: true })
  flags!: FlagName[];
  /** The raw window field. @example 29200 */
  window!: number;
  /** Payload octets. @example 0 */
  length!: number;
  /** @example 0 */
  urgent_pointer!: number;
  /** Payload as UTF-8 text when it was given, else null. */
  @ApiProperty({ nullable: true, type: String })
  payload!: string | null;
  options!: SegmentOptionsDto;
  /** @example 0 */
  sent_at_ms!: number;
  /** The segment as `tcpdump -n -S` prints it. @example "IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [S], seq 481914174, win 29200, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0" */
  tcpdump!: string;
}

export class OwedDto {
  /** @example "server" */
  @ApiProperty({ enum: ['client', 'server'] })
  endpoint!: 'client' | 'server';
  /** @example ["SYN","ACK"] */
  @ApiProperty({ enum: FLAG_NAMES, isArray: true })
  flags!: FlagName[];
  /** @example 2737267460 */
  seq!: number;
  /** @example 481914175 */
  ack!: number;
  /** @example 0 */
  length!: number;
  /** @example "The server must send SYN,ACK seq=2737267460 ack=481914175 next." */
  message!: string;
}

export class NetworkStateDto {
  /** @example true */
  auto_deliver!: boolean;
  /** @example 0 */
  loss_rate!: number;
}

export class SessionScenarioDto {
  /** @example "three-way-handshake" */
  id!: string;
  /** Index of the step POST /step plays next; equal to `steps` when the scenario is finished. @example 1 */
  next_step!: number;
  /** @example 3 */
  steps!: number;
}

export class SessionDto {
  /** @example "6f1c2b7e-4a8e-4a55-9b8e-0c1d2e3f4a5b" */
  id!: string;
  /** Bumped by every change; the ETag is its quoted value. @example 3 */
  version!: number;
  /** @example "manual" */
  @ApiProperty({ enum: ['auto', 'manual'] })
  mode!: 'auto' | 'manual';
  /** @example "rfc9293" */
  @ApiProperty({ enum: PROFILES })
  profile!: Profile;
  /** Simulated time. @example 0 */
  clock_ms!: number;
  /** @example 30000 */
  msl_ms!: number;
  client!: EndpointDto;
  server!: EndpointDto;
  network!: NetworkStateDto;
  /** Segments sent and not yet delivered or dropped. */
  in_flight!: SegmentDto[];
  /** In manual mode: what each side's TCP must send next (empty for a share link without `hints`). */
  owed!: OwedDto[];
  /** The scenario the session plays, if it was created from one. */
  @ApiProperty({ type: SessionScenarioDto, nullable: true })
  scenario!: SessionScenarioDto | null;
  /** The share link the session was made through (a learner playing a scenario from a link), else null. */
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  link_id!: string | null;
  /** The learner that link names, else null. @example "student-42" */
  @ApiProperty({ type: String, nullable: true })
  learner_id!: string | null;
  /** @example "2026-11-27T08:00:00.000Z" */
  created_at!: string;
  /** @example "2026-11-27T08:00:01.000Z" */
  updated_at!: string;
}

export class EventDto {
  /** @example 0 */
  at_ms!: number;
  /** @example "server" */
  @ApiProperty({ enum: ['client', 'server'], nullable: true })
  endpoint!: 'client' | 'server' | null;
  /** @example "transition" */
  @ApiProperty({ enum: ['call', 'send', 'receive', 'drop', 'transition', 'timer', 'error', 'network', 'owe'] })
  kind!: string;
  /** @example "LISTEN" */
  @ApiProperty({ enum: STATES, nullable: true })
  from_state!: State | null;
  /** @example "SYN_RECEIVED" */
  @ApiProperty({ enum: STATES, nullable: true })
  to_state!: State | null;
  /** @example 1 */
  @ApiProperty({ nullable: true, type: Number })
  segment_id!: number | null;
  /** Stable machine code of the rule. @example "LISTEN_SYN_TO_SYN_RECEIVED" */
  @ApiProperty({ enum: EVENT_CODES })
  code!: EventCode;
  /** The numbers the rule used. @example {"irs":481914174,"rcv_nxt":481914175,"iss":2737267460} */
  @ApiProperty({ type: 'object', additionalProperties: true })
  params!: Record<string, unknown>;
  /** @example "RFC 9293 §3.10.7.2" */
  rfc!: string;
  /** The explanation, in the language of Accept-Language (en or zh-CN). @example "First handshake received: …" */
  message!: string;
}

export class ReceivedDto {
  /** @example 21 */
  length!: number;
  /** The octets read, as UTF-8 text; null when only a length was simulated. */
  @ApiProperty({ nullable: true, type: String })
  data!: string | null;
}

export class ScenarioStepPlayedDto {
  /** @example 0 */
  index!: number;
  /** @example 3 */
  steps!: number;
  /** The step's teaching text in English and Chinese. */
  @ApiProperty({ type: 'object', properties: { en: { type: 'string' }, 'zh-CN': { type: 'string' } } })
  text!: { en: string; 'zh-CN': string };
}

export class StepResultDto {
  session!: SessionDto;
  events!: EventDto[];
  /** Segments put on the wire by this step. */
  segments!: SegmentDto[];
  /** What a receive call read. */
  received?: ReceivedDto;
  /** For POST /step: which step of the scenario this was, and its teaching text. */
  scenario_step?: ScenarioStepPlayedDto;
}

export class SessionPageDto {
  items!: SessionDto[];
  /** Pass as ?cursor= for the next page; null on the last one. */
  @ApiProperty({ nullable: true, type: String })
  next_cursor!: string | null;
}

export class EventPageDto {
  items!: EventDto[];
  @ApiProperty({ nullable: true, type: String })
  next_cursor!: string | null;
}

export class SegmentPageDto {
  items!: SegmentDto[];
  @ApiProperty({ nullable: true, type: String })
  next_cursor!: string | null;
}

export class ViolationDto {
  /** @example "ack" */
  field!: string;
  /** @example 481914175 */
  // OpenAPI 3.0 has no null type, and `nullable` counts only beside a `type`: null is the first branch's.
  @ApiProperty({ oneOf: [{ type: 'number', nullable: true }, { type: 'string' }] })
  expected!: number | string | null;
  /** @example 481914174 */
  @ApiProperty({ oneOf: [{ type: 'number', nullable: true }, { type: 'string' }] })
  actual!: number | string | null;
  /** @example "ACK_MUST_BE_IRS_PLUS_ONE" */
  code!: string;
  /** @example "ack must be 481914175 = the client's ISN 481914174 + 1, because a SYN consumes one sequence number." */
  reason!: string;
}

export class ExpectedSegmentDto {
  /** @example ["SYN","ACK"] */
  @ApiProperty({ enum: FLAG_NAMES, isArray: true })
  flags!: FlagName[];
  /** @example 2737267460 */
  seq!: number;
  /** @example 481914175 */
  ack!: number;
  /** @example 0 */
  length!: number;
}

/** RFC 9457 problem details; `violations` and `expected` come with SEGMENT_INVALID, `errors` with VALIDATION_FAILED. */
export class ProblemDto {
  /** @example "https://tcplab.dev/problems/segment-invalid" */
  type!: string;
  /** @example "A conforming TCP would not send this segment now" */
  title!: string;
  /** @example 422 */
  status!: number;
  /** @example "The server in SYN_RECEIVED cannot send this segment." */
  detail!: string;
  /** @example "/v1/sessions/6f1c2b7e-4a8e-4a55-9b8e-0c1d2e3f4a5b/send" */
  instance!: string;
  /** @example "SEGMENT_INVALID" */
  code!: string;
  violations?: ViolationDto[];
  expected?: ExpectedSegmentDto;
  /** Each invalid field of the request, for VALIDATION_FAILED. */
  @ApiProperty({ required: false, type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } })
  errors?: Array<{ field: string; message: string }>;
}
