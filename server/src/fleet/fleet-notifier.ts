import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { FleetEvents } from './fleet.events.js';
import { FleetRepository } from './fleet.repository.js';

/** Coalesces till changes and streams them to admin clients at most twice a second. */
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
    this.pending.add(terminalId);
    this.timer ??= setTimeout(() => void this.flush(), FleetNotifier.INTERVAL_MS);
  }

  async flush() {
    this.timer = null;
    const ids = [...this.pending];
    this.pending.clear();
    if (!ids.length || !this.events.admin) return;
    try {
      this.events.fleetChanged(await this.repo.status(ids));
    } catch (e) {
      if (process.env.SF_DEBUG) console.error('notifier', e);
      // the database is away (hub shutting down or restarting): admins refetch on reconnect
    }
  }

  onModuleDestroy() {
    if (this.timer) clearTimeout(this.timer);
  }
}
