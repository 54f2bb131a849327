import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type {
  AdjustmentInput,
  BalanceDto,
  BalanceQuery,
  MovementDto,
  MovementResultDto,
  Page,
  ReceiptInput,
  TransferInput,
} from '@stockfleet/shared';
import { ErrorCode } from '@stockfleet/shared';
import { AlertsNotifier } from '../alerts/alerts.notifier.js';
import { AuditService, fromUser } from '../audit/audit.service.js';
import { readableStoreIds, type UserActor } from '../common/actor.js';
import { payloadHash } from '../common/crypto.js';
import { DomainException, notFound } from '../common/domain-exception.js';
import { mapMovementRow, MOVEMENT_COLUMNS, postMovements } from './ledger.repository.js';

@Injectable()
export class InventoryService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly alerts: AlertsNotifier,
  ) {}

  async receipt(input: ReceiptInput, actor: UserActor): Promise<MovementResultDto> {
    return this.post(actor, 'receipt', input, input.storeId, () =>
      input.lines.map((l) => ({ storeId: input.storeId, productId: l.productId, kind: 'receipt' as const, quantity: l.quantity, reason: input.reference ?? null })),
    );
  }

  async transfer(input: TransferInput, actor: UserActor): Promise<MovementResultDto> {
    if (input.fromStoreId === input.toStoreId) throw new DomainException(ErrorCode.SameStoreTransfer, 'A transfer needs two different stores');
    // Both legs are one batch, hence one transaction: stock never leaves one store without arriving at the other.
    return this.post(actor, 'transfer', input, input.fromStoreId, () =>
      input.lines.flatMap((l) => [
        { storeId: input.fromStoreId, productId: l.productId, kind: 'transfer_out' as const, quantity: -l.quantity, reason: input.reference ?? null },
        { storeId: input.toStoreId, productId: l.productId, kind: 'transfer_in' as const, quantity: l.quantity, reason: input.reference ?? null },
      ]),
    );
  }

  async adjustment(input: AdjustmentInput, actor: UserActor): Promise<MovementResultDto> {
    return this.post(actor, 'adjustment', input, input.storeId, () =>
      input.lines.map((l) => ({ storeId: input.storeId, productId: l.productId, kind: 'adjustment' as const, quantity: l.quantity, reason: input.reason, note: input.note || null })),
    );
  }

  private async post(
    actor: UserActor,
    kind: string,
    input: { idempotencyKey: string },
    storeId: string,
    build: () => Array<{ storeId: string; productId: string; kind: MovementDto['kind']; quantity: number; reason: string | null; note?: string | null }>,
  ): Promise<MovementResultDto> {
    const em = this.em.fork();
    const { alerts, ...result } = await em.transactional(async (tem) => {
      const lines = build().map((l) => ({ ...l, source: 'api', actor: actor.email }));
      const result = await postMovements(tem, { key: `api:${input.idempotencyKey}`, kind, requestHash: payloadHash(input) }, lines);
      if (result.applied) {
        await this.audit.record(tem, {
          ...fromUser(actor),
          action: `stock.${kind}`,
          storeId,
          subject: input.idempotencyKey,
          details: { lines: lines.length, movements: result.movements.map((m) => m.id) },
        });
      }
      return result;
    });
    void this.alerts.notify(alerts);
    return result;
  }

  async balances(q: BalanceQuery): Promise<Page<BalanceDto>> {
    const where = ['b.store_id = ?'];
    const params: unknown[] = [q.storeId];
    if (q.q) {
      where.push('(p.sku ilike ? or p.name ilike ?)');
      params.push(`%${q.q}%`, `%${q.q}%`);
    }
    if (q.lowOnly === 'true') where.push('b.on_hand < p.low_stock_threshold');
    const w = where.join(' and ');
    const conn = this.em.getConnection();
    const [{ total }] = await conn.execute<{ total: string }[]>(`select count(*) as total from stock_balance b join product p on p.id = b.product_id where ${w}`, params);
    const rows = await conn.execute<any[]>(
      `select b.store_id, b.product_id, p.sku, p.name, p.category, b.on_hand, p.low_stock_threshold
         from stock_balance b join product p on p.id = b.product_id where ${w}
        order by p.sku limit ? offset ?`,
      [...params, q.limit, q.offset],
    );
    return {
      total: Number(total),
      limit: q.limit,
      offset: q.offset,
      items: rows.map((r) => ({
        storeId: r.store_id,
        productId: r.product_id,
        sku: r.sku,
        name: r.name,
        category: r.category,
        onHand: r.on_hand,
        lowStockThreshold: r.low_stock_threshold,
        low: r.on_hand < r.low_stock_threshold,
      })),
    };
  }

  /** Balances of one product in every store the actor may read. */
  async productBalances(productId: string, actor: UserActor): Promise<Array<{ storeId: string; onHand: number }>> {
    const scope = readableStoreIds(actor);
    const rows = await this.em.getConnection().execute<any[]>(
      `select store_id, on_hand from stock_balance where product_id = ? ${scope ? 'and store_id = any(?::uuid[])' : ''} order by store_id`,
      scope ? [productId, `{${scope.join(',')}}`] : [productId],
    );
    return rows.map((r) => ({ storeId: r.store_id, onHand: r.on_hand }));
  }

  async ledger(productId: string, q: { storeId?: string; limit: number; offset: number }, actor: UserActor): Promise<Page<MovementDto>> {
    const conn = this.em.getConnection();
    const [exists] = await conn.execute<any[]>(`select 1 from product where id = ?`, [productId]);
    if (!exists) throw notFound('Product', productId);
    const where = ['product_id = ?'];
    const params: unknown[] = [productId];
    if (q.storeId) {
      where.push('store_id = ?');
      params.push(q.storeId);
    } else {
      const scope = readableStoreIds(actor);
      if (scope) {
        where.push('store_id = any(?::uuid[])');
        params.push(`{${scope.join(',')}}`);
      }
    }
    const w = where.join(' and ');
    const [{ total }] = await conn.execute<{ total: string }[]>(`select count(*) as total from stock_movement where ${w}`, params);
    const rows = await conn.execute<any[]>(
      `select ${MOVEMENT_COLUMNS} from stock_movement where ${w} order by id desc limit ? offset ?`,
      [...params, q.limit, q.offset],
    );
    return { total: Number(total), limit: q.limit, offset: q.offset, items: rows.map(mapMovementRow) };
  }
}
