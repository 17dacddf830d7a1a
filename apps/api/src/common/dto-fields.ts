import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** An optional seed: an unsigned 32-bit integer (what tcp-core's PRNG takes), validated and documented as such. */
export function OptionalSeed(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsInt(), Min(0), Max(4294967295), ApiProperty({ required: false, type: 'integer', minimum: 0, maximum: 4294967295 }));
}
