import { ApiExtension } from '@nestjs/swagger';

/** The OpenAPI extension that marks an operation needing no key; the document's builder turns it into `security: []`. */
export const PUBLIC_OPERATION = 'x-tcplab-public';

/** For controllers marked `@AccessFor('public')` under /v1: their operations are documented without the key scheme. */
export const PublicOperation = (): MethodDecorator & ClassDecorator => ApiExtension(PUBLIC_OPERATION, true);
