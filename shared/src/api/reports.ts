import { z } from 'zod';

export const ReportKindSchema = z.enum(['store_variance', 'chain_variance', 'slow_movers']);
export type ReportKind = z.infer<typeof ReportKindSchema>;
export const ReportFormatSchema = z.enum(['csv', 'xlsx', 'pdf']);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;
export type ReportStatus = 'queued' | 'running' | 'done' | 'failed';

/** What an admin or auditor asks for; reports are built by BullMQ jobs, never inside the request. */
export const CreateReportSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('store_variance'), stocktakeId: z.uuid(), storeId: z.uuid() }),
  z.strictObject({ kind: z.literal('chain_variance'), stocktakeId: z.uuid() }),
  z.strictObject({
    kind: z.literal('slow_movers'),
    /** Empty: every store the requester may read. */
    storeIds: z.array(z.uuid()).max(10_000).default([]),
    /** Products sold at most this many units per store over the window are slow movers. */
    windowDays: z.number().int().min(7).max(730).default(90),
    maxUnitsSold: z.number().int().min(0).max(1_000_000).default(0),
  }),
]);
export type CreateReportInput = z.infer<typeof CreateReportSchema>;

export interface ReportFileDto {
  format: ReportFormat;
  fileName: string;
  bytes: number;
  /** Hex SHA-256 of the file as written; checked again on every download. */
  sha256: string;
  rows: number;
  url: string;
}

export interface ReportDto {
  id: string;
  kind: ReportKind;
  title: string;
  stocktakeId: string | null;
  storeId: string | null;
  params: Record<string, unknown>;
  status: ReportStatus;
  /** 0–100 */
  progress: number;
  error: string | null;
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  files: ReportFileDto[];
}

export const ReportListQuerySchema = z.strictObject({
  stocktakeId: z.uuid().optional(),
  kind: ReportKindSchema.optional(),
});

/**
 * Every BullMQ job of the hub: one discriminated union, parsed again by the worker before it acts.
 * A changed payload gets a new name.
 */
export const JobPayloadSchema = z.discriminatedUnion('name', [
  /** A single-job report (one store's variance, slow movers). */
  z.strictObject({ name: z.literal('report.build.v1'), reportId: z.uuid() }),
  /** A chain report's child: one part (consecutive stores from `storeId`, the part's first store, sized by the report's `params.partRows`). */
  z.strictObject({ name: z.literal('report.part.v1'), reportId: z.uuid(), storeId: z.uuid() }),
  /** A chain report's parent: consolidates its children's parts into the files. */
  z.strictObject({ name: z.literal('report.consolidate.v1'), reportId: z.uuid() }),
  /** A count plan's scheduled run (fired by a BullMQ job scheduler). */
  z.strictObject({ name: z.literal('plan.run.v1'), planId: z.uuid() }),
]);
export type JobPayload = z.infer<typeof JobPayloadSchema>;
export type JobName = JobPayload['name'];
