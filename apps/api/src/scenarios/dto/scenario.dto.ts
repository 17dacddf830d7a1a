import { ApiProperty } from '@nestjs/swagger';
import { STATES, type State } from '@tcplab/tcp-core';
import { EndpointDto, EventDto, SegmentDto } from '../../sessions/dto/session.dto';

export class ScenarioSummaryDto {
  /** @example "three-way-handshake" */
  id!: string;
  /** In the language of Accept-Language. @example "The three-way handshake" */
  title!: string;
  summary!: string;
  learning_goals!: string[];
  /** RFC 9293 sections. @example ["3.5", "3.10.7.2"] */
  rfc!: string[];
  /** @example 3 */
  steps!: number;
}

export class ScenarioStepStatesDto {
  @ApiProperty({ enum: STATES })
  client!: State;
  @ApiProperty({ enum: STATES })
  server!: State;
}

export class ScenarioStepDto {
  /** @example 0 */
  index!: number;
  /** The step's teaching text, in the language of Accept-Language. */
  text!: string;
  /** The states of both endpoints after the step. */
  expect!: ScenarioStepStatesDto;
  /** The simulator input the step applies. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  input!: Record<string, unknown>;
}

export class ScenarioDto extends ScenarioSummaryDto {
  /** The connection options the scenario starts from (fixed ISNs). */
  @ApiProperty({ type: 'object', additionalProperties: true })
  options!: Record<string, unknown>;
  step_list!: ScenarioStepDto[];
}

export class ScenarioRunMomentDto {
  /** Simulated time after the step. @example 0 */
  clock_ms!: number;
  client!: EndpointDto;
  server!: EndpointDto;
  /** The sequence diagram of the run so far: the same drawing as GET /v1/sessions/{id}/trace?format=svg. */
  svg!: string;
}

export class ScenarioRunStepDto extends ScenarioRunMomentDto {
  /** @example 0 */
  index!: number;
  /** The step's teaching text, in the language of Accept-Language. */
  text!: string;
  /** The rules that applied, each with its RFC section and explanation. */
  events!: EventDto[];
  /** The segments the step put on the wire. */
  segments!: SegmentDto[];
}

/** A scenario played from start to end by the simulator: every step's states, segments, explanations and diagram. */
export class ScenarioRunDto extends ScenarioSummaryDto {
  /** Before the first step. */
  start!: ScenarioRunMomentDto;
  step_list!: ScenarioRunStepDto[];
}
