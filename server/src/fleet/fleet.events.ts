import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { HubToAdminEvents, HubToTillEvents, TerminalStatus, TillCommand, TillDesired } from '@stockfleet/shared';
import type { Namespace } from 'socket.io';
import { groupBy } from '../common/group-by.js';

/**
 * The one typed way the hub talks to sockets. Gateways register their namespaces here on init;
 * services emit through it and never touch `server.emit` themselves.
 */
@Injectable()
export class FleetEvents implements OnModuleDestroy {
  till?: Namespace<Record<string, never>, HubToTillEvents>;
  admin?: Namespace<Record<string, never>, HubToAdminEvents>;

  private closing = false;
  onModuleDestroy() {
    this.closing = true;
  }

  static tillRoom = (id: string) => `till:${id}`;
  static storeRoom = (id: string) => `store:${id}`;
  static adminStoreRoom = (id: string) => `admin:store:${id}`;
  static adminAllRoom = 'admin:all';
  /** Every admin socket of a user, and of one session: closed on every node when the session ends. */
  static adminUserRoom = (userId: string) => `admin:user:${userId}`;
  static adminSessionRoom = (tokenHash: string) => `admin:session:${tokenHash}`;

  static readonly FANOUT = 'sf.fanout.v1';

  /** Admin apps that may see this store: head office and auditors (all stores) and its managers. */
  toStoreAdmins<E extends keyof HubToAdminEvents>(storeId: string, event: E, ...args: Parameters<HubToAdminEvents[E]>) {
    this.fanout([adminEmit([FleetEvents.adminAllRoom, FleetEvents.adminStoreRoom(storeId)], event, ...args)]);
  }

  static readonly DESIRED = 'sf.desired.v1';

  /**
   * New desired states to their tills on every node. The other nodes get them as one message in a packed
   * form (a chain-wide steer shares mode, reason and time: only id and epoch differ per till).
   */
  pushDesired(states: TillDesired[]) {
    if (!states.length) return;
    this.deliverDesired(states);
    this.toOtherNodes(FleetEvents.DESIRED, packDesired(states));
  }

  /** Desired states to this node's sockets of those tills (straight to the sockets of each till's room). */
  deliverDesired(states: TillDesired[]) {
    const ns = this.till as any;
    if (!ns) return;
    const rooms: Map<string, Set<string>> = ns.adapter.rooms;
    for (const s of states) {
      const ids = rooms.get(FleetEvents.tillRoom(s.terminalId));
      if (ids) for (const id of ids) ns.sockets.get(id)?.emit('till.desired.v1', s);
    }
  }

  /**
   * Many room emits, on every hub node, for the price of one adapter message: delivered here with local
   * emits, and to the other nodes as one server-side message they deliver locally. A room emit through the
   * adapter is one Redis stream entry each; a chain-wide freeze (one per till, then progress per store)
   * made that the hub's largest cost.
   */
  fanout(items: Fanout[]) {
    if (!items.length) return;
    this.deliver(items);
    this.toOtherNodes(FleetEvents.FANOUT, items);
  }

  /**
   * One server-side message to the other hub nodes, as one JSON string: the adapter's msgpack encodes
   * (and every node, this one included, decodes) a string far faster than 10,000 small objects.
   */
  toOtherNodes(event: string, payload: unknown) {
    // Shutting down: the adapter's Redis connection closes next (a publish then would fail unhandled).
    if (this.closing) return;
    try {
      (this.till as any)?.serverSideEmit(event, JSON.stringify(payload));
    } catch {
      // an adapter without server-side messages: a single node, already delivered
    }
  }

  /** Changed till ids, to every node's notifier (which reads what its own admins may see). */
  static readonly FLEET_CHANGED = 'sf.fleet-changed.v2';

  /** What this node's admin sockets may see of the fleet: every store, some stores, or nothing (no admin here). */
  adminWatching(): 'all' | string[] | null {
    const rooms: Map<string, Set<string>> | undefined = (this.admin as any)?.adapter.rooms;
    if (!rooms) return null;
    if (rooms.has(FleetEvents.adminAllRoom)) return 'all';
    const prefix = FleetEvents.adminStoreRoom('');
    const stores = [...rooms.keys()].filter((r) => r.startsWith(prefix)).map((r) => r.slice(prefix.length));
    return stores.length ? stores : null;
  }

  /** Till changes to this node's admins allowed to see them (head office once, managers per store room). */
  deliverFleetChanged(terminals: TerminalStatus[]) {
    const admin = this.admin as any;
    if (!admin) return;
    const rooms: Map<string, Set<string>> = admin.adapter.rooms;
    if (rooms.has(FleetEvents.adminAllRoom)) admin.local.to(FleetEvents.adminAllRoom).emit('fleet.changed.v1', { terminals });
    const byStore = groupBy(terminals.filter((t) => rooms.has(FleetEvents.adminStoreRoom(t.storeId))), (t) => t.storeId);
    for (const [storeId, list] of byStore) admin.local.to(FleetEvents.adminStoreRoom(storeId)).emit('fleet.changed.v1', { terminals: list });
  }

  /** Local delivery of a fan-out (this node's sockets only). */
  deliver(items: Fanout[]) {
    for (const i of items) (this[i.ns] as any)?.local.to(i.to).emit(i.event, ...i.args);
  }

  async command(terminalId: string, cmd: TillCommand, timeoutMs = 5000): Promise<boolean> {
    if (!this.till) return false;
    try {
      const acks = (await this.till.to(FleetEvents.tillRoom(terminalId)).timeout(timeoutMs).emitWithAck('till.command.v1', cmd)) as unknown as Array<{ ok: boolean }>;
      return acks.some((a) => a?.ok);
    } catch {
      return false;
    }
  }

  /** Drops every socket of a revoked till at once, on every hub node. */
  revoke(terminalId: string) {
    const room = FleetEvents.tillRoom(terminalId);
    this.till?.to(room).emit('till.revoked.v1', { terminalId, at: new Date().toISOString() });
    this.till?.in(room).disconnectSockets(true);
  }
}

/** One room emit of a fan-out. */
export interface Fanout {
  ns: 'till' | 'admin';
  to: string[];
  event: string;
  args: unknown[];
}
export const tillEmit = <E extends keyof HubToTillEvents>(to: string[], event: E, ...args: Parameters<HubToTillEvents[E]>): Fanout => ({ ns: 'till', to, event, args });
export const adminEmit = <E extends keyof HubToAdminEvents>(to: string[], event: E, ...args: Parameters<HubToAdminEvents[E]>): Fanout => ({ ns: 'admin', to, event, args });

/** Desired states sharing mode, reason and time, packed: `[mode, since, reason, graceSeconds, [id, epoch, …]]`. */
type PackedDesired = [TillDesired['mode'], string, TillDesired['reason'], number, Array<string | number>];

export function packDesired(states: TillDesired[]): PackedDesired[] {
  const groups = new Map<string, PackedDesired>();
  const reasons = new Map<object, string>(); // a steer's states share one reason object: stringified once
  for (const s of states) {
    let reason = reasons.get(s.reason);
    if (reason === undefined) reasons.set(s.reason, (reason = JSON.stringify(s.reason)));
    const key = `${s.mode}|${s.since}|${s.graceSeconds}|${reason}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = [s.mode, s.since, s.reason, s.graceSeconds, []]));
    g[4].push(s.terminalId, s.epoch);
  }
  return [...groups.values()];
}

export function unpackDesired(packed: PackedDesired[]): TillDesired[] {
  const out: TillDesired[] = [];
  for (const [mode, since, reason, graceSeconds, tills] of packed) {
    for (let i = 0; i < tills.length; i += 2) out.push({ terminalId: tills[i] as string, mode, epoch: tills[i + 1] as number, since, reason, graceSeconds });
  }
  return out;
}
