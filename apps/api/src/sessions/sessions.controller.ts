import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LinkMay } from '../auth/link-access';
import { ProblemResponse } from '../common/problem-response';
import { Ctx, type RequestContext } from '../common/request-context';
import { CreateSessionDto } from './dto/create-session.dto';
import { ListSessionsQueryDto, PageQueryDto } from './dto/list-query.dto';
import { TraceQueryDto } from './dto/trace-query.dto';
import { EventPageDto, ProblemDto, SegmentPageDto, SessionDto, SessionPageDto, StepResultDto } from './dto/session.dto';
import { AdvanceDto, CallDto, DeliverDto, InjectDto, NetworkDto, SendDto } from './dto/step-inputs.dto';
import { callInput, injectInput, sendInput } from './session-inputs';
import { sendReply } from './idempotency';
import { SessionsService } from './sessions.service';

const LANGUAGE = ApiHeader({ name: 'Accept-Language', required: false, description: 'en (default) or zh-CN: the language of every message.' });
const IDEMPOTENCY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'A retry with the same key and body returns the stored response and changes nothing; the same key with another body is a 422.',
});
const IF_MATCH = ApiHeader({ name: 'If-Match', required: false, description: "The session's ETag: the step is applied only if the session is still at that version (412 otherwise)." });

const BAD_REQUEST = ProblemResponse(400, 'Invalid body or query: every bad field is named in `errors`.');
const NOT_FOUND = ProblemResponse(404, 'No such session.');
const CONFLICT = ProblemResponse(409, 'The session history is full, or the segment is not in flight.');
const PRECONDITION = ProblemResponse(412, 'If-Match does not match the session ETag.');
const TOO_LARGE = ProblemResponse(413, 'Body over 64 KiB.');
const MEDIA = ProblemResponse(415, 'The body is not application/json.');
const UNPROCESSABLE = ProblemResponse(
  422,
  'The TCP refuses the move (with `violations` and `expected` for a segment, the RFC error text for a call), or an Idempotency-Key was reused with another body.',
);
/** A route that applies one step to a session: one transaction, the same answers and headers for all of them. */
function StepRoute(summary: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    HttpCode(200),
    ApiOperation({ summary }),
    ApiResponse({ status: 200, type: StepResultDto, description: 'The session after the step, its events and the segments it put on the wire.' }),
    BAD_REQUEST,
    NOT_FOUND,
    CONFLICT,
    PRECONDITION,
    TOO_LARGE,
    MEDIA,
    UNPROCESSABLE,
    LANGUAGE,
    IDEMPOTENCY,
    IF_MATCH,
  );
}

@ApiTags('sessions')
@ApiExtraModels(ProblemDto)
@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @LinkMay({ kind: 'scenario-session' })
  @ApiOperation({ summary: 'Create a simulated connection (both endpoints CLOSED)' })
  @ApiResponse({ status: 201, type: SessionDto, description: 'Created; Location and ETag headers are set.' })
  @BAD_REQUEST
  @TOO_LARGE
  @MEDIA
  @UNPROCESSABLE
  @LANGUAGE
  @IDEMPOTENCY
  async create(@Body() dto: CreateSessionDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionDto> {
    return sendReply(reply, await this.sessions.create(dto, ctx));
  }

  @Get()
  @ApiOperation({ summary: 'List sessions, newest first (cursor-paginated)' })
  @ApiResponse({ status: 200, type: SessionPageDto })
  @BAD_REQUEST
  @LANGUAGE
  list(@Query() query: ListSessionsQueryDto, @Ctx() ctx: RequestContext): Promise<SessionPageDto> {
    return this.sessions.list(query, ctx);
  }

  @Get(':id')
  @LinkMay({ kind: 'session', action: 'read' })
  @ApiOperation({ summary: 'Get a session' })
  @ApiResponse({ status: 200, type: SessionDto, description: 'The session; the ETag header carries its version.' })
  @NOT_FOUND
  @LANGUAGE
  async get(@Param('id') id: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionDto> {
    return sendReply(reply, await this.sessions.get(id, ctx));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a session and its history' })
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @NOT_FOUND
  delete(@Param('id') id: string, @Ctx() ctx: RequestContext): Promise<void> {
    return this.sessions.delete(id, ctx);
  }

  @LinkMay({ kind: 'session', action: 'calls' })
  @Post(':id/calls')
  @StepRoute('A user call at one endpoint: listen, connect, send, receive, close, abort (RFC 9293 §3.10.1–§3.10.5)')
  async call(@Param('id') id: string, @Body() dto: CallDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<StepResultDto> {
    return sendReply(reply, await this.sessions.apply(id, callInput(dto), ctx));
  }

  @LinkMay({ kind: 'session', action: 'send' })
  @Post(':id/send')
  @StepRoute('Send a segment from one endpoint, validated: could a conforming TCP in its state send exactly this now?')
  async send(@Param('id') id: string, @Body() dto: SendDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<StepResultDto> {
    return sendReply(reply, await this.sessions.apply(id, sendInput(dto), ctx));
  }

  @LinkMay({ kind: 'session', action: 'inject' })
  @Post(':id/inject')
  @StepRoute('A segment arrives at an endpoint from the network, whatever the peer did (an old duplicate, a forged RST)')
  async inject(@Param('id') id: string, @Body() dto: InjectDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<StepResultDto> {
    return sendReply(reply, await this.sessions.apply(id, injectInput(dto), ctx));
  }

  @LinkMay({ kind: 'session', action: 'network' })
  @Put(':id/network')
  @StepRoute('Configure the network: automatic delivery and random loss')
  async network(@Param('id') id: string, @Body() dto: NetworkDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<StepResultDto> {
    const input = { type: 'configure_network' as const, ...(dto.auto_deliver !== undefined ? { auto_deliver: dto.auto_deliver } : {}), ...(dto.loss_rate !== undefined ? { loss_rate: dto.loss_rate } : {}) };
    return sendReply(reply, await this.sessions.apply(id, input, ctx));
  }

  @LinkMay({ kind: 'session', action: 'network' })
  @Post(':id/deliver')
  @StepRoute('Deliver, drop or duplicate a segment in flight')
  async deliver(@Param('id') id: string, @Body() dto: DeliverDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<StepResultDto> {
    return sendReply(reply, await this.sessions.apply(id, { type: 'deliver', segment_id: dto.segment_id, action: dto.action }, ctx));
  }

  @LinkMay({ kind: 'session', action: 'advance' })
  @Post(':id/advance')
  @StepRoute('Advance the simulated clock; timers fire in time order (retransmissions, TIME_WAIT expiry)')
  async advance(@Param('id') id: string, @Body() dto: AdvanceDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<StepResultDto> {
    return sendReply(reply, await this.sessions.apply(id, { type: 'advance', ms: dto.ms }, ctx));
  }

  @LinkMay({ kind: 'session', action: 'read' })
  @Post(':id/step')
  @StepRoute('Play the next step of the scenario the session was created from, with its teaching text (en and zh-CN)')
  async playStep(@Param('id') id: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<StepResultDto> {
    return sendReply(reply, await this.sessions.playScenarioStep(id, ctx));
  }

  @LinkMay({ kind: 'session', action: 'read' })
  @Get(':id/trace')
  @ApiOperation({ summary: 'The whole session as tcpdump text, a pcap file, an SVG or Mermaid sequence diagram, or JSON' })
  @ApiProduces('text/plain', 'application/vnd.tcpdump.pcap', 'image/svg+xml', 'text/vnd.mermaid', 'application/json')
  @ApiResponse({ status: 200, description: 'The trace, with Content-Disposition naming a file.' })
  @BAD_REQUEST
  @NOT_FOUND
  @UNPROCESSABLE
  @LANGUAGE
  async trace(@Param('id') id: string, @Query() query: TraceQueryDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<string | Buffer> {
    const trace = await this.sessions.trace(id, query, ctx);
    void reply.header('content-type', trace.type).header('content-disposition', `inline; filename="${trace.file}"`);
    return trace.body;
  }

  @LinkMay({ kind: 'session', action: 'read' })
  @Get(':id/events')
  @ApiOperation({ summary: "The session's event history, oldest first (cursor-paginated)" })
  @ApiResponse({ status: 200, type: EventPageDto })
  @BAD_REQUEST
  @NOT_FOUND
  @LANGUAGE
  events(@Param('id') id: string, @Query() query: PageQueryDto, @Ctx() ctx: RequestContext): Promise<EventPageDto> {
    return this.sessions.events(id, query, ctx);
  }

  @LinkMay({ kind: 'session', action: 'read' })
  @Get(':id/segments')
  @ApiOperation({ summary: 'Every segment that went on the wire, oldest first (cursor-paginated)' })
  @ApiResponse({ status: 200, type: SegmentPageDto })
  @BAD_REQUEST
  @NOT_FOUND
  segments(@Param('id') id: string, @Query() query: PageQueryDto, @Ctx() ctx: RequestContext): Promise<SegmentPageDto> {
    return this.sessions.segments(id, query, ctx);
  }
}
