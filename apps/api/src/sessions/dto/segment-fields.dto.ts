import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { FLAG_NAMES, type FlagName } from '@tcplab/tcp-core';

export class TimestampOptionDto {
  /** @example 547753 */
  @IsInt()
  @Min(0)
  @Max(4294967295)
  val!: number;

  /** @example 0 */
  @IsInt()
  @Min(0)
  @Max(4294967295)
  ecr!: number;
}

/** TCP options; MSS, wscale and sack_permitted belong in SYN segments only. */
export class TcpOptionsDto {
  /** @example 1460 */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  mss?: number;

  /** @example 7 */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(14)
  wscale?: number;

  /** @example true */
  @IsOptional()
  @IsBoolean()
  sack_permitted?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => TimestampOptionDto)
  timestamp?: TimestampOptionDto;
}

/** The header fields a caller may give for a segment; omitted numbers get the right values. */
export class SegmentFieldsDto {
  /**
   * Control bits.
   * @example ["SYN","ACK"]
   */
  @IsArray()
  @ArrayUnique()
  @IsIn(FLAG_NAMES, { each: true })
  flags!: FlagName[];

  /**
   * Sequence number (0 … 4294967295).
   * @example 2737267460
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(4294967295)
  seq?: number;

  /**
   * Acknowledgment number (0 … 4294967295), meaningful with ACK.
   * @example 481914175
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(4294967295)
  ack?: number;

  /**
   * The raw 16-bit window field.
   * @example 28960
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  window?: number;

  /**
   * Payload length in octets, when no payload text is given.
   * @example 21
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  length?: number;

  /**
   * Payload as UTF-8 text.
   * @example "SSH-2.0-OpenSSH_7.4\r\n"
   */
  @IsOptional()
  @IsString()
  @MaxLength(16384)
  payload?: string;

  /** @example 0 */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  urgent_pointer?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => TcpOptionsDto)
  options?: TcpOptionsDto;
}
