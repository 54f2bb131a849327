import { Injectable } from '@nestjs/common';
import type { JobPayload } from '@stockfleet/shared';
import { JobsService } from '../jobs/jobs.service.js';
import { PLANS_QUEUE } from '../jobs/jobs.types.js';
import { cronPattern, manualJobId } from './plan-schedule.js';
import type { PlanRow } from './plans.repository.js';

const asCadence = (p: PlanRow) => ({ cadence: p.cadence, timeOfDay: p.time_of_day, weekday: p.weekday, dayOfMonth: p.day_of_month });

/**
 * The plans' BullMQ side: one job scheduler per enabled plan (scheduler id = plan id) firing
 * `plan.run.v1` at the plan's local time, and the one-off jobs of "run now".
 */
@Injectable()
export class PlanScheduler {
  constructor(private readonly jobs: JobsService) {}

  private get queue() {
    return this.jobs.queues[PLANS_QUEUE];
  }

  /** Creates or updates the plan's scheduler (idempotent), or removes it when the plan is disabled. */
  async apply(plan: PlanRow): Promise<Date | null> {
    if (!plan.enabled) {
      await this.remove(plan.id);
      return null;
    }
    const data: JobPayload = { name: 'plan.run.v1', planId: plan.id };
    await this.queue.upsertJobScheduler(plan.id, { pattern: cronPattern(asCadence(plan)), tz: plan.timezone }, { name: 'plan.run.v1', data });
    return this.next(plan.id);
  }

  /** Only when the scheduler is missing or no longer matches the plan: a healthy scheduler is left alone. */
  async ensure(plan: PlanRow): Promise<boolean> {
    const s = await this.queue.getJobScheduler(plan.id);
    if (s && s.pattern === cronPattern(asCadence(plan)) && s.tz === plan.timezone && s.name === 'plan.run.v1') return false;
    await this.apply(plan);
    return true;
  }

  async remove(planId: string): Promise<void> {
    await this.queue.removeJobScheduler(planId);
  }

  async next(planId: string): Promise<Date | null> {
    const s = await this.queue.getJobScheduler(planId);
    return s?.next ? new Date(s.next) : null;
  }

  /** Scheduler ids in the queue (plan ids, including those of plans gone or disabled). */
  async ids(): Promise<string[]> {
    const all = await this.queue.getJobSchedulers(0, -1, true);
    return all.map((s) => s.key);
  }

  async runNow(planId: string, runKey: string): Promise<void> {
    await this.jobs.add({ name: 'plan.run.v1', planId }, { jobId: manualJobId(planId, runKey) });
  }
}
