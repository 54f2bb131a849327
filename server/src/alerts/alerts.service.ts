import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { LowStockAlertDto, Page } from '@stockfleet/shared';
import { readableStoreIds, type UserActor } from '../common/actor.js';
import type { LowStockAlertQuery } from './alerts.dto.js';
import { listAlerts } from './alerts.repository.js';

@Injectable()
export class AlertsService {
  constructor(private readonly em: EntityManager) {}

  /** Admins and auditors see every store, managers their own; a named store must be readable. */
  async list(q: LowStockAlertQuery, actor: UserActor): Promise<Page<LowStockAlertDto>> {
    let storeIds = readableStoreIds(actor);
    if (q.storeId) {
      storeIds = [q.storeId];
    }
    const { items, total } = await listAlerts(this.em.fork(), { storeIds, status: q.status, limit: q.limit });
    return { items, total, limit: q.limit, offset: 0 };
  }
}
