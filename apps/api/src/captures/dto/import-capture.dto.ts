import { Transform } from 'class-transformer';
import { IsBase64, IsNotEmpty, IsString, ValidateIf } from 'class-validator';

/**
 * A capture to import, as JSON: exactly one of `pcap` (a libpcap or pcapng file, base64) or `text` (what
 * `tcpdump -n` or `tcpdump -n -S` printed). The route also takes the file itself
 * (`--data-binary @file.pcap` with content-type application/vnd.tcpdump.pcap or application/octet-stream) or the
 * text itself (text/plain), which arrive here in this same form. Bodies stop at 64 KiB.
 */
export class ImportCaptureDto {
  /**
   * A libpcap or pcapng file (Ethernet, raw IPv4 or Linux cooked link types), base64-encoded (RFC 4648, padded;
   * line breaks are ignored), up to about 48 KiB of file. Only IPv4 TCP packets are read; others are listed in `skipped_packets`.
   * @example "1MOyoQIABAAAAAAAAAAAAAAABAABAAAA"
   */
  // Not @IsOptional(): that would let null through; an absent field is skipped, a null one is invalid.
  @ValidateIf((dto: ImportCaptureDto) => dto.pcap !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/\s+/g, '') : value))
  @IsString()
  @IsNotEmpty()
  @IsBase64()
  pcap?: string;

  /**
   * The text output of `tcpdump -n` (relative sequence numbers) or `tcpdump -n -S` (absolute), one packet per line,
   * with or without the time column. Lines that are not IPv4 TCP packets are listed in `unparsed_lines`.
   * @example "17:23:09.889821 IP 192.168.1.63.53198 > 192.168.1.64.22: Flags [S], seq 481914174, win 29200, options [mss 1460,sackOK,TS val 547753 ecr 0,nop,wscale 7], length 0\n"
   */
  @ValidateIf((dto: ImportCaptureDto) => dto.text !== undefined)
  @IsString()
  @IsNotEmpty()
  text?: string;
}
