import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { ADMIN_NAMESPACE, ErrorCode } from '@stockfleet/shared';
import { parse as parseCookie } from 'cookie';
import type { Subscription } from 'rxjs';
import type { Namespace, Socket } from 'socket.io';
import { SESSION_COOKIE } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import type { UserActor } from '../common/actor.js';
import { ClientAddress } from '../common/client-address.js';
import { sha256 } from '../common/crypto.js';
import { FleetEvents } from './fleet.events.js';

interface AdminSocketData {
  actor: UserActor;
  /** The session the socket was opened with (the hash of its cookie, as stored). */
  tokenHash: string;
  expiresAt: number;
  expiry?: ReturnType<typeof setTimeout>;
}
type AdminSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, AdminSocketData>;

/** Longest delay a Node timer takes (about 24.8 days); longer sessions are left to the sweep. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How often each node re-checks the sessions of the admin sockets it holds. */
const SWEEP_MS = 60_000;

/**
 * Admin apps: authenticated by their session cookie, joined to the rooms of the stores they may see.
 * A socket lives no longer than its session: sign-out, a disabled user or a changed role or stores close
 * it on whichever node holds it (rooms per user and per session, through the adapter), its expiry closes
 * it by timer, and a periodic sweep catches a session ended any other way (or a missed adapter message).
 */
@WebSocketGateway({ namespace: ADMIN_NAMESPACE })
export class AdminGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly log = new Logger('AdminGateway');
  private ns?: Namespace;
  private ended?: Subscription;
  private sweep?: ReturnType<typeof setInterval>;

  constructor(
    private readonly auth: AuthService,
    private readonly events: FleetEvents,
    private readonly addresses: ClientAddress,
  ) {}

  afterInit(ns: Namespace) {
    this.events.admin = ns as any;
    ns.use((socket, next) => {
      const token = parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
      const refuse = () => next(Object.assign(new Error('Sign in first'), { data: { code: ErrorCode.Unauthenticated } }));
      if (!token) return refuse();
      this.auth
        .actorFromToken(token, this.addresses.of(socket.request))
        .then((r) => {
          if (!r) return refuse();
          socket.data = { actor: r.actor, tokenHash: sha256(token), expiresAt: r.expiresAt.getTime() } satisfies AdminSocketData;
          next();
        })
        .catch(() => refuse());
    });
    this.ns = ns;
    this.ended = this.auth.sessionsEnded.subscribe((e) => {
      ns.in('userId' in e ? FleetEvents.adminUserRoom(e.userId) : FleetEvents.adminSessionRoom(e.tokenHash)).disconnectSockets(true);
    });
    this.sweep = setInterval(() => void this.closeEndedSessions(), SWEEP_MS).unref();
  }

  onModuleDestroy() {
    this.ended?.unsubscribe();
    if (this.sweep) clearInterval(this.sweep);
  }

  async handleConnection(socket: AdminSocket) {
    const { actor, tokenHash, expiresAt } = socket.data;
    await socket.join([
      FleetEvents.adminUserRoom(actor.id),
      FleetEvents.adminSessionRoom(tokenHash),
      ...(actor.role === 'manager' ? actor.storeIds.map(FleetEvents.adminStoreRoom) : [FleetEvents.adminAllRoom]),
    ]);
    const wait = expiresAt - Date.now();
    if (wait <= MAX_TIMER_MS) socket.data.expiry = setTimeout(() => socket.disconnect(true), Math.max(0, wait));
    // A session ended between the handshake's check and the joins above was announced to rooms this
    // socket was not in yet: look once more, now that any later end will find it.
    if (!(await this.auth.liveSessions([tokenHash]).catch(() => new Set([tokenHash]))).has(tokenHash)) socket.disconnect(true);
  }

  handleDisconnect(socket: AdminSocket) {
    if (socket.data?.expiry) clearTimeout(socket.data.expiry);
  }

  /** Closes this node's admin sockets whose session is gone (expired, signed out, user disabled). */
  async closeEndedSessions(): Promise<void> {
    const sockets = [...((this.ns?.sockets as Map<string, AdminSocket> | undefined)?.values() ?? [])].filter((s) => s.data?.tokenHash);
    if (!sockets.length) return;
    try {
      const live = await this.auth.liveSessions([...new Set(sockets.map((s) => s.data.tokenHash))]);
      for (const s of sockets) if (!live.has(s.data.tokenHash)) s.disconnect(true);
    } catch (e) {
      this.log.warn(`session sweep failed: ${(e as Error).message}`);
    }
  }
}
