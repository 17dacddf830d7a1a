import { ACK, SYN, flagsFromNames, type Input, type SegmentDraft, type TcpOption } from '@tcplab/tcp-core';
import { ApiError, ApiErrorCode } from '../common/api-error';
import type { CallDto, InjectDto, SendDto } from './dto/step-inputs.dto';
import type { SegmentFieldsDto, TcpOptionsDto } from './dto/segment-fields.dto';

/** Request bodies as tcp-core inputs: flag names to bits, text to base64, the options object to wire order. */

const toBase64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Options in the order Linux puts them on the wire, so that the tcpdump line looks like a real one. */
function wireOptions(options: TcpOptionsDto, flags: number): TcpOption[] {
  const list: TcpOption[] = [];
  const ts: TcpOption | null = options.timestamp ? { kind: 'ts', val: options.timestamp.val, ecr: options.timestamp.ecr } : null;
  if (flags & SYN) {
    if (options.mss !== undefined) list.push({ kind: 'mss', value: options.mss });
    if (options.sack_permitted && ts) list.push({ kind: 'sackOK' }, ts);
    else if (ts) list.push({ kind: 'nop' }, { kind: 'nop' }, ts);
    else if (options.sack_permitted) list.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sackOK' });
    if (options.wscale !== undefined) list.push({ kind: 'nop' }, { kind: 'wscale', shift: options.wscale });
    return list;
  }
  // MSS, wscale and SACK-permitted outside a SYN are kept so that validation can name them.
  if (options.mss !== undefined) list.push({ kind: 'mss', value: options.mss });
  if (options.wscale !== undefined) list.push({ kind: 'wscale', shift: options.wscale });
  if (options.sack_permitted) list.push({ kind: 'sackOK' });
  if (ts) list.push({ kind: 'nop' }, { kind: 'nop' }, ts);
  return list;
}

function draft(dto: SegmentFieldsDto): SegmentDraft {
  const flags = flagsFromNames(dto.flags);
  const payload = dto.payload === undefined ? null : toBase64(dto.payload);
  return {
    flags,
    seq: dto.seq ?? null,
    ack: dto.ack ?? (flags & ACK ? null : 0),
    window: dto.window ?? null,
    length: dto.length ?? (payload === null ? null : Buffer.byteLength(dto.payload!, 'utf8')),
    payload,
    urgent_pointer: dto.urgent_pointer ?? null,
    options: dto.options ? wireOptions(dto.options, flags) : null,
  };
}

/** The fields only a send takes. */
const SEND_FIELDS = ['data', 'length', 'push', 'urgent'] as const;

export function callInput(dto: CallDto): Input {
  // A field that only a send reads would be silently ignored by any other call (close and shutdown included): refused.
  const misplaced = dto.call === 'send' ? [] : SEND_FIELDS.filter((field) => dto[field] !== undefined);
  if (misplaced.length > 0) {
    throw new ApiError(ApiErrorCode.ValidationFailed, `${misplaced.join(', ')} belong(s) to send only; leave ${misplaced.length === 1 ? 'it' : 'them'} out of ${dto.call}.`, {
      errors: misplaced.map((field) => ({ field, message: `${field} is only for call "send"` })),
    });
  }
  const data = dto.call === 'send'
    ? {
        payload: dto.data === undefined ? null : toBase64(dto.data),
        length: dto.data === undefined ? (dto.length ?? 0) : Buffer.byteLength(dto.data, 'utf8'),
        push: dto.push ?? true,
        urgent: dto.urgent ?? false,
      }
    : null;
  return { type: 'call', endpoint: dto.endpoint, call: dto.call, data, ...(dto.network ? { network: dto.network } : {}) };
}

export function sendInput(dto: SendDto): Input {
  return { type: 'send', from: dto.from, segment: draft(dto), ...(dto.network ? { network: dto.network } : {}) };
}

export function injectInput(dto: InjectDto): Input {
  return { type: 'inject', to: dto.to, segment: draft(dto) };
}
