import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  barrierComplete,
  chainStatus,
  ErrorCode,
  nextStoreStatus,
  tillModeFor,
  type BarrierTill,
  type CreateStocktakeInput,
  type StocktakeDto,
  type StoreCountEvent,
  type StoreCountStatus,
  type TillDesired,
  type VarianceReportDto,
} from '@stockfleet/shared';
import { randomUUID } from 'node:crypto';
import { payloadHash } from '../common/crypto.js';
import { AuditService, fromUser } from '../audit/audit.service.js';
import { readableStoreIds, type UserActor } from '../common/actor.js';
import { DomainException, forbidden, notFound } from '../common/domain-exception.js';
import { DomainEvents } from '../events/domain-events.js';
import { FleetEvents } from '../fleet/fleet.events.js';
import { FleetNotifier } from '../fleet/fleet-notifier.js';
import { FleetRepository } from '../fleet/fleet.repository.js';
import { lockStoreLedger, lockStoreLedgers, postMovements } from '../inventory/ledger.repository.js';
import { groupBy } from '../common/group-by.js';
import { sql } from '../common/sql.js';
import { StocktakeRepository } from './stocktake.repository.js';
import { StocktakeLive } from './stocktake-live.js';
import { barriersPassed } from '../metrics/instruments.js';
import { ReportsService } from '../reports/reports.service.js';
import { AlertsNotifier } from '../alerts/alerts.notifier.js';
import type { AlertChange } from '../alerts/alerts.repository.js';

type Tx = EntityManager;
const iso = (v: string | Date | null | undefined) => (v ? new Date(v).toISOString() : null);
/** A terminal row (bigint epochs arrive as strings) as the shared barrier rule sees it. */
const toBarrierTill = (t: any): BarrierTill => ({
  id: t.id,
  desiredEpoch: Number(t.desired_epoch),
  reportedMode: t.reported_mode,
  reportedEpoch: t.reported_epoch === null ? null : Number(t.reported_epoch),
});

/**
 * The synchronised stocktake. Every transition runs in one transaction holding the row lock of the
 * store's count (so two hub nodes can never both perform it), is checked by the shared state
 * machine, and is audited. Tills are steered only through their persisted desired state.
 */
@Injectable()
export class StocktakeService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Stocktake');
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly em: EntityManager,
    private readonly repo: StocktakeRepository,
    private readonly fleetRepo: FleetRepository,
    private readonly events: FleetEvents,
    private readonly notifier: FleetNotifier,
    private readonly domainEvents: DomainEvents,
    private readonly audit: AuditService,
    private readonly live: StocktakeLive,
    private readonly reports: ReportsService,
    private readonly alerts: AlertsNotifier,
  ) {}

  private sweepTimer: NodeJS.Timeout | null = null;
  static readonly BARRIER_RESWEEP_MS = 10_000;

  onModuleInit() {
    // A safety net: a report whose check was lost (a hub killed between the write and its sweep, a
    // database blip) is picked up by the next periodic look at every freezing store.
    this.sweepTimer = setInterval(() => void this.sweepAllFreezing(), StocktakeService.BARRIER_RESWEEP_MS);
    this.sweepTimer.unref();
    this.unsubscribe.push(
      this.domainEvents.on('till.reported', ({ till, state }) => {
        if (state.mode === 'frozen') this.checkBarriers(till.storeId);
      }),
      this.domainEvents.on('till.connected', ({ till, sendTasks }) => void this.live.tasksFor(till.storeId).then((t) => t && sendTasks(t)).catch(() => {})),
    );
  }
  onModuleDestroy() {
    this.unsubscribe.forEach((off) => off());
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.destroyed = true;
  }
  private destroyed = false;

  // ---- commands ----------------------------------------------------------------------------

  async create(input: CreateStocktakeInput, actor: UserActor): Promise<StocktakeDto> {
    const id = randomUUID();
    await this.em.fork().transactional(async (tem) => {
      const stores = await this.repo.storesInScope(tem, input.scope);
      if (!stores.length) throw new DomainException(ErrorCode.ValidationFailed, 'No store is in this scope', [{ path: 'scope', message: 'empty' }]);
      if (input.scope.kind === 'stores' && stores.length !== new Set(input.scope.storeIds).size) throw new DomainException(ErrorCode.UnknownStore, 'One of the stores does not exist');
      const drill = input.practice ? [...new Set(input.practiceTerminalIds)] : [];
      if (drill.length) {
        const ok = await sql<any[]>(tem, `select id from terminal where id = any(?::uuid[]) and store_id = any(?::uuid[]) and revoked_at is null`,
          [`{${drill.join(',')}}`, `{${stores.map((s) => s.id).join(',')}}`]);
        if (ok.length !== drill.length) throw new DomainException(ErrorCode.OutOfScope, 'Practice tills must be active tills of the stores in scope');
      }
      await sql(tem, `insert into stocktake (id, name, status, scope, blind, practice, practice_terminal_ids, thresholds, grace_seconds, created_by, created_by_name)
                    values (?, ?, 'draft', ?::jsonb, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)`,
        [id, input.name, JSON.stringify(input.scope), input.blind, input.practice, JSON.stringify(drill), JSON.stringify(input.thresholds), input.graceSeconds, actor.id, actor.name]);
      await sql(tem, `insert into stocktake_store (stocktake_id, store_id, status, forced) select ?, x, 'pending', '[]' from unnest(?::uuid[]) as x`,
        [id, `{${stores.map((s) => s.id).join(',')}}`]);
      await this.audit.record(tem, { ...fromUser(actor), action: 'stocktake.created', subject: id, details: { name: input.name, stores: stores.length, scope: input.scope } });
    });
    return this.get(id, actor);
  }

  /** Head office presses the button: every store in scope freezes. */
  async start(id: string, actor: UserActor): Promise<StocktakeDto> {
    const desired: TillDesired[] = [];
    let storeIds: string[] = [];
    await this.em.fork().transactional(async (tem) => {
      const [st] = await sql(tem, `select * from stocktake where id = ? for update`, [id]);
      if (!st) throw notFound('Stocktake', id);
      if (st.status !== 'draft') throw new DomainException(ErrorCode.IllegalTransition, `The stocktake is ${st.status}; only a draft can start`);
      const stores = await sql<any[]>(tem, `select store_id from stocktake_store where stocktake_id = ? order by store_id for update`, [id]);
      const busy = await sql<any[]>(tem, `select store_id from stocktake_store where store_id = any(?::uuid[]) and stocktake_id <> ? and status in ('freezing','counting','review')`,
        [`{${stores.map((s) => s.store_id).join(',')}}`, id]);
      if (busy.length) throw new DomainException(ErrorCode.Conflict, 'A store in scope is already in another stocktake', { storeIds: busy.map((b) => b.store_id) });
      await sql(tem, `update stocktake set status = 'running', started_at = now() where id = ?`, [id]);
      await sql(tem, `update stocktake_store set status = 'freezing', freeze_at = now() where stocktake_id = ?`, [id]);
      storeIds = stores.map((s) => s.store_id);
      desired.push(...(await this.steerStores(tem, st, storeIds, 'freezing', actor.name)));
      await this.audit.record(tem, { ...fromUser(actor), action: 'stocktake.started', subject: id, details: { stores: storeIds.length, tills: desired.length } });
    });
    const committed = Date.now();
    this.events.pushDesired(desired);
    desired.forEach((d) => this.notifier.changed(d.terminalId));
    this.log.debug(`stocktake ${id} started: ${storeIds.length} store(s), ${desired.length} till(s) told to freeze in ${Date.now() - committed} ms after commit`);
    // Stores whose tills are all frozen already (or that have none) pass their barrier without waiting
    // for a report; the admin's answer does not wait for that sweep.
    storeIds.forEach((s) => this.checkBarriers(s));
    return this.get(id, actor);
  }

  /** Moves a store past tills that will not answer (offline, broken); they are named in the report. */
  async forceBarrier(id: string, storeId: string, input: { terminalIds: string[]; reason: string }, actor: UserActor) {
    await this.em.fork().transactional(async (tem) => {
      const row = await this.lockedStore(tem, id, storeId);
      if (row.status !== 'freezing') throw new DomainException(ErrorCode.IllegalTransition, `The store is ${row.status}, not freezing`);
      const tills = (await this.repo.activeTillsOf(tem, [row])).get(`${id}:${storeId}`) ?? [];
      const unknown = input.terminalIds.filter((t) => !tills.some((x: any) => x.id === t));
      if (unknown.length) throw new DomainException(ErrorCode.NotFound, 'These tills are not active in this store', { terminalIds: unknown });
      const forced = [...row.forced, ...input.terminalIds.filter((t) => !row.forced.some((f: any) => f.id === t)).map((t) => ({ id: t, reason: input.reason, by: actor.name }))];
      await sql(tem, `update stocktake_store set forced = ?::jsonb where stocktake_id = ? and store_id = ?`, [JSON.stringify(forced), id, storeId]);
      await this.audit.record(tem, { ...fromUser(actor), action: 'stocktake.barrier_forced', storeId, subject: id, details: input });
    });
    await this.completeBarriers([storeId]);
    return this.get(id, actor);
  }

  /**
   * Barrier checks are swept in batches: the stores whose tills reported meanwhile are checked together,
   * so a chain-wide freeze (every till reporting at once) costs a few statements per sweep instead of a
   * transaction per report. A few sweeps may run at once (each takes the stores pending when it starts):
   * under a report storm every database round trip waits a turn of a busy event loop, and the sweep that
   * passes the last stores must not queue behind one that is still passing others.
   */
  private readonly barrierPending = new Set<string>();
  private barrierSweeps = 0;
  private barrierQueued = false;
  static readonly MAX_BARRIER_SWEEPS = 2;
  checkBarriers(storeId: string): void {
    this.barrierPending.add(storeId);
    // Everything reported in this tick (a group commit's whole batch, a start's every store) goes in one sweep.
    if (!this.barrierQueued) {
      this.barrierQueued = true;
      queueMicrotask(() => {
        this.barrierQueued = false;
        this.sweepBarriers();
      });
    }
  }

  private sweepBarriers() {
    while (this.barrierPending.size && this.barrierSweeps < StocktakeService.MAX_BARRIER_SWEEPS && !this.destroyed) {
      const storeIds = [...this.barrierPending];
      this.barrierPending.clear();
      this.barrierSweeps++;
      const t0 = Date.now();
      this.completeBarriers(storeIds)
        .then(
          (passed) => this.log.debug(`barrier sweep: ${storeIds.length} store(s) checked, ${passed} passed, ${Date.now() - t0} ms`),
          // Not lost: the periodic sweep looks at every freezing store again.
          (e) => this.log.warn(`barrier sweep of ${storeIds.length} store(s): ${(e as Error).message}`),
        )
        .finally(() => {
          this.barrierSweeps--;
          this.sweepBarriers();
        });
    }
  }

  private async sweepAllFreezing() {
    try {
      const rows = await sql<any[]>(this.em.fork(), `select distinct store_id from stocktake_store where status = 'freezing'`);
      rows.forEach((r) => this.checkBarriers(r.store_id));
    } catch {
      // the database is away; the next tick tries again
    }
  }

  /**
   * Every freezing count of these stores whose active tills have all reported frozen at their epoch (or
   * were forced past) starts counting: one transaction, the count rows locked, the stores' ledgers locked
   * exclusively and snapshotted at one watermark, the tills steered to counting, one audit entry per store.
   * Returns how many counts passed.
   */
  async completeBarriers(storeIds: string[]): Promise<number> {
    // Most sweeps of a chain-wide freeze find the stores still waiting: one read, no transaction.
    const candidates = await this.repo.passingBarriers(this.em.fork(), storeIds);
    if (!candidates.length) return 0;
    const desired: TillDesired[] = [];
    const passed: Array<{ stocktakeId: string; storeId: string }> = [];
    let busy: string[] = [];
    await this.em.fork().transactional(async (tem) => {
      const { rows: complete, stocktakes, busy: held } = await this.repo.lockPassing(tem, candidates);
      busy = held;
      if (!complete.length) return;
      complete.forEach((r) => this.transition(r.status, { type: 'barrier_complete' }));
      const movementId = await lockStoreLedgers(tem, complete.map((r) => r.store_id));
      const byStocktake = groupBy(complete, (r) => r.stocktake_id as string);
      const products = new Map<string, number>();
      for (const id of byStocktake.keys()) products.set(id, await this.repo.scopeProductCount(tem, stocktakes.get(id).scope));
      const counts = complete.map((r) => ({ stocktakeId: r.stocktake_id as string, storeId: r.store_id as string, products: products.get(r.stocktake_id)! }));
      await this.repo.markCounting(tem, counts, movementId);
      for (const [id, group] of byStocktake) {
        const st = stocktakes.get(id);
        desired.push(...(await this.steerStores(tem, st, group.map((r) => r.store_id), 'counting', st.created_by_name ?? null)));
      }
      await this.audit.recordMany(tem, complete.map((r, i) => ({
        actorType: 'system' as const, action: 'stocktake.barrier_complete', storeId: r.store_id, subject: r.stocktake_id,
        details: { products: counts[i].products, snapshotMovementId: movementId, forced: r.forced },
      })));
      passed.push(...counts.map(({ stocktakeId, storeId }) => ({ stocktakeId, storeId })));
      barriersPassed(complete.map((r) => stocktakes.get(r.stocktake_id).started_at)); // metrics: freeze_at is the stocktake's started_at (one now())
    });
    // Stores another node was sweeping: looked at again shortly (their reports may be on this node).
    if (busy.length) setTimeout(() => busy.forEach((s) => this.checkBarriers(s)), 50).unref();
    if (passed.length) {
      this.events.pushDesired(desired);
      desired.forEach((d) => this.notifier.changed(d.terminalId));
      // Counting has just begun: the tills get their tasks and the admins their progress with the next live flush.
      passed.forEach((p) => this.live.changed(p.stocktakeId, p.storeId));
    }
    return passed.length;
  }

  async closeCounting(id: string, storeId: string, actor: UserActor) {
    return this.simpleTransition(id, storeId, actor, { type: 'close_counting' }, 'stocktake.counting_closed');
  }

  async cancelStore(id: string, storeId: string, actor: UserActor) {
    return this.simpleTransition(id, storeId, actor, { type: 'cancel' }, 'stocktake.store_cancelled');
  }

  async cancel(id: string, actor: UserActor): Promise<StocktakeDto> {
    const stores = await sql<any[]>(this.em.fork(), `select store_id, status from stocktake_store where stocktake_id = ?`, [id]);
    if (!stores.length) throw notFound('Stocktake', id);
    for (const s of stores) if (s.status !== 'approved' && s.status !== 'cancelled') await this.cancelStore(id, s.store_id, actor);
    await this.em.fork().transactional(async (tem) => {
      await sql(tem, `update stocktake set status = 'cancelled', finished_at = coalesce(finished_at, now()) where id = ? and status in ('draft', 'running')`, [id]);
      await this.audit.record(tem, { ...fromUser(actor), action: 'stocktake.cancelled', subject: id });
    });
    return this.get(id, actor);
  }

  async requestRecount(id: string, storeId: string, input: { lines?: Array<{ productId: string; zoneId: string | null }>; overThreshold: boolean }, actor: UserActor) {
    const desired: TillDesired[] = [];
    let created = 0;
    await this.em.fork().transactional(async (tem) => {
      const row = await this.lockedStore(tem, id, storeId);
      const to = this.transition(row.status, { type: 'reopen_counting' });
      const lines = [...(input.lines ?? [])];
      if (input.overThreshold) {
        const variance = await this.repo.variance(tem, this.st(row), storeId, row.snapshot_movement_id, row.freeze_at);
        for (const l of variance) if (l.overThreshold && !lines.some((x) => x.productId === l.productId)) lines.push({ productId: l.productId, zoneId: null });
      }
      if (!lines.length) throw new DomainException(ErrorCode.ValidationFailed, 'Name the lines to recount, or ask for every line over a threshold', [{ path: 'lines', message: 'empty' }]);
      const inScope = await this.repo.productsInScope(tem, row.scope, lines.map((l) => l.productId));
      const missing = lines.filter((l) => !inScope.has(l.productId));
      if (missing.length) throw new DomainException(ErrorCode.OutOfScope, 'Some products are not in this count', { productIds: missing.map((m) => m.productId) });
      for (const l of lines) {
        await sql(tem, `insert into recount_task (id, stocktake_id, store_id, product_id, zone_id, round, status, requested_by)
                      select ?, ?, ?, ?, ?, coalesce((select max(round) from recount_task where stocktake_id = ? and store_id = ? and product_id = ?), 0) + 1, 'open', ?`,
          [randomUUID(), id, storeId, l.productId, l.zoneId, id, storeId, l.productId, actor.name]);
        created++;
      }
      await sql(tem, `update stocktake_store set status = ? where stocktake_id = ? and store_id = ?`, [to, id, storeId]);
      desired.push(...(await this.steerTills(tem, row, storeId, to, actor.name)));
      await this.audit.record(tem, { ...fromUser(actor), action: 'stocktake.recount_requested', storeId, subject: id, details: { lines } });
    });
    await this.afterStoreChange(id, storeId, desired);
    return { created };
  }

  async setReasons(id: string, storeId: string, lines: Array<{ productId: string; reason: string }>, actor: UserActor) {
    await this.em.fork().transactional(async (tem) => {
      const row = await this.lockedStore(tem, id, storeId);
      if (row.status !== 'review' && row.status !== 'counting') throw new DomainException(ErrorCode.IllegalTransition, `Reasons are given during review, not when ${row.status}`);
      await sql(tem, `insert into variance_reason (stocktake_id, store_id, product_id, reason, set_by, set_at)
                    select ?, ?, product_id, reason, ?, now() from jsonb_to_recordset(?::jsonb) as x(product_id uuid, reason text)
                    on conflict (stocktake_id, store_id, product_id) do update set reason = excluded.reason, set_by = excluded.set_by, set_at = now()`,
        [id, storeId, actor.name, JSON.stringify(lines.map((l) => ({ product_id: l.productId, reason: l.reason })))]);
      await this.audit.record(tem, { ...fromUser(actor), action: 'stocktake.reasons_set', storeId, subject: id, details: { lines: lines.length } });
    });
    return this.varianceReport(id, storeId, actor);
  }

  /**
   * Posts the adjustments exactly once and lets the tills sell again. The store row lock makes a
   * second approval wait and then find the store approved; the batch key makes a retried post a no-op.
   */
  async approve(id: string, storeId: string, actor: UserActor) {
    const desired: TillDesired[] = [];
    let alerts: AlertChange[] = [];
    const result = await this.em.fork().transactional(async (tem) => {
      const row = await this.lockedStore(tem, id, storeId);
      const to = this.transition(row.status, { type: 'approve' });
      const [open] = await sql<any[]>(tem, `select count(*)::int as n from recount_task where stocktake_id = ? and store_id = ? and status = 'open'`, [id, storeId]);
      if (open.n > 0) throw new DomainException(ErrorCode.Conflict, `${open.n} recount(s) are still open`);
      const closedMovementId = await lockStoreLedger(tem, storeId);
      const lines = await this.repo.variance(tem, this.st(row), storeId, row.snapshot_movement_id, row.freeze_at);
      const full = row.scope.filter.kind === 'full';
      // Full counts set uncounted products to zero; partial counts touch only what they counted.
      const post = lines.filter((l) => l.variance !== 0 && (full || !l.uncounted));
      await this.repo.saveLines(tem, id, storeId, lines, new Set(row.practice ? [] : post.map((l) => l.productId)), full);
      let movements = 0;
      if (!row.practice && post.length) {
        const res = await postMovements(tem, { key: `stocktake:${id}:${storeId}`, kind: 'stocktake', requestHash: payloadHash({ stocktake: id, store: storeId }) },
          post.map((l) => ({ storeId, productId: l.productId, kind: 'stocktake' as const, quantity: l.variance, reason: l.reason ?? (l.uncounted ? 'uncounted' : 'stocktake'), source: `stocktake:${id}`, actor: actor.email })));
        movements = res.movements.length;
        alerts = res.alerts;
      }
      await sql(tem, `update stocktake_store set status = ?, approved_at = now(), approved_by = ?, closed_movement_id = ? where stocktake_id = ? and store_id = ?`, [to, actor.name, closedMovementId, id, storeId]);
      desired.push(...(await this.steerTills(tem, row, storeId, to, actor.name)));
      const totals = { lines: post.length, movements, varianceValueCents: post.reduce((s, l) => s + l.varianceValueCents, 0), practice: row.practice };
      await this.audit.record(tem, { ...fromUser(actor), action: 'stocktake.approved', storeId, subject: id, details: totals });
      return totals;
    });
    await this.afterStoreChange(id, storeId, desired);
    void this.alerts.notify(alerts);
    return result;
  }

  // ---- queries -----------------------------------------------------------------------------

  async list(actor: UserActor): Promise<StocktakeDto[]> {
    const scope = readableStoreIds(actor);
    const rows = await sql<any[]>(this.em.fork(),
      `select id from stocktake s ${scope ? 'where exists (select 1 from stocktake_store ss where ss.stocktake_id = s.id and ss.store_id = any(?::uuid[]))' : ''} order by created_at desc limit 200`,
      scope ? [`{${scope.join(',')}}`] : []);
    return Promise.all(rows.map((r) => this.get(r.id, actor)));
  }

  async get(id: string, actor: UserActor): Promise<StocktakeDto> {
    const em = this.em.fork();
    const [st] = await sql<any[]>(em, `select * from stocktake where id = ?`, [id]);
    if (!st) throw notFound('Stocktake', id);
    const scope = readableStoreIds(actor);
    const stores = await sql<any[]>(em, `select ss.*, s.code, s.name from stocktake_store ss join store s on s.id = ss.store_id where ss.stocktake_id = ? order by s.code`, [id]);
    const visible = stores.filter((s) => !scope || scope.includes(s.store_id));
    if (!visible.length) throw notFound('Stocktake', id);
    const out = [];
    const tillsOf = await this.repo.activeTillsOf(em, visible);
    for (const s of visible) {
      const tills = tillsOf.get(`${s.stocktake_id}:${s.store_id}`) ?? [];
      const forced = new Set<string>(s.forced.map((f: any) => f.id as string));
      const check = barrierComplete(tills.map(toBarrierTill), forced);
      out.push({
        storeId: s.store_id, storeCode: s.code, storeName: s.name, status: s.status,
        freezeAt: iso(s.freeze_at), snapshotAt: iso(s.snapshot_at),
        tills: tills.length,
        // Tills that have applied the stocktake's latest desired state (frozen, then counting).
        tillsFrozen: tills.filter((t: any) => ['frozen', 'counting'].includes(t.reported_mode) && t.reported_epoch !== null && Number(t.reported_epoch) >= Number(t.desired_epoch)).length,
        waitingFor: s.status === 'freezing' ? tills.filter((t: any) => check.waitingFor.includes(t.id)).map((t: any) => ({ id: t.id, name: t.name, online: !!t.online })) : [],
        forced: s.forced.map((f: any) => ({ id: f.id, reason: f.reason })),
        approvedAt: iso(s.approved_at), approvedBy: s.approved_by,
      });
    }
    return {
      id: st.id, name: st.name, status: st.status, scope: st.scope, blind: st.blind, practice: st.practice, practiceTerminalIds: st.practice_terminal_ids ?? [], thresholds: st.thresholds,
      graceSeconds: st.grace_seconds, createdAt: new Date(st.created_at).toISOString(), createdBy: st.created_by_name,
      startedAt: st.started_at ? new Date(st.started_at).toISOString() : null, stores: out,
    };
  }

  async varianceReport(id: string, storeId: string, actor: UserActor): Promise<VarianceReportDto> {
    const em = this.em.fork();
    const [r] = await sql<any[]>(em, `select ss.*, s.scope, s.thresholds, s.practice from stocktake_store ss join stocktake s on s.id = ss.stocktake_id where ss.stocktake_id = ? and ss.store_id = ?`, [id, storeId]);
    if (!r) throw notFound('Stocktake store', storeId);
    if (!r.snapshot_movement_id) throw new DomainException(ErrorCode.IllegalTransition, `The store is ${r.status}: there is no snapshot yet`);
    // After approval the result is frozen: later sales must not move an approved variance.
    const lines = r.status === 'approved'
      ? await this.repo.savedLines(em, id, storeId)
      : await this.repo.variance(em, this.st(r), storeId, r.snapshot_movement_id, r.freeze_at);
    return {
      stocktakeId: id, storeId, status: r.status, practice: !!r.practice, lines,
      totals: {
        lines: lines.length, counted: lines.filter((l) => !l.uncounted).length, uncounted: lines.filter((l) => l.uncounted).length,
        overThreshold: lines.filter((l) => l.overThreshold).length,
        varianceValueCents: lines.reduce((s, l) => s + l.varianceValueCents, 0),
        absVarianceValueCents: lines.reduce((s, l) => s + Math.abs(l.varianceValueCents), 0),
      },
    };
  }

  // ---- helpers -----------------------------------------------------------------------------

  private st(row: any) {
    return { id: row.stocktake_id, scope: row.scope, thresholds: row.thresholds };
  }

  private transition(from: StoreCountStatus, event: StoreCountEvent): StoreCountStatus {
    const t = nextStoreStatus(from, event);
    if (!t.ok) throw new DomainException(ErrorCode.IllegalTransition, t.reason, { from, event: event.type });
    return t.to;
  }

  private async lockedStore(tem: Tx, id: string, storeId: string) {
    const row = await this.repo.lockStore(tem, id, storeId);
    if (!row) throw notFound('Stocktake store', `${id}/${storeId}`);
    return row;
  }

  private async simpleTransition(id: string, storeId: string, actor: UserActor, event: StoreCountEvent, action: string) {
    const desired: TillDesired[] = [];
    await this.em.fork().transactional(async (tem) => {
      const row = await this.lockedStore(tem, id, storeId);
      const to = this.transition(row.status, event);
      await sql(tem, `update stocktake_store set status = ? where stocktake_id = ? and store_id = ?`, [to, id, storeId]);
      if (tillModeFor(to) !== tillModeFor(row.status)) desired.push(...(await this.steerTills(tem, row, storeId, to, actor.name)));
      await this.audit.record(tem, { ...fromUser(actor), action, storeId, subject: id, details: { from: row.status, to } });
    });
    await this.afterStoreChange(id, storeId, desired);
    return this.get(id, actor);
  }

  /** Sets the desired mode of every till of the store for a store status (new epoch each). */
  private steerTills(tem: Tx, st: any, storeId: string, status: StoreCountStatus, by: string | null): Promise<TillDesired[]> {
    return this.steerStores(tem, st, [storeId], status, by);
  }

  /** The same for many stores of one stocktake, in one statement. */
  private async steerStores(tem: Tx, st: any, storeIds: string[], status: StoreCountStatus, by: string | null): Promise<TillDesired[]> {
    const mode = tillModeFor(status);
    const stocktakeId = st.stocktake_id ?? st.id;
    const reason = mode === 'selling'
      ? { kind: 'none' as const, stocktakeId: null, practice: false, by: null, message: null }
      : { kind: 'stocktake' as const, stocktakeId, practice: !!st.practice, by, message: st.name, graceSeconds: st.grace_seconds ?? 0 };
    return this.fleetRepo.steerStores(tem, storeIds, st.practice_terminal_ids ?? [], mode, reason);
  }

  private async afterStoreChange(id: string, storeId: string, desired: TillDesired[]) {
    this.events.pushDesired(desired);
    desired.forEach((d) => this.notifier.changed(d.terminalId));
    await this.live.pushTasks(storeId).catch(() => {});
    this.live.changed(id, storeId);
    // Only a store reaching a final state can finish the chain stocktake: skip the chain row lock otherwise.
    const [store] = await sql<any[]>(this.em.fork(), `select status from stocktake_store where stocktake_id = ? and store_id = ?`, [id, storeId]);
    if (store && store.status !== 'approved' && store.status !== 'cancelled') return;
    const report = await this.em.fork().transactional(async (tem) => {
      const [st] = await sql<any[]>(tem, `select status from stocktake where id = ? for update`, [id]);
      const stores = await sql<any[]>(tem, `select status from stocktake_store where stocktake_id = ?`, [id]);
      const next = chainStatus(st.status, stores.map((s) => s.status));
      if (next === st.status) return null;
      await sql(tem, `update stocktake set status = ?, finished_at = now() where id = ?`, [next, id]);
      await this.audit.record(tem, { actorType: 'system', action: `stocktake.${next}`, subject: id });
      // A finished stocktake gets its consolidated report, recorded with the transition so it is never lost.
      if (next === 'done' && stores.some((s) => s.status === 'approved')) {
        return (await this.reports.createInTx(tem, { kind: 'chain_variance', stocktakeId: id }, null)).row;
      }
      return null;
    });
    if (report) await this.reports.enqueueSoon(report);
  }

}
