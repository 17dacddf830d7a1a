import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError, ApiErrorCode } from './api-error';

/** Every invalid field of a request body, with dotted paths for nested ones. */
function flatten(errors: ValidationError[], prefix = ''): Array<{ field: string; message: string }> {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** One validation approach for the whole API: class-validator DTOs, unknown fields refused. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const list = flatten(errors);
      return new ApiError(ApiErrorCode.ValidationFailed, `${list.length} field(s) are invalid: ${list.map((e) => e.field).join(', ')}.`, {
        errors: list,
      });
    },
  });
}
