import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { EntityManager } from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';
import {
  SaleSubmitV1,
  StaffSignInV1,
  TILL_NAMESPACE,
  TillHeartbeatV1,
  TillStateV1,
  type TillState,
  type HubToTillEvents,
  type TillToHubEvents,
} from '@stockfleet/shared';
import type { Namespace, Socket } from 'socket.io';
import { ClientAddress } from '../common/client-address.js';
import { toDomainException } from '../common/http-exception.filter.js';
import { FleetHooks } from './fleet-hooks.js';
import { FleetNotifier } from './fleet-notifier.js';
import { FleetEvents, unpackDesired, type Fanout } from './fleet.events.js';
import { FleetRepository } from './fleet.repository.js';
import { FleetService } from './fleet.service.js';
import type { TerminalIdentity } from './fleet.types.js';
import { SalesService } from './sales.service.js';
import { StaffSignInService } from './staff-signin.service.js';
import { handle } from './socket-utils.js';
import { GroupCommit } from '../common/group-commit.js';

interface TillSocketData {
  till: TerminalIdentity;
  clockOffsetMs: number | null;
  /** The till's address under TRUST_PROXY, for the audit log (a device token used from elsewhere shows). */
  address: string | null;
}
type TillSocket = Socket<TillToHubEvents, HubToTillEvents, Record<string, never>, TillSocketData>;

/** Tills: device-token auth at the handshake, rooms per store and till, desired state pushed on connect. */
@WebSocketGateway({ namespace: TILL_NAMESPACE })
export class TillGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly log = new Logger('TillGateway');
  /**
   * State reports that arrive together (a chain-wide freeze: every till at once) share one UPDATE; in
   * order. What reacts to a report (the barrier sweep) is told as soon as the batch commits, before its
   * thousands of acknowledgements are written.
   */
  private readonly reportedStates = new GroupCommit<{ till: TerminalIdentity; state: TillState }>(async (items) => {
    const t0 = Date.now();
    await this.repo.saveReportedMany(items.map((i) => ({ id: i.till.terminalId, state: i.state })));
    this.log.debug(`${items.length} till state report(s) saved in ${Date.now() - t0} ms`);
    for (const i of items) {
      this.notifier.changed(i.till.terminalId);
      this.hooks.reported.next(i);
    }
  }, { maxInFlight: 1, maxItems: 10_000 });

  constructor(
    private readonly fleet: FleetService,
    private readonly repo: FleetRepository,
    private readonly events: FleetEvents,
    private readonly notifier: FleetNotifier,
    private readonly sales: SalesService,
    private readonly staff: StaffSignInService,
    private readonly addresses: ClientAddress,
    private readonly hooks: FleetHooks,
    private readonly em: EntityManager,
  ) {}

  afterInit(ns: Namespace) {
    this.events.till = ns as any;
    // Fan-outs published by the other hub nodes, delivered to this node's sockets.
    (ns as any).on(FleetEvents.FANOUT, (items: string) => this.events.deliver(JSON.parse(items) as Fanout[]));
    (ns as any).on(FleetEvents.DESIRED, (packed: string) => this.events.deliverDesired(unpackDesired(JSON.parse(packed))));
    (ns as any).on(FleetEvents.FLEET_CHANGED, (ids: string) => void this.notifier.deliver(JSON.parse(ids)));
    ns.use((socket, next) => {
      this.fleet
        .identify((socket.handshake.auth as { token?: unknown } | undefined)?.token)
        .then((till) => {
          socket.data = { till, clockOffsetMs: null, address: this.addresses.of(socket.request) } satisfies TillSocketData;
          next();
        })
        .catch((e) => {
          const err = toDomainException(e);
          next(Object.assign(new Error(err.message), { data: { code: err.code } }));
        });
    });
  }

  async handleConnection(socket: TillSocket) {
    const { till } = socket.data;
    await socket.join([FleetEvents.tillRoom(till.terminalId), FleetEvents.storeRoom(till.storeId)]);
    try {
      await this.repo.markConnected(till.terminalId, true);
      const row = await this.repo.get(this.em.fork(), till.terminalId);
      if (row) {
        socket.data.clockOffsetMs = row.clock_offset_ms ?? null;
        socket.emit('till.desired.v1', this.repo.desiredFromRow(row));
      }
      this.hooks.connected.next({ till, emit: (event, payload) => (socket as any).emit(event, payload) });
      this.notifier.changed(till.terminalId);
    } catch (e) {
      this.log.warn(`connect of ${till.terminalId} failed: ${(e as Error).message}`);
      socket.disconnect(true);
    }
  }

  async handleDisconnect(socket: TillSocket) {
    const till = socket.data?.till;
    if (!till) return;
    const others = await this.events.till?.in(FleetEvents.tillRoom(till.terminalId)).fetchSockets().catch(() => []);
    if (!others?.length) await this.repo.markConnected(till.terminalId, false).catch(() => {});
    this.notifier.changed(till.terminalId);
  }

  @SubscribeMessage('till.state.v1')
  state(@ConnectedSocket() socket: TillSocket, @MessageBody() body: unknown) {
    return handle(TillStateV1, body, async (s) => {
      await this.reportedStates.push({ till: socket.data.till, state: s });
      return null;
    });
  }

  @SubscribeMessage('till.heartbeat.v1')
  heartbeat(@ConnectedSocket() socket: TillSocket, @MessageBody() body: unknown) {
    const hubAt = Date.now();
    return handle(TillHeartbeatV1, body, async (hb) => {
      let offset: number | null = null;
      let rtt: number | null = null;
      const p = hb.previous;
      if (p && p.receivedAt >= p.sentAt && p.receivedAt - p.sentAt < 60_000) {
        // NTP: the hub stamped hubAt halfway (on average) through the till's round trip.
        rtt = p.receivedAt - p.sentAt;
        offset = Math.round(p.hubAt - (p.sentAt + p.receivedAt) / 2);
        socket.data.clockOffsetMs = offset;
      }
      const row = await this.repo.saveClock(socket.data.till.terminalId, offset, rtt);
      if (offset !== null) this.notifier.changed(socket.data.till.terminalId);
      // Level-triggered: a till that has not applied its latest desired state is told it again. A push
      // can be lost — to tills held by another hub node it travels over Redis pub/sub, at most once.
      if (row && (row.reported_epoch === null || Number(row.reported_epoch) < Number(row.desired_epoch))) socket.emit('till.desired.v1', this.repo.desiredFromRow(row));
      return { hubAt };
    });
  }

  @SubscribeMessage('staff.signin.v1')
  signin(@ConnectedSocket() socket: TillSocket, @MessageBody() body: unknown) {
    return handle(StaffSignInV1, body, (credential) => this.staff.signIn(socket.data.till, credential, socket.data.address));
  }

  @SubscribeMessage('sale.submit.v1')
  sale(@ConnectedSocket() socket: TillSocket, @MessageBody() body: unknown) {
    return handle(SaleSubmitV1, body, (sale) => this.sales.submit(socket.data.till, sale, socket.data.clockOffsetMs));
  }
}
