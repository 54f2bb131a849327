import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { FleetEvents } from './fleet.events.js';
import { FleetRepository } from './fleet.repository.js';

/**
 * Coalesces till changes and streams them to admin clients at most twice a second. Only the ids of the
 * changed tills travel between hub nodes; each node reads the statuses its own admins may see, and a node
 * that holds no admin reads nothing — a chain-wide freeze changes every till four times over, and the
 * hubs that hold the tills are rarely the ones the admins are watching from.
 */
@Injectable()
export class FleetNotifier implements OnModuleDestroy {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  static readonly INTERVAL_MS = 500;

  constructor(
    private readonly repo: FleetRepository,
    private readonly events: FleetEvents,
  ) {}

  changed(terminalId: string) {
    if (this.destroyed) return;
    this.pending.add(terminalId);
    this.timer ??= setTimeout(() => void this.flush(), FleetNotifier.INTERVAL_MS);
  }

  async flush() {
    this.timer = null;
    const ids = [...this.pending];
    this.pending.clear();
    if (!ids.length) return;
    this.events.toOtherNodes(FleetEvents.FLEET_CHANGED, ids);
    await this.deliver(ids);
  }

  /** These tills changed (here or on another node): this node's admins hear what they may see. */
  async deliver(ids: string[]) {
    const watching = this.events.adminWatching();
    if (!watching) return;
    try {
      this.events.deliverFleetChanged(await this.repo.status(ids, watching === 'all' ? null : watching));
    } catch (e) {
      if (process.env.SF_DEBUG) console.error('notifier', e);
      // the database is away (hub shutting down or restarting): admins refetch on reconnect
    }
  }

  private destroyed = false;
  onModuleDestroy() {
    this.destroyed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
