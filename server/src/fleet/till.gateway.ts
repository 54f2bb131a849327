import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { Logger } from '@nestjs/common';
import {
  ErrorCode,
  SaleSubmitV1,
  StaffSignInV1,
  TILL_NAMESPACE,
  TillHeartbeatV1,
  TillStateV1,
  type TillModeEpoch,
  type TillState,
  type HubToTillEvents,
  type TillToHubEvents,
} from '@stockfleet/shared';
import type { Namespace, Socket } from 'socket.io';
import { DomainEvents } from '../events/domain-events.js';
import { TillHandshake, type TillNamespace, type TillSocket } from './till-handshake.js';
import { FleetNotifier } from './fleet-notifier.js';
import { FleetEvents, unpackDesired, type Fanout } from './fleet.events.js';
import { FleetRepository, type TillConnectRow, type TillHeartbeatRow, type TillReportedRow } from './fleet.repository.js';
import { FleetService } from './fleet.service.js';
import type { TerminalIdentity } from './fleet.types.js';
import { SalesService } from '../inventory/sales.service.js';
import { StaffSignInService } from './staff-signin.service.js';
import { handle } from './socket-utils.js';
import { GroupCommit } from '../common/group-commit.js';
import { DomainException } from '../common/domain-exception.js';
import { describeError } from '../common/log-redaction.js';


/** Tills: device-token auth at the handshake, rooms per store and till, desired state pushed on connect. */
@WebSocketGateway({ namespace: TILL_NAMESPACE })
export class TillGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly log = new Logger('TillGateway');
  /**
   * State reports that arrive together (a chain-wide freeze: every till at once) share one UPDATE; in
   * order. What reacts to a report (the barrier sweep) is told as soon as the batch commits, before its
   * thousands of acknowledgements are written. Each report is acknowledged with the mode and epoch as
   * stored; a batch that fails is refused to every till in it (UNAVAILABLE: they send it again) and
   * logged once, not once per till.
   */
  private readonly reportedStates = new GroupCommit<StateReport, TillModeEpoch>(async (items) => {
    const t0 = Date.now();
    const kept = latestReports(items);
    let rows: TillReportedRow[];
    try {
      rows = await this.repo.saveReportedMany([...kept.values()].map((r) => ({ id: r.till.terminalId, state: r.state, expect: r.expect })));
    } catch (e) {
      this.log.warn(`${items.length} till state report(s) not stored, the tills will send them again: ${firstLine(e)}`);
      throw new DomainException(ErrorCode.Unavailable, 'The hub cannot store this report now; send it again');
    }
    this.log.debug(`${items.length} till state report(s) saved in ${Date.now() - t0} ms`);
    const stored = new Map(rows.map((r) => [r.id, { mode: r.reported_mode, epoch: Number(r.reported_epoch) } satisfies TillModeEpoch]));
    for (const [id, r] of kept) {
      if (!stored.has(id)) continue; // a heartbeat's repair that a newer report overtook, or a deleted till
      try {
        this.notifier.changed(id);
        this.domainEvents.emit('till.reported', { till: r.till, state: r.state });
      } catch (e) {
        this.log.warn(`a listener of till reports failed: ${firstLine(e)}`);
      }
    }
    return items.map((i) => stored.get(i.till.terminalId) ?? { mode: i.state.mode, epoch: i.state.epoch });
  }, { maxInFlight: 1, maxItems: 10_000 });

  /**
   * Connection setups share one statement (online, and the desired state read back) and at most two run
   * at once: a reconnect storm of 10,000 tills queues here instead of taking the whole database pool.
   */
  private readonly connections = new GroupCommit<string, TillConnectRow | undefined>(async (ids) => {
    try {
      const rows = await this.repo.markConnectedMany(ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id));
    } catch (e) {
      this.log.warn(`${ids.length} till connection(s) not set up, the tills will connect again: ${firstLine(e)}`);
      throw e;
    }
  }, { maxInFlight: 2, maxItems: 1000, lingerMs: 10 });

  /** Heartbeats, batched the same way (10,000 tills beat 1,000 times a second, all at once after a restart). */
  private readonly heartbeats = new GroupCommit<{ id: string; offsetMs: number | null; rttMs: number | null }, TillHeartbeatRow | undefined>(async (items) => {
    try {
      const rows = await this.repo.saveClockMany(items);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return items.map((i) => byId.get(i.id));
    } catch (e) {
      this.log.warn(`${items.length} till heartbeat(s) not stored: ${firstLine(e)}`);
      throw new DomainException(ErrorCode.Unavailable, 'The hub cannot record this heartbeat now');
    }
  }, { maxInFlight: 2, maxItems: 2000 });

  private readonly disconnections = new GroupCommit<string>(async (ids) => {
    await this.repo.markDisconnectedMany(ids);
  }, { maxInFlight: 1, maxItems: 2000 });

  constructor(
    private readonly fleet: FleetService,
    private readonly repo: FleetRepository,
    private readonly events: FleetEvents,
    private readonly notifier: FleetNotifier,
    private readonly sales: SalesService,
    private readonly staff: StaffSignInService,
    private readonly handshake: TillHandshake,
    private readonly domainEvents: DomainEvents,
  ) {}

  afterInit(ns: TillNamespace) {
    this.events.till = ns as any;
    // Fan-outs published by the other hub nodes, delivered to this node's sockets.
    (ns as any).on(FleetEvents.FANOUT, (items: string) => this.events.deliver(JSON.parse(items) as Fanout[]));
    (ns as any).on(FleetEvents.DESIRED, (packed: string) => this.events.deliverDesired(unpackDesired(JSON.parse(packed))));
    (ns as any).on(FleetEvents.FLEET_CHANGED, (ids: string) => void this.notifier.deliver(JSON.parse(ids)));
    this.handshake.install(ns);
  }

  async handleConnection(socket: TillSocket) {
    const { till } = socket.data;
    // Rooms first, then the desired state read: a change committed meanwhile reaches this socket one way or the other.
    // Kept on the socket before the first await: its disconnect waits for it, so a setup written late never
    // marks a till online after its disconnect was written.
    const setup = Promise.resolve(socket.join([FleetEvents.tillRoom(till.terminalId), FleetEvents.storeRoom(till.storeId)])).then(() => this.connections.push(till.terminalId));
    socket.data.setup = setup;
    let row: TillConnectRow | undefined;
    try {
      row = await setup;
    } catch {
      // Logged once per batch; the till connects again (its own jittered backoff).
      socket.disconnect(true);
      return;
    }
    if (!socket.connected) return;
    if (row) {
      socket.data.clockOffsetMs = row.clock_offset_ms ?? null;
      socket.emit('till.desired.v1', this.repo.desiredFromRow(row));
    }
    this.domainEvents.emit('till.connected', { till, sendTasks: (tasks) => socket.emit('stocktake.tasks.v1', tasks) });
    this.notifier.changed(till.terminalId);
  }

  async handleDisconnect(socket: TillSocket) {
    const till = socket.data?.till;
    if (!till) return;
    await socket.data.setup?.catch(() => undefined);
    const others = await this.events.till?.in(FleetEvents.tillRoom(till.terminalId)).fetchSockets().catch(() => []);
    if (!others?.length) await this.disconnections.push(till.terminalId).catch(() => {});
    this.notifier.changed(till.terminalId);
  }

  /** Acknowledged once stored, with the mode and epoch as stored (a failed write: UNAVAILABLE, send again). */
  @SubscribeMessage('till.state.v1')
  state(@ConnectedSocket() socket: TillSocket, @MessageBody() body: unknown) {
    socket.data.reports = (socket.data.reports ?? 0) + 1;
    return handle(TillStateV1, body, (s) => this.reportedStates.push({ till: socket.data.till, state: s, expect: null }));
  }

  @SubscribeMessage('till.heartbeat.v1')
  heartbeat(@ConnectedSocket() socket: TillSocket, @MessageBody() body: unknown) {
    const hubAt = Date.now();
    const reportsBefore = socket.data.reports ?? 0;
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
      const till = socket.data.till;
      const row = await this.heartbeats.push({ id: till.terminalId, offsetMs: offset, rttMs: rtt });
      if (offset !== null) this.notifier.changed(till.terminalId);
      if (!row) return { hubAt };
      const desiredEpoch = Number(row.desired_epoch);
      const storedEpoch = row.reported_epoch === null ? null : Number(row.reported_epoch);
      // The till says what it has applied; when the hub stored something else (a report lost to a
      // database blip), it is stored now, through the same path as a report (the barrier hears it).
      // Not when the till sent a report after this heartbeat: that report is newer than what it says.
      const newerReport = (socket.data.reports ?? 0) !== reportsBefore;
      if (hb.state && !newerReport && (hb.state.mode !== row.reported_mode || hb.state.epoch !== storedEpoch)) {
        await this.reportedStates.push({ till, state: repairedState(row, hb.state), expect: { mode: row.reported_mode, epoch: storedEpoch } });
      }
      // Level-triggered: a till that has not applied its latest desired state is told it again. A push
      // can be lost — to tills held by another hub node it travels over Redis pub/sub, at most once.
      const applied = hb.state ? hb.state.epoch : storedEpoch;
      if (applied === null || applied < desiredEpoch) socket.emit('till.desired.v1', this.repo.desiredFromRow(row));
      return { hubAt, desired: { mode: row.desired_mode, epoch: desiredEpoch } };
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

/** A till's report; a heartbeat's repair carries the stored state it saw, and is written only if that is still stored. */
interface StateReport {
  till: TerminalIdentity;
  state: TillState;
  expect: { mode: TillModeEpoch['mode'] | null; epoch: number | null } | null;
}

/**
 * One report per till of a batch: its last report, in order; a heartbeat's repair never replaces a
 * report the till sent itself (the report is newer than what the heartbeat saw).
 */
function latestReports(items: StateReport[]): Map<string, StateReport> {
  const kept = new Map<string, StateReport>();
  for (const i of items) {
    const prev = kept.get(i.till.terminalId);
    if (i.expect && prev && !prev.expect) continue;
    kept.set(i.till.terminalId, i);
  }
  return kept;
}

/** The stored report with the mode and epoch a heartbeat says the till has applied. */
function repairedState(row: TillHeartbeatRow, applied: TillModeEpoch): TillState {
  const merged = TillStateV1.safeParse({ ...(row.reported_state ?? {}), mode: applied.mode, epoch: applied.epoch });
  if (merged.success) return merged.data;
  // Never reported in full before: what the heartbeat says, the rest unknown.
  return TillStateV1.parse({
    mode: applied.mode, epoch: applied.epoch, appVersion: 'unknown', scanner: { kind: 'none', status: 'disconnected' }, outboxDepth: 0, lastSaleSeq: 0,
  });
}

/** The first line of an error's description (no values, no stack): enough for one warning per batch. */
function firstLine(e: unknown): string {
  return describeError(e).split('\n')[0];
}
