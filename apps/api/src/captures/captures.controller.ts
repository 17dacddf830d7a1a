import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Language } from '@tcplab/tcp-core';
import { AccessFor } from '../auth/access.decorator';
import { PublicOperation } from '../common/public-operation';
import { ApiConsumes, ApiExtraModels, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ProblemResponse } from '../common/problem-response';
import { Ctx, Lang, type RequestContext } from '../common/request-context';
import { ProblemDto } from '../sessions/dto/session.dto';
import { sendReply } from '../sessions/idempotency';
import { CaptureAnalysisDto, CaptureImportDto, CaptureProblemDto } from './dto/capture-report.dto';
import { ImportCaptureDto } from './dto/import-capture.dto';
import { CapturesService } from './captures.service';

@ApiTags('captures')
@ApiExtraModels(ProblemDto, CaptureProblemDto)
@Controller('v1/captures')
export class CapturesController {
  constructor(private readonly captures: CapturesService) {}

  @Post()
  @ApiOperation({
    summary: 'Import a capture (pcap, pcapng or tcpdump text): every TCP connection in it is replayed and stored as a session',
    description:
      'Each connection is replayed through the simulator as an observer of both ends (manual mode as the oracle) and annotated: ' +
      'the role of every segment, both states before and after it, and anything a conforming TCP would not have sent. ' +
      'It is stored as a manual-mode session whose history is that replay, so GET /v1/sessions/{id}, /events, /segments and /trace work on it. ' +
      'All connections are stored in one transaction. Send the file itself ' +
      '(`curl localhost:3000/v1/captures -H \'content-type: application/vnd.tcpdump.pcap\' --data-binary @file.pcap`, or text/plain for ' +
      'tcpdump text), or JSON with the file as base64 in `pcap` or the text in `text`. Bodies stop at 64 KiB.',
  })
  @ApiConsumes('application/json', 'application/vnd.tcpdump.pcap', 'application/octet-stream', 'text/plain')
  @ApiResponse({ status: 201, type: CaptureImportDto, description: 'The annotated connections, each with the id of the session it was stored as.' })
  @ProblemResponse(400, 'Invalid body: neither or both of pcap and text, pcap not base64 or not a pcap/pcapng file; the fields are named in `errors`.')
  @ProblemResponse(409, 'A connection has more segments than a session may keep.')
  @ProblemResponse(413, 'Body over 64 KiB.')
  @ProblemResponse(415, 'The body is neither JSON, a capture file (application/vnd.tcpdump.pcap, application/octet-stream) nor text/plain.')
  @ProblemResponse(422, 'CAPTURE_UNREADABLE: the capture holds no IPv4 TCP segment (with what the parser found), or an Idempotency-Key was reused with another body.', CaptureProblemDto)
  @ApiHeader({ name: 'Accept-Language', required: false, description: 'en (default) or zh-CN: the language of the violations in anomalies.' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key and body returns the stored response and imports nothing again; the same key with another body is a 422.',
  })
  async import(@Body() dto: ImportCaptureDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<CaptureImportDto> {
    return sendReply(reply, await this.captures.import(dto, ctx));
  }

  @Post('analysis')
  @HttpCode(200)
  @AccessFor('public')
  @PublicOperation()
  @ApiOperation({
    summary: 'Read a capture and replay every TCP connection in it, as POST /v1/captures does, but store nothing (the capture viewer)',
    description: 'No key needed: nothing is kept. JSON only, with the file as base64 in `pcap` or tcpdump text in `text`; each connection comes with its sequence diagram.',
  })
  @ApiResponse({ status: 200, type: CaptureAnalysisDto })
  @ProblemResponse(400, 'Invalid body: neither or both of pcap and text, pcap not base64 or not a pcap/pcapng file; the fields are named in `errors`.')
  @ProblemResponse(413, 'Body over 64 KiB.')
  @ProblemResponse(422, 'CAPTURE_UNREADABLE: the capture holds no IPv4 TCP segment (with what the parser found).', CaptureProblemDto)
  @ApiHeader({ name: 'Accept-Language', required: false, description: 'en (default) or zh-CN: the language of the diagrams and violations.' })
  analyze(@Body() dto: ImportCaptureDto, @Lang() lang: Language): CaptureAnalysisDto {
    return this.captures.analyze(dto, lang);
  }
}
