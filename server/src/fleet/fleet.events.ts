import { Injectable } from '@nestjs/common';
import type { HubToAdminEvents, HubToTillEvents, TillCommand, TillDesired } from '@stockfleet/shared';
import type { Namespace } from 'socket.io';

/**
 * The one typed way the hub talks to sockets. Gateways register their namespaces here on init;
 * services emit through it and never touch `server.emit` themselves.
 */
@Injectable()
export class FleetEvents {
  till?: Namespace<Record<string, never>, HubToTillEvents>;
  admin?: Namespace<Record<string, never>, HubToAdminEvents>;

  static tillRoom = (id: string) => `till:${id}`;
  static storeRoom = (id: string) => `store:${id}`;
  static adminStoreRoom = (id: string) => `admin:store:${id}`;
  static adminAllRoom = 'admin:all';

  /** Admin apps that may see this store: head office and auditors (all stores) and its managers. */
  toStoreAdmins<E extends keyof HubToAdminEvents>(storeId: string, event: E, ...args: Parameters<HubToAdminEvents[E]>) {
    this.admin?.to([FleetEvents.adminAllRoom, FleetEvents.adminStoreRoom(storeId)]).emit(event, ...args);
  }

  pushDesired(states: TillDesired[]) {
    for (const s of states) this.till?.to(FleetEvents.tillRoom(s.terminalId)).emit('till.desired.v1', s);
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
