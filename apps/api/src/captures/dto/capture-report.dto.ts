import { ApiProperty } from '@nestjs/swagger';
import { FLAG_NAMES, STATES, type FlagName, type State } from '@tcplab/tcp-core';
import { ProblemDto, ViolationDto } from '../../sessions/dto/session.dto';

export class AddressDto {
  /** @example "192.168.1.63" */
  ip!: string;
  /** @example 53198 */
  port!: number;
}

export class CaptureStatesDto {
  /** null when the replay could not be set up (`simulated` false). @example "SYN_SENT" */
  @ApiProperty({ enum: STATES, nullable: true })
  client!: State | null;
  /** @example "LISTEN" */
  @ApiProperty({ enum: STATES, nullable: true })
  server!: State | null;
}

export class CaptureAnomalyDto {
  /** invalid_segment: a conforming TCP could not have sent it; missing_segment: a gap in the capture; not_simulated: the replay could not follow. @example "invalid_segment" */
  @ApiProperty({ enum: ['invalid_segment', 'missing_segment', 'not_simulated'] })
  kind!: string;
  /** @example "a conforming TCP in ESTABLISHED could not send this segment: ACK_MUST_BE_RCV_NXT: ack 481914190, expected 481914196; it is injected into the client as it arrived" */
  text!: string;
  /** For invalid_segment: what the simulator found wrong, with the values it expected (messages in the language of Accept-Language). */
  @ApiProperty({ type: ViolationDto, isArray: true, required: false })
  violations?: ViolationDto[];
}

export class CaptureSegmentDto {
  /** Position among the connection's captured segments; null for a segment the replay had to synthesize. @example 0 */
  @ApiProperty({ nullable: true, type: Number })
  index!: number | null;
  /** Packet number in a pcap/pcapng file (1-based) or line number in tcpdump text; null when synthesized. @example 1 */
  @ApiProperty({ nullable: true, type: Number })
  frame!: number | null;
  /** True for a segment the capture does not hold but the replay needed (a handshake before a mid-connection capture, a lost segment). */
  synthesized!: boolean;
  /** Capture time in microseconds (since the epoch for pcap, since midnight for text); null when not recorded. */
  @ApiProperty({ nullable: true, type: Number })
  time_us!: number | null;
  /** @example "client" */
  @ApiProperty({ enum: ['client', 'server'] })
  from!: 'client' | 'server';
  /** @example ["SYN"] */
  @ApiProperty({ enum: FLAG_NAMES, isArray: true })
  flags!: FlagName[];
  /** @example 481914174 */
  seq!: number;
  /** @example 0 */
  ack!: number;
  /** Payload octets. @example 0 */
  length!: number;
  /** The raw window field. @example 29200 */
  window!: number;
  /** What the segment is for. @example "1st handshake (SYN)" */
  role!: string;
  states_before!: CaptureStatesDto;
  states_after!: CaptureStatesDto;
  anomalies!: CaptureAnomalyDto[];
}

/** One TCP connection of a capture, replayed and annotated. */
export class ObservedConnectionDto {
  /** The active opener (the sender of the first SYN, or the endpoint with the higher port when the capture starts later). */
  client!: AddressDto;
  server!: AddressDto;
  /** How the capture begins: with the client's SYN, with the server's SYN,ACK, or somewhere after. @example "handshake" */
  @ApiProperty({ enum: ['handshake', 'after_syn', 'mid_connection'] })
  start!: 'handshake' | 'after_syn' | 'mid_connection';
  /** True when only one direction was captured. */
  one_direction!: boolean;
  /** False when the replay could not be set up at all: roles then come from the flags only, states are null. */
  simulated!: boolean;
  /** Every segment of the connection in capture order, synthesized ones included, annotated by the replay. */
  segments!: CaptureSegmentDto[];
  /** What the replay assumed and found. @example ["the client is the sender of the first SYN", "states at the end of the capture: client ESTABLISHED, server ESTABLISHED"] */
  notes!: string[];
}

export class ImportedConnectionDto extends ObservedConnectionDto {
  /** The session the connection was stored as: GET /v1/sessions/{id}, its events, segments and trace. @example "6f1c2b7e-4a8e-4a55-9b8e-0c1d2e3f4a5b" */
  session_id!: string;
}

export class AnalyzedConnectionDto extends ObservedConnectionDto {
  /** The connection as a sequence diagram (the same drawing as a session's SVG trace), in the language of Accept-Language. */
  svg!: string;
}

export class SkippedPacketDto {
  /** @example 3 */
  frame!: number;
  /** @example "IP protocol 17 is not TCP" */
  reason!: string;
}

export class UnparsedLineDto {
  /** 1-based line number. @example 1 */
  line!: number;
  /** @example "listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes" */
  text!: string;
  /** @example "not a tcpdump packet line" */
  reason!: string;
}

export class CaptureImportDto {
  /** What the capture was read as. @example "pcap" */
  @ApiProperty({ enum: ['pcap', 'pcapng', 'tcpdump'] })
  format!: 'pcap' | 'pcapng' | 'tcpdump';
  /** One per TCP connection (4-tuple, a new SYN after the end starts another), each stored as a manual-mode session. */
  connections!: ImportedConnectionDto[];
  /** Packets that are not IPv4 TCP segments or could not be decoded. */
  skipped_packets!: SkippedPacketDto[];
  /** Lines of tcpdump text that are not IPv4 TCP packets. */
  unparsed_lines!: UnparsedLineDto[];
  /** Problems with the file as a whole (truncated …) that did not stop the import. */
  errors!: string[];
}

/** A capture read and replayed, nothing stored (the capture viewer). */
export class CaptureAnalysisDto {
  @ApiProperty({ enum: ['pcap', 'pcapng', 'tcpdump'] })
  format!: 'pcap' | 'pcapng' | 'tcpdump';
  connections!: AnalyzedConnectionDto[];
  skipped_packets!: SkippedPacketDto[];
  unparsed_lines!: UnparsedLineDto[];
  errors!: string[];
}

/** CAPTURE_UNREADABLE: nothing in the capture was an IPv4 TCP segment. */
export class CaptureProblemDto extends ProblemDto {
  /** What the parser found wrong with the file as a whole. @example ["truncated packet record at offset 1078"] */
  capture_errors?: string[];
  /** The first packets that were skipped, with why. */
  skipped_packets?: SkippedPacketDto[];
  /** The first lines that are not tcpdump IPv4 TCP lines, with why. */
  unparsed_lines?: UnparsedLineDto[];
}
