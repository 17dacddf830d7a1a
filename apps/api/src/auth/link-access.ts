import { SetMetadata } from '@nestjs/common';
import type { LinkAllowance } from '../links/dto/link.dto';

/**
 * What a share link's holder may do on a route; routes without it are for API keys only. `session`: the route's
 * `:id` is a session the link reaches, and the action is one the link allows (reading always is).
 * `scenario-session`: create a session of the link's scenario. `exercise` and `quiz`: the route's `:id` is the
 * link's target. `own-link`: the link itself. `lti-results`: the results of the resource link an instructor's launch
 * landed on (the route finds which from the link).
 */
export type LinkAccess =
  | { kind: 'session'; action: 'read' | Exclude<LinkAllowance, 'hints'> }
  | { kind: 'scenario-session' }
  | { kind: 'exercise' }
  | { kind: 'quiz' }
  | { kind: 'own-link' }
  | { kind: 'lti-results' };

export const LINK_ACCESS = 'tcplab:link-access';

export const LinkMay = (access: LinkAccess): MethodDecorator => SetMetadata(LINK_ACCESS, access);
