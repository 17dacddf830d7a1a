import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsIP, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { PROFILES, SCENARIOS, type Profile } from '@tcplab/tcp-core';
import { OptionalSeed } from '../../common/dto-fields';

/** One endpoint's socket and what its SYN offers. Every field is optional. */
export class EndpointConfigDto {
  /**
   * IPv4 address.
   * @example "192.168.1.63"
   */
  @IsOptional()
  @IsIP(4)
  ip?: string;

  /**
   * TCP port.
   * @example 53198
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  /**
   * Initial sequence number of the first connection; drawn from the seed when omitted.
   * @example 481914174
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(4294967295)
  isn?: number;

  /**
   * Receive buffer in octets, the window offered in the SYN.
   * @example 29200
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1073725440)
  window?: number;

  /**
   * Maximum segment size announced in the SYN.
   * @example 1460
   */
  @IsOptional()
  @IsInt()
  @Min(64)
  @Max(65495)
  mss?: number;

  /**
   * Window scale shift offered in the SYN (RFC 7323).
   * @example 7
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(14)
  wscale?: number;

  /**
   * TCP_NODELAY: turn off Nagle's algorithm (RFC 9293 §3.7.4), so that a small segment goes out even while an earlier small one is unacknowledged. Only the linux profile applies Nagle's algorithm (with Minshall's variant, as Linux does); default false, as on Linux.
   * @example true
   */
  @IsOptional()
  @IsBoolean()
  nodelay?: boolean;
}

export class CreateSessionDto {
  /**
   * Start from a teaching scenario of GET /v1/scenarios (it fixes every other option); play it with POST /v1/sessions/{id}/step.
   * @example "three-way-handshake"
   */
  @IsOptional()
  @IsIn(SCENARIOS.map((s) => s.id))
  scenario?: string;

  /** The active opener. Defaults: 10.0.0.1:49152, window 64240, MSS 1460, wscale 7. */
  @IsOptional()
  @ValidateNested()
  @Type(() => EndpointConfigDto)
  client?: EndpointConfigDto;

  /** The passive opener. Defaults: 10.0.0.2:80, window 65160, MSS 1460, wscale 7. */
  @IsOptional()
  @ValidateNested()
  @Type(() => EndpointConfigDto)
  server?: EndpointConfigDto;

  /**
   * Seed of the session's PRNG (ISNs, timestamp offsets, random loss): same seed, same session.
   * @example 42
   */
  @OptionalSeed()
  seed?: number;

  /**
   * Maximum segment lifetime in ms; TIME_WAIT lasts 2 × MSL. Default 30000 (rfc9293) or 120000 (rfc793). Not with the linux profile, whose TIME_WAIT is a fixed 60 s (TCP_TIMEWAIT_LEN) whatever the MSL.
   * @example 30000
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600000)
  msl_ms?: number;

  /**
   * Initial retransmission timeout in ms (RFC 6298: 1 s).
   * @example 1000
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120000)
  rto_ms?: number;

  /**
   * Which rules apply: rfc9293 (the standard, with RFC 5961), rfc793 (what textbooks teach), or linux — RFC 9293 with Linux 6.x's defaults where the kernel differs: minimum RTO 200 ms (TCP_RTO_MIN, applied to the variance term) and a tail loss probe, TIME_WAIT a fixed 60 s, delayed ACKs with quick-ACK mode, close() as Linux's (unread data or data after it answered with RST; a FIN_WAIT_2 timeout of 60 s after it, tcp_fin_timeout; the call shutdown is the RFC's CLOSE), PAWS as Linux judges it, and in auto mode Linux's sending rules: Nagle's algorithm unless the endpoint sets nodelay, sender-side silly window avoidance, segments of at most half a small peer window. The minimum RTO is 1 s in the other two (RFC 6298 §2.4). docs/linux-differences.md lists what still differs from Linux.
   * @example "rfc9293"
   */
  @IsOptional()
  @IsIn(PROFILES)
  profile?: Profile;

  /**
   * auto: both endpoints answer by themselves; manual: the caller sends every segment, each one validated.
   * @example "auto"
   */
  @IsOptional()
  @IsIn(['auto', 'manual'])
  mode?: 'auto' | 'manual';
}
