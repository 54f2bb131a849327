import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { CreateStocktakeSchema, ErrorCode, type AbcClassDto, type CountPlanDto, type CountPlanInput, type CountPlanRunDto } from '@stockfleet/shared';
import { randomUUID } from 'node:crypto';
import { AuditService, fromUser } from '../audit/audit.service.js';
import { readableStoreIds, type UserActor } from '../common/actor.js';
import { DomainException, notFound } from '../common/domain-exception.js';
import { StocktakeService } from '../stocktake/stocktake.service.js';
import { classCounts, classify, dueForCount } from './abc.js';
import { localDate, MANUAL_PREFIX, normaliseCadence } from './plan-schedule.js';
import { PlanScheduler } from './plan-scheduler.js';
import { PlansRepository, mapPlan, mapRun, type PlanRow } from './plans.repository.js';

const DAY_MS = 86_400_000;
/** What a claimed run says until it is finished; it stays only when the process died in between. */
export const RUN_IN_PROGRESS = 'in progress (if this stays, the run was interrupted before it finished)';

export type RunResult =
  | { skipped: 'deleted' | 'disabled' | 'duplicate' }
  | { stocktakeId: string | null; products: number; note: string | null }
  | { failed: string };

/** A plan acts on its own: as an admin named after the plan, so the stocktake and the audit log say who made it. */
export function planActor(plan: Pick<PlanRow, 'id' | 'name' | 'created_by'>): UserActor {
  const name = `Count plan "${plan.name}"`;
  return { kind: 'user', id: plan.created_by ?? plan.id, name, email: name, role: 'admin', storeIds: [], ip: null };
}

/**
 * Count plans: recurring full counts and ABC cycle counts. The plan lives in PostgreSQL; its BullMQ job
 * scheduler fires `plan.run.v1` at the plan's local time, and each firing creates at most one stocktake
 * (the run key — the scheduled time, or a manual key — is claimed before anything is created).
 */
@Injectable()
export class PlansService {
  private readonly log = new Logger('CountPlans');

  constructor(
    private readonly em: EntityManager,
    private readonly repo: PlansRepository,
    private readonly scheduler: PlanScheduler,
    private readonly stocktakes: StocktakeService,
    private readonly audit: AuditService,
  ) {}

  // ---- commands ----------------------------------------------------------------------------

  async create(input: CountPlanInput, actor: UserActor): Promise<CountPlanDto> {
    const plan = this.normalise(input);
    const id = randomUUID();
    const em = this.em.fork();
    await em.transactional(async (tem) => {
      await this.assertStores(tem, plan.storeIds);
      await this.repo.insert(tem, id, plan, { id: actor.id, name: actor.name });
      await this.audit.record(tem, { ...fromUser(actor), action: 'count_plan.created', storeId: soleStore(plan.storeIds), subject: id, details: describe(plan) });
    });
    return this.afterWrite(em, id);
  }

  /** PUT: the whole plan is replaced by the input (enabling, disabling and rescheduling included). */
  async update(id: string, input: CountPlanInput, actor: UserActor): Promise<CountPlanDto> {
    const plan = this.normalise(input);
    const em = this.em.fork();
    await em.transactional(async (tem) => {
      const before = await this.repo.get(tem, id, true);
      if (!before) throw notFound('Count plan', id);
      await this.assertStores(tem, plan.storeIds);
      await this.repo.update(tem, id, plan);
      const prior = describe(mapPlan(before, null));
      const now = describe(plan);
      const changed = (Object.keys(now) as Array<keyof typeof now>).filter((k) => canonical(prior[k]) !== canonical(now[k]));
      await this.audit.record(tem, { ...fromUser(actor), action: 'count_plan.updated', storeId: soleStore(plan.storeIds), subject: id, details: { ...now, changed } });
    });
    return this.afterWrite(em, id);
  }

  async remove(id: string, actor: UserActor): Promise<void> {
    await this.em.fork().transactional(async (tem) => {
      const plan = await this.repo.get(tem, id, true);
      if (!plan) throw notFound('Count plan', id);
      await this.repo.delete(tem, id);
      await this.audit.record(tem, { ...fromUser(actor), action: 'count_plan.deleted', storeId: soleStore(plan.store_ids), subject: id, details: { name: plan.name } });
    });
    // After the commit; if Redis is away now, the scheduler sync removes the orphan (and a firing of a deleted plan does nothing).
    await this.scheduler.remove(id).catch((e) => this.log.warn(`Scheduler of deleted plan ${id} not removed yet: ${e.message}`));
  }

  /** Queues one run now, under a fresh manual key; the run itself happens in the plans worker. */
  async runNow(id: string, actor: UserActor): Promise<{ planId: string; runKey: string }> {
    const em = this.em.fork();
    const plan = await this.repo.get(em, id);
    if (!plan) throw notFound('Count plan', id);
    if (!plan.enabled) throw new DomainException(ErrorCode.IllegalTransition, 'The plan is disabled: enable it to run it');
    const runKey = `${MANUAL_PREFIX}${randomUUID()}`;
    await this.scheduler.runNow(id, runKey);
    await em.transactional((tem) => this.audit.record(tem, { ...fromUser(actor), action: 'count_plan.run_requested', storeId: soleStore(plan.store_ids), subject: id, details: { runKey } }));
    return { planId: id, runKey };
  }

  // ---- queries -----------------------------------------------------------------------------

  async list(actor: UserActor): Promise<CountPlanDto[]> {
    const rows = await this.repo.list(this.em.fork(), readableStoreIds(actor));
    return Promise.all(rows.map(async (r) => mapPlan(r, await this.nextRun(r))));
  }

  async get(id: string, actor: UserActor): Promise<CountPlanDto> {
    const r = await this.visible(id, actor);
    return mapPlan(r, await this.nextRun(r));
  }

  async runs(id: string, actor: UserActor): Promise<CountPlanRunDto[]> {
    await this.visible(id, actor);
    return (await this.repo.runs(this.em.fork(), id, 200)).map(mapRun);
  }

  /** The classes and due flags a run would use now, over the plan's stores or one of them. */
  async abcPreview(id: string, storeId: string | undefined, actor: UserActor): Promise<AbcClassDto[]> {
    const plan = await this.visible(id, actor);
    if (storeId && !plan.store_ids.includes(storeId)) {
      throw new DomainException(ErrorCode.ValidationFailed, 'The store is not one of the plan\'s stores', [{ path: 'storeId', message: 'not a store of this plan' }]);
    }
    const now = new Date();
    const rows = classify(await this.repo.abcInputs(this.em.fork(), storeId ? [storeId] : plan.store_ids, new Date(now.getTime() - plan.abc.windowDays * DAY_MS)), plan.abc, now);
    return rows.map((r) => ({
      productId: r.productId, sku: r.sku, name: r.name, valueCents: r.valueCents, unitsSold: r.unitsSold, cls: r.cls,
      lastCountedAt: r.lastCountedAt ? r.lastCountedAt.toISOString() : null, due: r.due,
    }));
  }

  // ---- runs (plans worker) -----------------------------------------------------------------

  /**
   * One firing. The run key is claimed first: a second firing with the same key (a retry, a duplicated
   * job, two hub nodes) finds it taken and does nothing, so one key never makes two stocktakes.
   * Failures after the claim are recorded on the run (and audited), not retried.
   */
  async run(planId: string, runKey: string, scheduledAt: Date | null): Promise<RunResult> {
    const em = this.em.fork();
    const plan = await this.repo.get(em, planId);
    if (!plan) return { skipped: 'deleted' };
    if (!plan.enabled) return { skipped: 'disabled' };
    if (!(await this.repo.claimRun(em, planId, runKey, RUN_IN_PROGRESS))) return { skipped: 'duplicate' };

    const actor = planActor(plan);
    const now = new Date();
    let stocktakeId: string | null = null;
    let products = 0;
    let classes: { A: number; B: number; C: number } | null = null;
    let note: string | null = null;
    let failure: string | null = null;
    try {
      let productIds: string[] | null = null;
      if (plan.method === 'abc') {
        const rows = classify(await this.repo.abcInputs(em, plan.store_ids, new Date(now.getTime() - plan.abc.windowDays * DAY_MS)), plan.abc, now);
        const due = dueForCount(rows, plan.abc.maxProducts);
        classes = classCounts(due);
        productIds = due.map((d) => d.productId);
        products = due.length;
        if (!due.length) note = rows.length ? 'Nothing is due: every product was counted within its class interval' : 'Nothing to count: the stores carry no products';
      } else {
        products = await this.repo.productCount(em);
      }
      if (productIds === null || productIds.length) {
        const suffix = ` — ${localDate(scheduledAt ?? now, plan.timezone)}`;
        const input = CreateStocktakeSchema.parse({
          name: `${plan.name.slice(0, 120 - suffix.length)}${suffix}`,
          scope: { kind: 'stores', storeIds: plan.store_ids, filter: productIds ? { kind: 'products', productIds } : { kind: 'full' } },
          blind: plan.blind,
        });
        const st = await this.stocktakes.create(input, actor);
        stocktakeId = st.id;
        if (plan.auto_start) {
          try {
            await this.stocktakes.start(st.id, actor);
          } catch (e: any) {
            note = `Left as a draft: ${e?.message ?? e}`;
          }
        }
      }
    } catch (e: any) {
      failure = e?.message ?? String(e);
      note = `Failed: ${failure}`;
      this.log.warn(`Count plan ${planId} run ${runKey} failed: ${failure}`);
    }

    await em.transactional(async (tem) => {
      await this.repo.finishRun(tem, { planId, runKey, stocktakeId, products, classes, note });
      await this.audit.record(tem, {
        actorType: 'system', actorId: plan.created_by, actorName: actor.name, action: failure ? 'count_plan.run_failed' : 'count_plan.ran',
        storeId: soleStore(plan.store_ids), subject: planId,
        details: { runKey, scheduledAt: scheduledAt?.toISOString() ?? null, method: plan.method, stocktakeId, products, classes, note },
      });
    });
    return failure ? { failed: failure } : { stocktakeId, products, note };
  }

  /**
   * Every enabled plan has its scheduler (created or corrected when missing or stale), and schedulers
   * of plans deleted or disabled are removed. Safe to run on every node and at any time.
   */
  async syncSchedulers(): Promise<{ ensured: number; removed: number }> {
    const em = this.em.fork();
    const plans = await this.repo.enabledPlans(em);
    let ensured = 0;
    for (const p of plans) if (await this.scheduler.ensure(p)) ensured++;
    const enabled = new Set(plans.map((p) => p.id));
    let removed = 0;
    for (const id of await this.scheduler.ids()) {
      if (enabled.has(id)) continue;
      const row = await this.repo.get(em, id); // read again: a plan created meanwhile keeps its scheduler
      if (row?.enabled) continue;
      await this.scheduler.remove(id);
      removed++;
    }
    return { ensured, removed };
  }

  // ---- helpers -----------------------------------------------------------------------------

  private normalise(input: CountPlanInput): CountPlanInput {
    return normaliseCadence({ ...input, storeIds: [...new Set(input.storeIds)] });
  }

  private async assertStores(tem: EntityManager, storeIds: string[]) {
    const known = new Set(await this.repo.knownStores(tem, storeIds));
    const missing = storeIds.filter((s) => !known.has(s));
    if (missing.length) throw new DomainException(ErrorCode.UnknownStore, `${missing.length === 1 ? 'A store does' : `${missing.length} stores do`} not exist`, { storeIds: missing });
  }

  /** After the commit: the scheduler follows the stored plan. If Redis is away, the answer says no next run and the sync fixes it. */
  private async afterWrite(em: EntityManager, id: string): Promise<CountPlanDto> {
    const row = (await this.repo.get(em, id))!;
    const next = await this.scheduler.apply(row).catch((e) => {
      this.log.warn(`Scheduler of plan ${id} not updated yet: ${e.message}`);
      return null;
    });
    return mapPlan(row, next);
  }

  private async nextRun(r: PlanRow): Promise<Date | null> {
    if (!r.enabled) return null;
    return this.scheduler.next(r.id).catch(() => null);
  }

  /** A plan the actor may read: managers see plans whose stores are all theirs; others get a 404 as if it did not exist. */
  private async visible(id: string, actor: UserActor): Promise<PlanRow> {
    const r = await this.repo.get(this.em.fork(), id);
    if (!r) throw notFound('Count plan', id);
    const scope = readableStoreIds(actor);
    if (scope && !r.store_ids.every((s) => scope.includes(s))) throw notFound('Count plan', id);
    return r;
  }
}

/** JSON with sorted keys: jsonb does not keep the key order of what was written. */
const canonical = (v: unknown): string => JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

const soleStore = (storeIds: string[]) => (storeIds.length === 1 ? storeIds[0] : null);

/** What the audit log keeps of a plan. */
function describe(p: CountPlanInput) {
  return {
    name: p.name, enabled: p.enabled, cadence: p.cadence, timeOfDay: p.timeOfDay, timezone: p.timezone, weekday: p.weekday, dayOfMonth: p.dayOfMonth,
    storeIds: p.storeIds, method: p.method, abc: p.abc, blind: p.blind, autoStart: p.autoStart,
  };
}
