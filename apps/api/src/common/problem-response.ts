import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from '../sessions/dto/session.dto';

/** An error answer, documented with the media type it is sent with (RFC 9457); `schema` when it has more members. */
export function ProblemResponse(status: number, description: string, schema: typeof ProblemDto = ProblemDto): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, content: { 'application/problem+json': { schema: { $ref: getSchemaPath(schema) } } } });
}
