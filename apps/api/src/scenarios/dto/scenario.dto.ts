import { ApiProperty } from '@nestjs/swagger';
import { STATES, type State } from '@tcplab/tcp-core';

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
