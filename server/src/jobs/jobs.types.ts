import type { Job } from 'bullmq';
import type { JobName, JobPayload } from '@stockfleet/shared';

/** Report jobs may run in any worker process; plan jobs steer tills, so they run in hub processes only. */
export const REPORTS_QUEUE = 'reports';
export const PLANS_QUEUE = 'plans';
export type QueueName = typeof REPORTS_QUEUE | typeof PLANS_QUEUE;

export const queueOf = (name: JobName): QueueName => (name.startsWith('plan.') ? PLANS_QUEUE : REPORTS_QUEUE);

export type PayloadOf<N extends JobName> = Extract<JobPayload, { name: N }>;
export type JobHandler<N extends JobName> = (payload: PayloadOf<N>, job: Job) => Promise<unknown>;

/** Retries with exponential backoff; finished jobs kept a while for bull-board, then dropped. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 2000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 2000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};
