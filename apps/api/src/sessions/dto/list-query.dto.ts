import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { STATES, type State } from '@tcplab/tcp-core';

export class PageQueryDto {
  /** Opaque cursor from the previous page's next_cursor. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  /** @example 20 */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class ListSessionsQueryDto extends PageQueryDto {
  /**
   * Only sessions where either endpoint is in this state.
   * @example "ESTABLISHED"
   */
  @IsOptional()
  @IsIn(STATES)
  state?: State;
}
