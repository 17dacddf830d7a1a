import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route. `tenant` (the default, for every route without the decorator): a tenant's key, whose
 * sessions the route sees. `admin`: the admin key. `any-key`: either. `public`: no key at all.
 */
export type Access = 'public' | 'any-key' | 'tenant' | 'admin';

export const ACCESS = 'tcplab:access';

export const AccessFor = (access: Access): MethodDecorator & ClassDecorator => SetMetadata(ACCESS, access);
