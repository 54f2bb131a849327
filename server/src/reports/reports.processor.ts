import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { describeError } from '../common/log-redaction.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { isPgError } from '../database/sql-redaction.js';
import { WorkerHost } from '../jobs/worker-host.js';
import { ReportBuilder } from './report-builder.js';
import { ReportsService } from './reports.service.js';
import type { ReportRow } from './reports.repository.js';

/**
 * The report jobs. A job that runs again (retry, a crashed worker's job taken over) starts from what is
 * already recorded: finished parts are not rebuilt and a finished report is not touched.
 */
@Injectable()
export class ReportsProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('ReportJobs');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly host: WorkerHost,
    private readonly builder: ReportBuilder,
    private readonly reports: ReportsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    host.register('report.build.v1', (p, job) => this.run(p.reportId, job, (r) => (r.kind === 'slow_movers' ? this.builder.slowMovers(r) : this.builder.consolidate(r))));
    host.register('report.part.v1', (p, job) => this.run(p.reportId, job, (r) => this.builder.buildPart(r, p.storeId)));
    host.register('report.consolidate.v1', (p, job) => this.run(p.reportId, job, (r) => this.builder.consolidate(r)));
  }

  onApplicationBootstrap() {
    if (!this.host.running || this.config.reportReconcileSeconds === 0) return;
    const sweep = () => this.reports.reconcile(this.config.reportReconcileSeconds).then((n) => n && this.log.log(`Queued ${n} report(s) that had no job`)).catch((e) => this.log.debug(`reconcile: ${e.message}`));
    this.timer = setInterval(sweep, this.config.reportReconcileSeconds * 1000);
    this.timer.unref();
    void sweep();
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }

  private async run(reportId: string, job: Job, fn: (r: ReportRow) => Promise<unknown>) {
    const r = await this.builder.load(reportId);
    if (r.status === 'done') return { skipped: 'done' };
    await this.builder.start(r);
    try {
      await fn(r);
      return { ok: true };
    } catch (e: any) {
      const final = e instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const db = isPgError(e);
      this.log.warn(`${job.name} for report ${reportId} failed (attempt ${job.attemptsMade + 1}${final ? ', final' : ''}): ${db ? describeError(e) : e?.message}`);
      // The report's error is shown in the admin app: no SQL there, only the database's code.
      if (final) await this.builder.failed(reportId, db ? `A database query of the report failed (SQLSTATE ${e.code})` : (e?.message ?? String(e)));
      throw e;
    }
  }
}
