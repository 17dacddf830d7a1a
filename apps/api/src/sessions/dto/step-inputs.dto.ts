import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CALLS, type CallName } from '@tcplab/tcp-core';
import { SegmentFieldsDto } from './segment-fields.dto';

const SIDES = ['client', 'server'] as const;
const NETWORK_ACTIONS = ['deliver', 'drop', 'hold'] as const;
const API_CALLS = CALLS.filter((c) => c !== 'status');

export class CallDto {
  /** @example "client" */
  @IsIn(SIDES)
  endpoint!: 'client' | 'server';

  /**
   * listen = passive OPEN, connect = active OPEN (RFC 9293 §3.10.1–§3.10.5). shutdown is the RFC's CLOSE, "I have no
   * more data to send" (shutdown(SHUT_WR)): the endpoint sends its FIN and goes on receiving. close is the
   * application closing its socket: the same CLOSE in the rfc9293 and rfc793 profiles; in the linux profile Linux's
   * close(), the "half-duplex" close of RFC 9293 §3.6.1 — unread data, or data arriving afterwards, is answered with
   * RST, RECEIVE is refused from then on, and FIN_WAIT_2 ends after 60 s (tcp_fin_timeout).
   * @example "connect"
   */
  @IsIn(API_CALLS)
  call!: Exclude<CallName, 'status'>;

  /**
   * For send: the data, as UTF-8 text.
   * @example "SSH-2.0-OpenSSH_7.4\r\n"
   */
  @IsOptional()
  @IsString()
  @MaxLength(16384)
  data?: string;

  /**
   * For send without data: how many octets of unspecified content to send.
   * @example 100
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1048576)
  length?: number;

  /** For send: set PSH on the last segment (default true, as Linux does for every write). */
  @IsOptional()
  @IsBoolean()
  push?: boolean;

  /** For send: mark the data urgent (URG). */
  @IsOptional()
  @IsBoolean()
  urgent?: boolean;

  /**
   * What the network does with the segments this call sends (their answers follow the session's network).
   * @example "deliver"
   */
  @IsOptional()
  @IsIn(NETWORK_ACTIONS)
  network?: 'deliver' | 'drop' | 'hold';
}

export class SendDto extends SegmentFieldsDto {
  /** @example "server" */
  @IsIn(SIDES)
  from!: 'client' | 'server';

  /** @example "deliver" */
  @IsOptional()
  @IsIn(NETWORK_ACTIONS)
  network?: 'deliver' | 'drop' | 'hold';
}

export class InjectDto extends SegmentFieldsDto {
  /**
   * The endpoint the segment arrives at; it comes from the other one's address.
   * @example "server"
   */
  @IsIn(SIDES)
  to!: 'client' | 'server';
}

export class NetworkDto {
  /**
   * false: every segment waits in in_flight until /deliver acts on it.
   * @example false
   */
  @IsOptional()
  @IsBoolean()
  auto_deliver?: boolean;

  /**
   * Probability that an automatically delivered segment is lost (seeded).
   * @example 0
   */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  loss_rate?: number;
}

export class DeliverDto {
  /** @example 3 */
  @IsInt()
  @Min(1)
  @Max(2147483647)
  segment_id!: number;

  /**
   * deliver it now, drop it, or deliver a copy now and keep the original in flight.
   * @example "deliver"
   */
  @IsIn(['deliver', 'drop', 'duplicate'])
  action!: 'deliver' | 'drop' | 'duplicate';
}

export class AdvanceDto {
  /**
   * Milliseconds to advance the simulated clock; due timers fire in time order.
   * @example 60000
   */
  @IsInt()
  @Min(0)
  @Max(31536000000)
  ms!: number;
}
