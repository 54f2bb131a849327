import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ErrorCode, fitsInt4, INT4_MAX, saleTotalCents, type SaleInput } from '@stockfleet/shared';
import { AlertsNotifier } from '../alerts/alerts.notifier.js';
import type { AlertChange } from '../alerts/alerts.repository.js';
import { payloadHash } from '../common/crypto.js';
import { DomainException } from '../common/domain-exception.js';
import { postMovements } from './ledger.repository.js';
import type { TillRef as TerminalIdentity } from '../events/domain-events.js';

/**
 * A sale from a till becomes stock movements exactly once: the sale row and its movements commit
 * together, keyed by the till's own UUID, and the till hears "ok" only after that commit.
 * A sale that happened is never refused for the till's mode: the stocktake reconciles late sales.
 */
@Injectable()
export class SalesService {
  constructor(
    private readonly em: EntityManager,
    private readonly alerts: AlertsNotifier,
  ) {}

  async submit(till: TerminalIdentity, sale: SaleInput, clockOffsetMs: number | null): Promise<{ saleId: string; duplicate: boolean }> {
    if (sale.storeId !== till.storeId) {
      throw new DomainException(ErrorCode.OutOfScope, 'A till can only sell for its own store', { storeId: sale.storeId });
    }
    // Each line is within bounds, but 500 of them at the top price are not: such a sale can never be
    // stored, and saying so (OUT_OF_RANGE, permanent) keeps the till from sending it forever.
    const totalCents = saleTotalCents(sale.lines);
    if (!fitsInt4(totalCents)) {
      throw new DomainException(ErrorCode.OutOfRange, `The sale's total of ${totalCents} cents is more than a sale can hold (${INT4_MAX})`, { totalCents });
    }
    const em = this.em.fork();
    let alerts: AlertChange[] = [];
    const result = await em.transactional(async (tem) => {
      const conn = tem.getConnection();
      const ctx = tem.getTransactionContext();
      const [prior] = await conn.execute(`select id, terminal_id from sale where id = ? or (terminal_id = ? and seq = ?)`, [sale.id, till.terminalId, sale.seq], 'all', ctx);
      if (prior) {
        if (prior.id === sale.id && prior.terminal_id === till.terminalId) return { saleId: sale.id, duplicate: true };
        throw new DomainException(ErrorCode.Conflict, `Sale sequence ${sale.seq} of this till was already used by another sale`);
      }
      if (sale.staffId) {
        // Disabled since signing in is fine (offline sales must not be lost); another store's person is not.
        const [staff] = await conn.execute(`select store_id from staff_member where id = ?`, [sale.staffId], 'all', ctx);
        if (!staff || staff.store_id !== till.storeId) throw new DomainException(ErrorCode.OutOfScope, 'That staff member does not work in this store');
      }
      const sign = sale.kind === 'sale' ? -1 : 1;
      const tillAt = new Date(sale.at);
      // The till's clock is corrected by the offset the hub measured: hub time ≈ till time + offset.
      const correctedAt = new Date(sale.at + (clockOffsetMs ?? 0));
      const posted = await postMovements(
        tem,
        { key: `sale:${sale.id}`, kind: sale.kind, requestHash: payloadHash(sale) },
        sale.lines.map((l) => ({
          storeId: till.storeId,
          productId: l.productId,
          kind: sale.kind,
          quantity: sign * l.quantity,
          source: `till:${till.terminalId}`,
          occurredAt: correctedAt,
          actor: sale.staffId ?? null,
        })),
      );
      // A concurrent delivery of the same sale committed first: its movements and row are already there.
      if (!posted.applied) return { saleId: sale.id, duplicate: true };
      await conn.execute(
        `insert into sale (id, terminal_id, store_id, seq, kind, tender, staff_id, till_at, corrected_at, received_at, total_cents, lines)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?::jsonb)`,
        [sale.id, till.terminalId, till.storeId, sale.seq, sale.kind, sale.tender, sale.staffId ?? null, tillAt, correctedAt,
          totalCents, JSON.stringify(sale.lines)],
        'run', ctx,
      );
      alerts = posted.alerts;
      return { saleId: sale.id, duplicate: false };
    });
    // After commit, and without holding up the till's ack.
    void this.alerts.notify(alerts);
    return result;
  }
}
