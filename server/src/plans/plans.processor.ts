import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { WorkerHost } from '../jobs/worker-host.js';
import { runKeyOf } from './plan-schedule.js';
import { PlansService } from './plans.service.js';

/** Schedulers are checked this often too, so a plan saved while Redis was away gets its scheduler without a restart. */
const SYNC_EVERY_MS = 10 * 60_000;

/**
 * The plans worker (hub processes only: a run steers tills). Registers `plan.run.v1` and, where plan jobs
 * are worked on, makes sure every enabled plan has its job scheduler — at start and every few minutes.
 */
@Injectable()
export class PlansProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('CountPlanJobs');
  private timer?: NodeJS.Timeout;

  constructor(
    host: WorkerHost,
    private readonly plans: PlansService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    host.register('plan.run.v1', (p, job) => this.run(p.planId, job));
  }

  onApplicationBootstrap() {
    if (!this.config.runWorkers) return;
    const sync = () => this.plans.syncSchedulers()
      .then((r) => (r.ensured || r.removed) && this.log.log(`Schedulers: ${r.ensured} set, ${r.removed} removed`))
      .catch((e) => this.log.warn(`scheduler sync: ${e.message}`));
    this.timer = setInterval(sync, SYNC_EVERY_MS);
    this.timer.unref();
    void sync();
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }

  private async run(planId: string, job: Job) {
    const k = runKeyOf(planId, job);
    if (!k) throw new UnrecoverableError(`Job ${job.id} is neither a scheduled nor a manual run of plan ${planId}`);
    const r = await this.plans.run(planId, k.key, k.scheduledAt);
    // Recorded on the run and audited already; a retry would find the key taken, so fail for good.
    if ('failed' in r) throw new UnrecoverableError(r.failed);
    return { runKey: k.key, ...r };
  }
}
