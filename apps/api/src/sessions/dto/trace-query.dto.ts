import { IsIn, IsOptional } from 'class-validator';
import { LANGUAGES, type Language } from '@tcplab/tcp-core';

export const TRACE_FORMATS = ['tcpdump', 'pcap', 'svg', 'mermaid', 'json'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export class TraceQueryDto {
  /**
   * tcpdump: text as `tcpdump -n -S` prints it; pcap: a libpcap file; svg / mermaid: a sequence diagram; json: every event and segment.
   * @example "tcpdump"
   */
  @IsIn(TRACE_FORMATS)
  format!: TraceFormat;

  /**
   * For tcpdump: absolute sequence numbers (-S, the default) or relative ones (tcpdump without -S).
   * @example "absolute"
   */
  @IsOptional()
  @IsIn(['absolute', 'relative'])
  numbering?: 'absolute' | 'relative';

  /**
   * Language of diagram labels and event messages; defaults to Accept-Language.
   * @example "zh-CN"
   */
  @IsOptional()
  @IsIn(LANGUAGES)
  lang?: Language;
}
