import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { JobsService } from '../../src/jobs/jobs.service';
import { PLANS_QUEUE } from '../../src/jobs/jobs.types';
import { PlansService } from '../../src/plans/plans.service';
import { bootApp, type TestApp } from '../utils/test-app';
import type { HttpClient } from '../utils/http';
import { createProduct, createStore, onHand, signedIn } from '../utils/factories';
import { enrolTill } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { until } from '../utils/until';

const DAY = 86_400_000;

/** Wall-clock fields of an instant in a zone, as a person there reads them. */
function local(at: number | string, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' })
    .formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { date: `${get('year')}-${get('month')}-${get('day')}`, day: Number(get('day')), time: `${get('hour')}:${get('minute')}`, weekday: get('weekday') };
}

// Hubs of other specs with workers repair the schedulers of every plan in the shared database; this spec's
// hubs get a queue of their own so those repairs cannot race its assertions.
const PREFIX = `sf-test-${process.env.SF_TEST_RUN_ID}-plans`;

describe('Count plans', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let queue: Queue;
  const tills: SimTill[] = [];
  const sql = (text: string, params: unknown[] = []) => t.em().getConnection().execute<any[]>(text, params);

  beforeAll(async () => {
    t = await bootApp({ RUN_WORKERS: 'true', BULL_PREFIX: PREFIX });
    admin = await signedIn(t.url, t.em(), 'admin');
    queue = t.app.get(JobsService).queues[PLANS_QUEUE];
  });
  afterAll(async () => {
    tills.forEach((c) => c.close());
    await t.close();
  });

  const plan = (storeIds: string[], over: Record<string, unknown> = {}) => ({
    name: `Plan ${randomUUID().slice(0, 8)}`, cadence: 'daily', timeOfDay: '06:00', timezone: 'Asia/Shanghai', storeIds, method: 'full', ...over,
  });
  const create = async (body: Record<string, unknown>) => {
    const res = await admin.post('/api/count-plans', body);
    expect(res.status).toBe(201);
    return res.body;
  };
  const runs = (id: string) => admin.get(`/api/count-plans/${id}/runs`).then((r) => r.body as any[]);
  const runNow = async (id: string) => {
    const res = await admin.post(`/api/count-plans/${id}/run`);
    expect(res.status).toBe(202);
    expect(res.body.runKey).toMatch(/^manual-[0-9a-f-]{36}$/);
    return until(() => runs(id), (rs) => rs.some((r) => r.runKey === res.body.runKey && !r.note?.startsWith('in progress')), `run ${res.body.runKey}`, 30_000)
      .then((rs) => rs.find((r) => r.runKey === res.body.runKey));
  };
  const delayedOf = async (planId: string) => (await queue.getDelayed()).filter((j) => j.id?.startsWith(`repeat:${planId}:`));
  const stocktakesOf = (planName: string) => sql(`select id from stocktake where created_by_name = ?`, [`Count plan "${planName}"`]);

  describe('scheduling', () => {
    it('schedules a daily plan at its local time: 06:00 in Shanghai is 22:00 UTC', async () => {
      const store = await createStore(t.em());
      const before = Date.now();
      const p = await create(plan([store.id]));
      expect(p).toMatchObject({ enabled: true, cadence: 'daily', timeOfDay: '06:00', timezone: 'Asia/Shanghai', weekday: null, dayOfMonth: null, storeIds: [store.id], lastRunAt: null, createdBy: 'Test admin' });
      const next = Date.parse(p.nextRunAt);
      expect(new Date(next).getUTCHours()).toBe(22);
      expect(new Date(next).getUTCMinutes()).toBe(0);
      expect(next).toBeGreaterThan(before);
      expect(next - before).toBeLessThanOrEqual(DAY);
      expect(local(next, 'Asia/Shanghai').time).toBe('06:00');

      const s = await queue.getJobScheduler(p.id);
      expect(s).toMatchObject({ name: 'plan.run.v1', pattern: '0 6 * * *', tz: 'Asia/Shanghai', next });
      expect(s!.template?.data).toEqual({ name: 'plan.run.v1', planId: p.id });
      expect((await delayedOf(p.id)).map((j) => j.id)).toEqual([`repeat:${p.id}:${next}`]);
      expect((await admin.get(`/api/count-plans/${p.id}`)).body.nextRunAt).toBe(p.nextRunAt);

      const [audit] = await sql(`select actor_name, details from audit_event where action = 'count_plan.created' and subject = ?`, [p.id]);
      expect(audit.actor_name).toBe(admin.user.email);
      expect(audit.details).toMatchObject({ name: p.name, cadence: 'daily', timezone: 'Asia/Shanghai', storeIds: [store.id] });
    });

    it('schedules weekly and monthly plans in their zones, and a changed plan moves its one scheduler', async () => {
      const store = await createStore(t.em());
      const weekly = await create(plan([store.id], { cadence: 'weekly', weekday: 1, timeOfDay: '09:30', timezone: 'Europe/London', dayOfMonth: 12 }));
      expect(weekly).toMatchObject({ weekday: 1, dayOfMonth: null }); // only the field its cadence uses is kept
      expect(await queue.getJobScheduler(weekly.id)).toMatchObject({ pattern: '30 9 * * 1', tz: 'Europe/London' });
      expect(local(weekly.nextRunAt, 'Europe/London')).toMatchObject({ weekday: 'Mon', time: '09:30' });
      expect(Date.parse(weekly.nextRunAt) - Date.now()).toBeLessThanOrEqual(7 * DAY);

      const monthly = await create(plan([store.id], { cadence: 'monthly', dayOfMonth: 15, timeOfDay: '23:30', timezone: 'America/New_York' }));
      expect(await queue.getJobScheduler(monthly.id)).toMatchObject({ pattern: '30 23 15 * *', tz: 'America/New_York' });
      const m = local(monthly.nextRunAt, 'America/New_York');
      expect(m).toMatchObject({ day: 15, time: '23:30' });
      expect(new Date(monthly.nextRunAt).getUTCDate()).toBe(16); // 23:30 in New York is the next day in UTC
      expect(Date.parse(monthly.nextRunAt) - Date.now()).toBeLessThanOrEqual(31 * DAY);

      const { id: _, createdBy: __, createdAt: ___, nextRunAt: ____, lastRunAt: _____, lastStocktakeId: ______, ...input } = weekly;
      const moved = await admin.request('PUT', `/api/count-plans/${weekly.id}`, { ...input, cadence: 'daily', timeOfDay: '07:15', timezone: 'UTC' });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ cadence: 'daily', weekday: null, timeOfDay: '07:15' });
      expect(local(moved.body.nextRunAt, 'UTC').time).toBe('07:15');
      expect(await queue.getJobScheduler(weekly.id)).toMatchObject({ pattern: '15 7 * * *', tz: 'UTC' });
      expect((await delayedOf(weekly.id)).map((j) => j.id)).toEqual([`repeat:${weekly.id}:${Date.parse(moved.body.nextRunAt)}`]);
      const [audit] = await sql(`select details from audit_event where action = 'count_plan.updated' and subject = ?`, [weekly.id]);
      expect(audit.details.changed.sort()).toEqual(['cadence', 'timeOfDay', 'timezone', 'weekday'].sort());
    });

    it('disabling removes the scheduler, enabling brings it back, deleting removes plan and scheduler', async () => {
      const store = await createStore(t.em());
      const p = await create(plan([store.id], { timezone: 'Asia/Tokyo' }));
      const body = plan([store.id], { name: p.name, timezone: 'Asia/Tokyo' });
      const off = await admin.request('PUT', `/api/count-plans/${p.id}`, { ...body, enabled: false });
      expect(off.body).toMatchObject({ enabled: false, nextRunAt: null });
      expect(await queue.getJobScheduler(p.id)).toBeUndefined();
      expect(await delayedOf(p.id)).toEqual([]);
      // A disabled plan is not run by hand either.
      const refused = await admin.post(`/api/count-plans/${p.id}/run`);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('ILLEGAL_TRANSITION');

      const on = await admin.request('PUT', `/api/count-plans/${p.id}`, body);
      expect(on.body.enabled).toBe(true);
      expect(Date.parse(on.body.nextRunAt)).toBe((await queue.getJobScheduler(p.id))!.next);

      const del = await admin.request('DELETE', `/api/count-plans/${p.id}`);
      expect(del.status).toBe(204);
      expect(await queue.getJobScheduler(p.id)).toBeUndefined();
      expect((await admin.get(`/api/count-plans/${p.id}`)).status).toBe(404);
      expect((await admin.request('DELETE', `/api/count-plans/${p.id}`)).status).toBe(404);
      expect(await sql(`select 1 from audit_event where action = 'count_plan.deleted' and subject = ?`, [p.id])).toHaveLength(1);
    });

    it('the hub puts back a missing scheduler and drops schedulers of plans that are gone or disabled', async () => {
      const store = await createStore(t.em());
      const kept = await create(plan([store.id]));
      const off = await create(plan([store.id], { enabled: false }));
      expect(off.nextRunAt).toBeNull();
      await queue.removeJobScheduler(kept.id); // e.g. Redis lost its data
      const orphan = randomUUID();
      await queue.upsertJobScheduler(orphan, { pattern: '0 6 * * *' }, { name: 'plan.run.v1', data: { name: 'plan.run.v1', planId: orphan } });
      await queue.upsertJobScheduler(off.id, { pattern: '0 6 * * *' }, { name: 'plan.run.v1', data: { name: 'plan.run.v1', planId: off.id } });

      // A hub node that starts (with workers) checks every plan's scheduler.
      const node = await bootApp({ RUN_WORKERS: 'true', BULL_PREFIX: PREFIX });
      try {
        await until(() => queue.getJobScheduler(kept.id), (s) => !!s, 'scheduler put back at start');
        await until(() => queue.getJobScheduler(orphan), (s) => !s, 'orphan scheduler removed at start');
      } finally {
        await node.close();
      }
      expect(await queue.getJobScheduler(kept.id)).toMatchObject({ pattern: '0 6 * * *', tz: 'Asia/Shanghai' });
      expect(await queue.getJobScheduler(orphan)).toBeUndefined();
      expect(await queue.getJobScheduler(off.id)).toBeUndefined();
      expect((await t.app.get(PlansService).syncSchedulers()).ensured).toBe(0); // healthy schedulers are left alone
    });
  });

  describe('runs', () => {
    it('run now with method full creates a draft full count of the plan\'s stores, as the plan', async () => {
      const [a, b] = [await createStore(t.em()), await createStore(t.em())];
      await createProduct(t.em());
      const p = await create(plan([a.id, b.id], { blind: false, timezone: 'Pacific/Auckland' }));
      const run = await runNow(p.id);
      expect(run).toMatchObject({ planId: p.id, classes: null, note: null });
      expect(run.products).toBeGreaterThan(0);
      const st = (await admin.get(`/api/stocktakes/${run.stocktakeId}`)).body;
      expect(st).toMatchObject({ status: 'draft', blind: false, createdBy: `Count plan "${p.name}"` });
      expect(st.name).toBe(`${p.name} — ${local(run.ranAt, 'Pacific/Auckland').date}`);
      expect(st.scope).toMatchObject({ kind: 'stores', filter: { kind: 'full' } });
      expect([...st.scope.storeIds].sort()).toEqual([a.id, b.id].sort());
      expect(st.stores.map((s: any) => s.status)).toEqual(['pending', 'pending']);

      const after = (await admin.get(`/api/count-plans/${p.id}`)).body;
      expect(after.lastStocktakeId).toBe(run.stocktakeId);
      expect(Date.parse(after.lastRunAt)).toBeGreaterThanOrEqual(Date.parse(run.ranAt));
      const [created] = await sql(`select actor_name from audit_event where action = 'stocktake.created' and subject = ?`, [run.stocktakeId]);
      expect(created.actor_name).toBe(`Count plan "${p.name}"`);
      const [ran] = await sql(`select actor_name, details from audit_event where action = 'count_plan.ran' and subject = ?`, [p.id]);
      expect(ran).toMatchObject({ actor_name: `Count plan "${p.name}"`, details: { runKey: run.runKey, stocktakeId: run.stocktakeId, method: 'full' } });
      await admin.post(`/api/stocktakes/${run.stocktakeId}/cancel`);
    });

    it('with autoStart the stocktake starts by itself', async () => {
      const store = await createStore(t.em());
      const p = await create(plan([store.id], { autoStart: true }));
      const run = await runNow(p.id);
      expect(run.note).toBeNull();
      const st = (await admin.get(`/api/stocktakes/${run.stocktakeId}`)).body;
      expect(st.status).toBe('running');
      expect(['freezing', 'counting']).toContain(st.stores[0].status);
      // The store is busy now: a second run makes a stocktake that waits as a draft, and says why.
      const second = await runNow(p.id);
      expect(second.stocktakeId).not.toBe(run.stocktakeId);
      expect(second.note).toMatch(/^Left as a draft: .*another stocktake/);
      expect((await admin.get(`/api/stocktakes/${second.stocktakeId}`)).body.status).toBe('draft');
      expect((await runs(p.id)).map((r) => r.runKey)).toEqual([second.runKey, run.runKey]); // newest first
      for (const id of [run.stocktakeId, second.stocktakeId]) await admin.post(`/api/stocktakes/${id}/cancel`);
    });

    it('one run key makes at most one stocktake: concurrent, retried and duplicated firings', async () => {
      const store = await createStore(t.em());
      const p = await create(plan([store.id], { timezone: 'Asia/Shanghai' }));
      const sut = t.app.get(PlansService);
      const slot = Date.parse('2026-03-01T22:00:00Z');
      const results = await Promise.all([sut.run(p.id, `at-${new Date(slot).toISOString()}`, new Date(slot)), sut.run(p.id, `at-${new Date(slot).toISOString()}`, new Date(slot))]);
      expect(results.filter((r) => 'skipped' in r && r.skipped === 'duplicate')).toHaveLength(1);
      expect(results.filter((r) => 'stocktakeId' in r && r.stocktakeId)).toHaveLength(1);
      expect(await stocktakesOf(p.name)).toHaveLength(1);

      // A scheduler firing (job id repeat:<plan>:<millis>), then the same slot fired again.
      const slot2 = Date.parse('2026-03-02T22:00:00Z');
      const jobId = `repeat:${p.id}:${slot2}`;
      const fire = async () => {
        await queue.add('plan.run.v1', { name: 'plan.run.v1', planId: p.id }, { jobId });
        return until(() => queue.getJob(jobId), (j) => !!j?.finishedOn, `job ${jobId} finished`);
      };
      const first = await fire();
      expect(first!.returnvalue).toMatchObject({ runKey: 'at-2026-03-02T22:00:00.000Z', note: null });
      await first!.remove();
      const again = await fire();
      expect(again!.returnvalue).toEqual({ runKey: 'at-2026-03-02T22:00:00.000Z', skipped: 'duplicate' });
      const rs = await runs(p.id);
      expect(rs.map((r) => r.runKey).sort()).toEqual(['at-2026-03-01T22:00:00.000Z', 'at-2026-03-02T22:00:00.000Z']);
      expect(await stocktakesOf(p.name)).toHaveLength(2);
      // Named after the slot's date where the plan lives, not the day it happened to run.
      const [st] = await sql(`select name from stocktake where id = ?`, [rs.find((r) => r.runKey.startsWith('at-2026-03-02'))!.stocktakeId]);
      expect(st.name).toBe(`${p.name} — 2026-03-03`);

      // A firing of a plan that is gone does nothing.
      const ghost = randomUUID();
      await queue.add('plan.run.v1', { name: 'plan.run.v1', planId: ghost }, { jobId: `repeat:${ghost}:${slot2}` });
      const skipped = await until(() => queue.getJob(`repeat:${ghost}:${slot2}`), (j) => !!j?.finishedOn, 'ghost job finished');
      expect(skipped!.returnvalue).toMatchObject({ skipped: 'deleted' });
      expect(await sql(`select 1 from count_plan_run where plan_id = ?`, [ghost])).toHaveLength(0);
      for (const s of await stocktakesOf(p.name)) await admin.post(`/api/stocktakes/${s.id}/cancel`);
    });

    it('a run over stores that carry nothing is recorded with a note and creates no stocktake', async () => {
      const store = await createStore(t.em());
      const p = await create(plan([store.id], { method: 'abc' }));
      const run = await runNow(p.id);
      expect(run).toMatchObject({ stocktakeId: null, products: 0, classes: { A: 0, B: 0, C: 0 }, note: 'Nothing to count: the stores carry no products' });
      expect(await stocktakesOf(p.name)).toHaveLength(0);
      expect((await admin.get(`/api/count-plans/${p.id}`)).body).toMatchObject({ lastStocktakeId: null });
    });

    it('a run that cannot create its stocktake is recorded as failed, audited, and not retried', async () => {
      const [kept, closed] = [await createStore(t.em()), await createStore(t.em())];
      const p = await create(plan([kept.id, closed.id]));
      // The store closed after the plan was made (no API removes stores; the plan must survive it).
      await sql(`delete from zone where store_id = ?`, [closed.id]);
      await sql(`delete from store where id = ?`, [closed.id]);
      const res = await admin.post(`/api/count-plans/${p.id}/run`);
      const run = await until(() => runs(p.id), (rs) => rs.length === 1 && !rs[0].note.startsWith('in progress'), 'failed run recorded').then((rs) => rs[0]);
      expect(run).toMatchObject({ runKey: res.body.runKey, stocktakeId: null, note: 'Failed: One of the stores does not exist' });
      const job = await until(() => queue.getJob(`plan-${p.id}-${res.body.runKey}`), (j) => !!j?.finishedOn, 'job failed');
      expect(await job!.getState()).toBe('failed');
      expect(job!.attemptsMade).toBe(1); // not retried: the run is recorded, a retry would find its key taken
      const [audit] = await sql(`select details from audit_event where action = 'count_plan.run_failed' and subject = ?`, [p.id]);
      expect(audit.details).toMatchObject({ runKey: res.body.runKey, stocktakeId: null });
      expect(await stocktakesOf(p.name)).toHaveLength(0);
    });
  });

  describe('ABC cycle counts', () => {
    it('counts the most valuable movers first, skips what was counted recently, and honours maxProducts', async () => {
      const store = await createStore(t.em());
      const other = await createStore(t.em());
      // Value moved over the window (units × cost): A 8000 (80 %) | B 1200, 500 | C 300, never sold, sold only long ago.
      const pA = await createProduct(t.em(), { costCents: 800 });
      const pB = await createProduct(t.em(), { costCents: 200 });
      const pB2 = await createProduct(t.em(), { costCents: 100 });
      const pC = await createProduct(t.em(), { costCents: 100 });
      const pIdle = await createProduct(t.em(), { costCents: 5000 });
      const pOld = await createProduct(t.em(), { costCents: 10_000 });
      const all = [pA, pB, pB2, pC, pIdle, pOld];
      await admin.post('/api/stock/receipts', { idempotencyKey: `open-${randomUUID()}`, storeId: store.id, lines: all.map((p) => ({ productId: p.id, quantity: 50 })) });
      const e = await enrolTill(t.url, admin, store.id, 'P1');
      const till = new SimTill(t.url, e.token, store.id, e.terminalId);
      tills.push(till);
      await till.connected();
      await till.sell(pA.id, 10);
      await till.sell(pB.id, 6);
      await till.sell(pB2.id, 5);
      await till.sell(pC.id, 4);
      await till.sell(pC.id, 1, Date.now(), 'return');
      await till.sell(pOld.id, 5, Date.now() - 200 * DAY); // outside the 90-day window

      const p = await create(plan([store.id], { method: 'abc', autoStart: true, abc: { maxProducts: 3 } }));
      expect(p.abc).toEqual({ windowDays: 90, aShare: 0.8, bShare: 0.95, aEveryDays: 7, bEveryDays: 30, cEveryDays: 90, maxProducts: 3 });
      const preview = (await admin.get(`/api/count-plans/${p.id}/abc`)).body as any[];
      expect(preview.map((r) => [r.sku, r.cls, r.valueCents, r.unitsSold, r.due])).toEqual([
        [pA.sku, 'A', 8000, 10, true], [pB.sku, 'B', 1200, 6, true], [pB2.sku, 'B', 500, 5, true], [pC.sku, 'C', 300, 3, true],
        ...[[pIdle.sku, 'C', 0, 0, true], [pOld.sku, 'C', 0, 0, true]].sort((x, y) => (x[0] < y[0] ? -1 : 1)),
      ]);
      expect((await admin.get(`/api/count-plans/${p.id}/abc?storeId=${store.id}`)).body).toHaveLength(6);
      const foreign = await admin.get(`/api/count-plans/${p.id}/abc?storeId=${other.id}`);
      expect(foreign.status).toBe(400);
      expect(foreign.body.error.code).toBe('VALIDATION_FAILED');

      // First run: six products due, three taken — A first, then by value.
      const first = await runNow(p.id);
      expect(first).toMatchObject({ products: 3, classes: { A: 1, B: 2, C: 0 }, note: null });
      const st = (await admin.get(`/api/stocktakes/${first.stocktakeId}`)).body;
      expect(st.scope.filter).toMatchObject({ kind: 'products', productIds: [pA.id, pB.id, pB2.id] });
      expect(st.status).toBe('running');

      // Count those three in the store, for real, to approval.
      await until(() => admin.get(`/api/stocktakes/${st.id}`).then((r) => r.body.stores[0].status), (s) => s === 'counting', 'store counting');
      await until(async () => till.mode, (m) => m === 'counting', 'till counting');
      const zone = store.zones[0].id;
      const counts = [];
      for (const x of [pA, pB, pB2]) counts.push({ zoneId: zone, productId: x.id, quantity: await onHand(t.em(), store.id, x.id) });
      const ack = await till.count(st.id, counts);
      expect((ack.ack as any).ok).toBe(true);
      expect((await admin.post(`/api/stocktakes/${st.id}/stores/${store.id}/close`)).status).toBe(200);
      expect((await admin.post(`/api/stocktakes/${st.id}/stores/${store.id}/approve`)).status).toBe(200);

      const counted = (await admin.get(`/api/count-plans/${p.id}/abc`)).body as any[];
      for (const x of [pA, pB, pB2]) expect(counted.find((r) => r.productId === x.id)).toMatchObject({ due: false, lastCountedAt: expect.any(String) });
      for (const x of [pC, pIdle, pOld]) expect(counted.find((r) => r.productId === x.id)).toMatchObject({ due: true, lastCountedAt: null });

      // Second run: what was just counted is skipped; the C products come up.
      await until(async () => till.mode, (m) => m === 'selling', 'till selling again');
      const second = await runNow(p.id);
      expect(second).toMatchObject({ products: 3, classes: { A: 0, B: 0, C: 3 } });
      const st2 = (await admin.get(`/api/stocktakes/${second.stocktakeId}`)).body;
      expect(st2.scope.filter.productIds[0]).toBe(pC.id);
      expect([...st2.scope.filter.productIds].sort()).toEqual([pC.id, pIdle.id, pOld.id].sort());
      await admin.post(`/api/stocktakes/${st2.id}/cancel`);
    });
  });

  describe('validation and access', () => {
    const countPlans = async () => (await sql(`select count(*)::int as n from count_plan`))[0].n;

    it('rejects bad input with VALIDATION_FAILED and unknown stores with UNKNOWN_STORE, storing nothing', async () => {
      const store = await createStore(t.em());
      const before = await countPlans();
      const badTz = await admin.post('/api/count-plans', plan([store.id], { timezone: 'Mars/Olympus_Mons' }));
      expect(badTz.status).toBe(400);
      expect(badTz.body.error.code).toBe('VALIDATION_FAILED');
      expect(badTz.body.error.details.map((d: any) => d.path)).toContain('timezone');
      const noWeekday = await admin.post('/api/count-plans', plan([store.id], { cadence: 'weekly' }));
      expect(noWeekday.status).toBe(400);
      expect(noWeekday.body.error.details.map((d: any) => d.path)).toContain('weekday');
      const badAbc = await admin.post('/api/count-plans', plan([store.id], { method: 'abc', abc: { aShare: 0.9, bShare: 0.8 } }));
      expect(badAbc.status).toBe(400);
      expect((await admin.post('/api/count-plans', plan([store.id], { timeOfDay: '24:00' }))).status).toBe(400);
      expect((await admin.post('/api/count-plans', { ...plan([store.id]), extra: 1 })).status).toBe(400);
      const unknown = await admin.post('/api/count-plans', plan([store.id, randomUUID()]));
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.code).toBe('UNKNOWN_STORE');
      expect(await countPlans()).toBe(before);

      const p = await create(plan([store.id]));
      const badPut = await admin.request('PUT', `/api/count-plans/${p.id}`, plan([store.id], { name: p.name, cadence: 'monthly' }));
      expect(badPut.status).toBe(400);
      expect(badPut.body.error.details.map((d: any) => d.path)).toContain('dayOfMonth');
      expect((await admin.get(`/api/count-plans/${p.id}`)).body).toMatchObject({ cadence: 'daily', nextRunAt: p.nextRunAt });
      expect((await admin.request('PUT', `/api/count-plans/${randomUUID()}`, plan([store.id]))).status).toBe(404);
      expect((await admin.get('/api/count-plans/not-a-uuid')).status).toBe(400);
    });

    it('admins write; managers read the plans of their own stores; auditors read; nobody anonymous', async () => {
      const [a, b] = [await createStore(t.em()), await createStore(t.em())];
      const own = await create(plan([a.id]));
      const shared = await create(plan([a.id, b.id]));
      const manager = await signedIn(t.url, t.em(), 'manager', [a.id]);
      const denied = await manager.post('/api/count-plans', plan([a.id]));
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('FORBIDDEN');
      expect((await manager.post(`/api/count-plans/${own.id}/run`)).status).toBe(403);
      expect((await manager.request('DELETE', `/api/count-plans/${own.id}`)).status).toBe(403);
      const seen = (await manager.get('/api/count-plans')).body.map((x: any) => x.id);
      expect(seen).toContain(own.id);
      expect(seen).not.toContain(shared.id);
      expect((await manager.get(`/api/count-plans/${own.id}`)).status).toBe(200);
      expect((await manager.get(`/api/count-plans/${shared.id}`)).status).toBe(404);
      expect((await manager.get(`/api/count-plans/${shared.id}/runs`)).status).toBe(404);
      expect((await manager.get(`/api/count-plans/${own.id}/abc?storeId=${b.id}`)).body.error.code).toBe('VALIDATION_FAILED'); // the store is not in this plan

      const auditor = await signedIn(t.url, t.em(), 'auditor');
      const list = (await auditor.get('/api/count-plans')).body.map((x: any) => x.id);
      expect(list).toEqual(expect.arrayContaining([own.id, shared.id]));
      expect((await auditor.get(`/api/count-plans/${shared.id}`)).body.nextRunAt).toBe(shared.nextRunAt);
      expect((await auditor.get(`/api/count-plans/${shared.id}/runs`)).status).toBe(200);
      expect((await auditor.get(`/api/count-plans/${shared.id}/abc`)).status).toBe(200);
      expect((await auditor.post('/api/count-plans', plan([a.id]))).status).toBe(403);
      expect((await auditor.request('PUT', `/api/count-plans/${own.id}`, plan([a.id]))).status).toBe(403);

      expect((await fetch(`${t.url}/api/count-plans`)).status).toBe(401);
      expect((await fetch(`${t.url}/api/count-plans/${own.id}/run`, { method: 'POST' })).status).toBe(401);
    });
  });
});
