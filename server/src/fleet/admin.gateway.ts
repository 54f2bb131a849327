import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { ADMIN_NAMESPACE, ErrorCode } from '@stockfleet/shared';
import { parse as parseCookie } from 'cookie';
import type { Namespace, Socket } from 'socket.io';
import { SESSION_COOKIE } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import type { UserActor } from '../common/actor.js';
import { FleetEvents } from './fleet.events.js';

/** Admin apps: authenticated by their session cookie, joined to the rooms of the stores they may see. */
@WebSocketGateway({ namespace: ADMIN_NAMESPACE })
export class AdminGateway implements OnGatewayInit, OnGatewayConnection {
  constructor(
    private readonly auth: AuthService,
    private readonly events: FleetEvents,
  ) {}

  afterInit(ns: Namespace) {
    this.events.admin = ns as any;
    ns.use((socket, next) => {
      const token = parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
      const refuse = () => next(Object.assign(new Error('Sign in first'), { data: { code: ErrorCode.Unauthenticated } }));
      if (!token) return refuse();
      this.auth
        .actorFromToken(token, socket.handshake.address ?? null)
        .then((r) => {
          if (!r) return refuse();
          socket.data = { actor: r.actor };
          next();
        })
        .catch(() => refuse());
    });
  }

  async handleConnection(socket: Socket) {
    const actor = socket.data.actor as UserActor;
    if (actor.role === 'manager') await socket.join(actor.storeIds.map(FleetEvents.adminStoreRoom));
    else await socket.join(FleetEvents.adminAllRoom);
  }
}
