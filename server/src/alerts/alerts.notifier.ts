import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { FleetEvents } from '../fleet/fleet.events.js';
import { alertsById, type AlertChange } from './alerts.repository.js';

/**
 * Pushes low-stock alert changes to the admin apps that may see the store. Callers hand it the
 * changes their transaction made, after it committed: what is pushed is what a refetch would show.
 * A lost push is not lost state: the admin app refetches the list on every (re)connect.
 */
@Injectable()
export class AlertsNotifier {
  private readonly log = new Logger('Alerts');

  constructor(
    private readonly em: EntityManager,
    private readonly events: FleetEvents,
  ) {}

  /** Never rejects: the stock change it reports has already happened. */
  async notify(changes: readonly AlertChange[]): Promise<void> {
    if (!changes.length || !this.events.admin) return;
    try {
      const rows = new Map((await alertsById(this.em.fork(), changes.map((c) => c.id))).map((a) => [a.id, a]));
      for (const c of changes) {
        const alert = rows.get(c.id);
        if (alert) this.events.toStoreAdmins(alert.storeId, 'alert.low_stock.v1', { change: c.change, alert });
      }
    } catch (e) {
      // The database is away (shutdown, restart): admins refetch when their socket reconnects.
      this.log.warn(`low-stock alert push failed: ${(e as Error).message}`);
    }
  }
}
