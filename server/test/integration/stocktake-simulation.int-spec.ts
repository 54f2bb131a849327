import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { encodeSgtin96 } from '@stockfleet/shared';
import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createProduct, createStore, onHand, signedIn } from '../utils/factories';
import { enrolTill } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { until } from '../utils/until';

const PRODUCTS = 3;
const op = fc.oneof(
  fc.record({ kind: fc.constant('sale' as const), till: fc.nat(1), product: fc.nat(PRODUCTS - 1), qty: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('return' as const), till: fc.nat(1), product: fc.nat(PRODUCTS - 1), qty: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ kind: fc.constant('toggle' as const), till: fc.nat(1) }),
);
const scenario = fc.record({
  opening: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: PRODUCTS, maxLength: PRODUCTS }),
  before: fc.array(op, { maxLength: 8 }),
  duringFreeze: fc.array(fc.record({ product: fc.nat(PRODUCTS - 1), qty: fc.integer({ min: 1, max: 2 }) }), { maxLength: 3 }),
  offlineAtFreeze: fc.boolean(),
  miscount: fc.option(fc.record({ product: fc.nat(PRODUCTS - 1), by: fc.integer({ min: 3, max: 6 }) }), { nil: null }),
  splits: fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), { minLength: PRODUCTS, maxLength: PRODUCTS }),
  rfidRereads: fc.integer({ min: 0, max: 3 }),
});

/**
 * Random sales, returns, offline periods, repeat scans, retried deliveries, RFID re-reads and recounts
 * against the real hub: after approval the book equals the simulated shelf for every product.
 */
describe('Stocktake simulation (fast-check)', () => {
  let t: TestApp;
  let admin: HttpClient;
  beforeAll(async () => {
    t = await bootApp();
    admin = await signedIn(t.url, t.em(), 'admin');
  });
  afterAll(async () => { await t.close(); });

  it('book = shelf after approval, in every run', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const store = await createStore(t.em(), { zones: ['A1', 'A2'] });
        const products: Array<Awaited<ReturnType<typeof createProduct>>> = [];
        for (let i = 0; i < PRODUCTS; i++) products.push(await createProduct(t.em(), { costCents: 100 }));
        const shelf = [...sc.opening];
        await admin.post('/api/stock/receipts', { idempotencyKey: `sim-${randomUUID()}`, storeId: store.id, lines: products.map((p, i) => ({ productId: p.id, quantity: Math.max(1, shelf[i]) })) });
        shelf.forEach((q, i) => (shelf[i] = Math.max(1, q)));
        const tills: SimTill[] = [];
        try {
          for (let i = 0; i < 2; i++) {
            const e = await enrolTill(t.url, admin, store.id, `S${i}`);
            tills.push(new SimTill(t.url, e.token, store.id, e.terminalId));
          }
          await Promise.all(tills.map((x) => x.connected()));
          const online = [true, true];
          for (const o of sc.before) {
            if (o.kind === 'toggle') {
              if (online[o.till]) tills[o.till].close(); else tills[o.till].socket.connect();
              online[o.till] = !online[o.till];
              continue;
            }
            if (o.kind === 'sale' && shelf[o.product] < o.qty) continue; // nobody sells what is not on the shelf
            await tills[o.till].sell(products[o.product].id, o.qty, Date.now(), o.kind);
            shelf[o.product] += o.kind === 'sale' ? -o.qty : o.qty;
          }
          if (sc.offlineAtFreeze && online[1]) { tills[1].close(); online[1] = false; }
          if (!sc.offlineAtFreeze && !online[1]) { tills[1].socket.connect(); online[1] = true; }
          if (!online[0]) { tills[0].socket.connect(); online[0] = true; }
          await until(() => tills.filter((_, i) => online[i]).every((x) => x.socket.connected && x.outbox.length === 0), (v) => v, 'online tills flushed');

          const id = (await admin.post('/api/stocktakes', { name: 'Sim', scope: { kind: 'stores', storeIds: [store.id] }, thresholds: { quantity: 2, percent: 0, valueCents: 0 } })).body.id;
          await admin.post(`/api/stocktakes/${id}/start`);
          if (!online[1]) {
            // The offline till sells during the freeze without knowing; the admin forces the barrier past it.
            for (const s of sc.duringFreeze) {
              if (shelf[s.product] < s.qty) continue;
              await tills[1].sell(products[s.product].id, s.qty);
              shelf[s.product] -= s.qty;
            }
            await until(() => admin.get(`/api/stocktakes/${id}`).then((r) => r.body.stores[0].waitingFor.length), (n) => n === 1, 'barrier waiting');
            await admin.post(`/api/stocktakes/${id}/stores/${store.id}/force`, { terminalIds: [tills[1].terminalId], reason: 'offline' });
          }
          await until(() => tills[0].mode, (m) => m === 'counting', 'counting');
          if (!online[1]) { tills[1].socket.connect(); await until(() => tills[1].mode === 'counting' && tills[1].outbox.length === 0, (v) => v, 'late till caught up'); }

          // Count the shelf: split into repeat scans across tills and zones; product 0 by RFID tags, re-read.
          for (let p = 0; p < PRODUCTS; p++) {
            let left = shelf[p] + (sc.miscount?.product === p && shelf[p] > 0 ? sc.miscount.by : 0);
            if (left <= 0) continue;
            if (p === 0) {
              const epcs = Array.from({ length: left }, (_, i) => encodeSgtin96({ gtin: products[0].gtin, serial: `${i + 1}`, companyPrefixLength: 7 } as any));
              for (let r = 0; r <= sc.rfidRereads; r++) await tills[r % 2].count(id, epcs.map((epc) => ({ zoneId: store.zones[0].id, epc })));
              continue;
            }
            const parts = [...sc.splits[p]];
            let k = 0;
            while (left > 0) {
              const q = Math.min(left, parts[k % Math.max(1, parts.length)] ?? left);
              const { entries } = await tills[k % 2].count(id, [{ zoneId: store.zones[k % 2].id, productId: products[p].id, quantity: q }]);
              if (k === 0) await tills[0].emit('count.submit.v1', { stocktakeId: id, entries }); // a retried delivery
              left -= q;
              k++;
            }
          }
          await admin.post(`/api/stocktakes/${id}/stores/${store.id}/close`);
          if (sc.miscount && shelf[sc.miscount.product] > 0) {
            const mp = sc.miscount.product;
            await admin.post(`/api/stocktakes/${id}/stores/${store.id}/recounts`, { lines: [{ productId: products[mp].id, zoneId: null }] });
            const task = await until(() => tills[0].tasks, (tk) => !!tk && tk.recounts.some((r) => r.productId === products[mp].id), 'recount task');
            const taskId = task!.recounts.find((r) => r.productId === products[mp].id)!.id;
            await tills[0].count(id, [{ zoneId: store.zones[0].id, productId: products[mp].id, quantity: shelf[mp], recountTaskId: taskId }]);
            await admin.post(`/api/stocktakes/${id}/stores/${store.id}/close`);
          }
          const approved = await admin.post(`/api/stocktakes/${id}/stores/${store.id}/approve`);
          expect(approved.status).toBe(200);
          for (let p = 0; p < PRODUCTS; p++) expect({ p, book: await onHand(t.em(), store.id, products[p].id) }).toEqual({ p, book: shelf[p] });
        } finally {
          tills.forEach((x) => x.close());
        }
      }),
      { numRuns: Number(process.env.SF_SIM_RUNS ?? 6), endOnFailure: true },
    );
  }, 300_000);
});
