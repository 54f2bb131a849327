import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { TerminalIdentity } from '../fleet/fleet.types.js';
import type { UserActor } from './actor.js';

/** A request once the auth guard has resolved who is calling (see auth/access.ts for the policies). */
export type AuthedRequest = Request & { actor?: UserActor; till?: TerminalIdentity };

/** The signed-in user of a route whose policy is `Access.read` / `Access.write`. */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): UserActor => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.actor) throw new Error('Actor used on a route whose policy is not a user policy');
  return req.actor;
});

/** The till of a route whose policy is `Access.till()`. */
export const Till = createParamDecorator((_: unknown, ctx: ExecutionContext): TerminalIdentity => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.till) throw new Error('Till used on a route whose policy is not Access.till()');
  return req.till;
});
