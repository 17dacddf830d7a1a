import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { analyzeCapture, detectCaptureFormat, renderSvg, type CaptureReport, type Language, type ObservedConnection } from '@tcplab/tcp-core';
import { randomUUID } from 'node:crypto';
import { ApiError, ApiErrorCode } from '../common/api-error';
import type { RequestContext } from '../common/request-context';
import type { AppConfig } from '../config/configuration';
import { presentViolation } from '../sessions/session.presenter';
import { SessionsRepository } from '../sessions/sessions.repository';
import { idempotently, type Reply } from '../sessions/idempotency';
import type { CaptureAnalysisDto, CaptureImportDto, CaptureSegmentDto, ObservedConnectionDto } from './dto/capture-report.dto';
import type { ImportCaptureDto } from './dto/import-capture.dto';

/** How many skipped packets and unparsed lines a 422 lists (the count is in the detail). */
const PROBLEM_LIST_LIMIT = 20;

function badField(field: 'pcap' | 'text', message: string): ApiError {
  return new ApiError(ApiErrorCode.ValidationFailed, `${field}: ${message}.`, { errors: [{ field, message }] });
}

/** The capture as tcp-core reads it: bytes for `pcap`, a string for `text`; exactly one of them. */
function captureInput(dto: ImportCaptureDto): Uint8Array | string {
  const given = (['pcap', 'text'] as const).filter((field) => dto[field] !== undefined);
  if (given.length !== 1) {
    const message = given.length === 0 ? 'give exactly one of pcap and text' : 'pcap and text cannot both be given';
    throw new ApiError(ApiErrorCode.ValidationFailed, 'Send exactly one of pcap (a base64 pcap or pcapng file) and text (tcpdump -n output).', {
      errors: [
        { field: 'pcap', message },
        { field: 'text', message },
      ],
    });
  }
  if (dto.text !== undefined) return dto.text;
  const bytes = new Uint8Array(Buffer.from(dto.pcap!, 'base64'));
  if (detectCaptureFormat(bytes) === 'tcpdump') {
    throw badField('pcap', 'is not a pcap or pcapng file (it starts with neither magic number); send tcpdump text as text');
  }
  return bytes;
}

/**
 * POST /v1/captures: a capture read by tcp-core's importer, each connection replayed as an observer of both ends
 * (manual mode), and stored as a session whose history is that replay — so every trace format, the events, the
 * segments and a replay work on it as on any other session.
 */
@Injectable()
export class CapturesService {
  private readonly maxSegments: number;

  constructor(
    private readonly sessions: SessionsRepository,
    config: ConfigService<AppConfig, true>,
  ) {
    this.maxSegments = config.get('maxSegmentsPerSession', { infer: true });
  }

  /** The capture read and replayed as import() does, each connection drawn as a sequence diagram; nothing stored. */
  analyze(dto: ImportCaptureDto, lang: Language): CaptureAnalysisDto {
    const report = analyzeCapture(captureInput(dto));
    if (report.connections.length === 0) throw unreadable(report);
    return {
      format: report.format,
      connections: report.connections.map((c) => ({
        ...presentConnection(c, lang),
        svg: renderSvg({ client: c.client, server: c.server, steps: c.history }, { lang }),
      })),
      skipped_packets: report.skipped_packets,
      unparsed_lines: report.unparsed_lines,
      errors: report.errors,
    };
  }

  import(dto: ImportCaptureDto, ctx: RequestContext): Promise<Reply<CaptureImportDto>> {
    const report = analyzeCapture(captureInput(dto));
    if (report.connections.length === 0) throw unreadable(report);
    for (const c of report.connections) {
      const segments = c.history.reduce((n, h) => n + h.segments.length, 0);
      if (segments > this.maxSegments) {
        throw new ApiError(
          ApiErrorCode.HistoryFull,
          `A session keeps at most ${this.maxSegments} segments; the connection ${label(c)} needs ${segments}. Split the capture.`,
        );
      }
    }
    // One transaction for the whole import: every connection is stored, or none.
    return idempotently(this.sessions, ctx, async (tx) => {
      const connections: CaptureImportDto['connections'] = [];
      for (const c of report.connections) {
        const row = await tx.insertSessionWithHistory(
          { id: randomUUID(), tenant_id: ctx.tenantId, mode: c.connection.config.mode, options: c.options, snapshot: c.connection, scenario_id: null },
          c.history,
        );
        connections.push({ session_id: row.id, ...presentConnection(c, ctx.lang) });
      }
      return {
        status: 201,
        headers: {},
        body: { format: report.format, connections, skipped_packets: report.skipped_packets, unparsed_lines: report.unparsed_lines, errors: report.errors },
      };
    });
  }

}

function label(c: ObservedConnection): string {
  return `${c.client.ip}.${c.client.port} > ${c.server.ip}.${c.server.port}`;
}

function unreadable(report: CaptureReport): ApiError {
  const found = [
    ...report.errors,
    report.skipped_packets.length > 0 ? `${report.skipped_packets.length} packet(s) skipped` : null,
    report.unparsed_lines.length > 0 ? `${report.unparsed_lines.length} line(s) not understood` : null,
  ].filter((x): x is string => x !== null);
  return new ApiError(
    ApiErrorCode.CaptureUnreadable,
    `The ${report.format} capture holds no IPv4 TCP segment${found.length > 0 ? `: ${found.join('; ')}` : ''}.`,
    {
      capture_errors: report.errors,
      skipped_packets: report.skipped_packets.slice(0, PROBLEM_LIST_LIMIT),
      unparsed_lines: report.unparsed_lines.slice(0, PROBLEM_LIST_LIMIT),
    },
  );
}

function presentConnection(c: ObservedConnection, lang: Language): ObservedConnectionDto {
  return {
    client: { ip: c.client.ip, port: c.client.port },
    server: { ip: c.server.ip, port: c.server.port },
    start: c.start,
    one_direction: c.one_direction,
    simulated: c.simulated,
    segments: c.segments.map(
      (s): CaptureSegmentDto => ({
        index: s.index,
        frame: s.frame,
        synthesized: s.synthesized,
        time_us: s.time_us,
        from: s.from,
        flags: s.flags,
        seq: s.seq,
        ack: s.ack,
        length: s.length,
        window: s.window,
        role: s.role,
        states_before: s.states_before,
        states_after: s.states_after,
        anomalies: s.anomalies.map((a) => ({
          kind: a.kind,
          text: a.text,
          ...(a.violations ? { violations: a.violations.map((v) => presentViolation(v, lang)) } : {}),
        })),
      }),
    ),
    notes: c.notes,
  };
}
