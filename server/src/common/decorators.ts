import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@stockfleet/shared';
import type { Request } from 'express';
import type { UserActor } from './actor.js';

export const IS_PUBLIC = 'sf:public';
export const ROLES = 'sf:roles';

/** No session needed (sign-in, health, till enrolment). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Only these roles may call the route. Routes without it: any signed-in user for reads, admin/manager for writes. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export type AuthedRequest = Request & { actor?: UserActor };

export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): UserActor => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.actor) throw new Error('Actor decorator used on a public route');
  return req.actor;
});

export const ClientIp = createParamDecorator((_: unknown, ctx: ExecutionContext): string | null => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return req.ip ?? null;
});
