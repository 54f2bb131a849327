import { BigIntType, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import type { ReportFormat, ReportKind, ReportStatus } from '@stockfleet/shared';

/** A requested report; its id is the BullMQ job id, so asking the queue twice never builds it twice at once. */
@Entity({ tableName: 'report' })
@Index({ properties: ['stocktakeId'] })
@Index({ properties: ['createdAt'] })
export class Report {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ length: 40 }) kind!: ReportKind;
  @Property({ length: 300 }) title!: string;
  @Property({ type: 'uuid', nullable: true }) stocktakeId: string | null = null;
  @Property({ type: 'uuid', nullable: true }) storeId: string | null = null;
  /** Stores a requester could read when asking (null: every store). */
  @Property({ type: 'jsonb', nullable: true }) storeScope: string[] | null = null;
  @Property({ type: 'jsonb', defaultRaw: `'{}'` }) params: Opt<Record<string, unknown>> = {};
  @Enum({ items: ['queued', 'running', 'done', 'failed'] }) status: Opt<ReportStatus> = 'queued';
  @Property({ type: 'integer' }) progress: Opt<number> = 0;
  /** Chain reports: how many store parts the parent waits for. */
  @Property({ type: 'integer' }) partsTotal: Opt<number> = 0;
  @Property({ type: 'text', nullable: true }) error: string | null = null;
  @Property({ type: 'integer' }) attempts: Opt<number> = 0;
  @Property({ type: 'uuid', nullable: true }) requestedBy: string | null = null;
  @Property({ length: 200, nullable: true }) requestedByName: string | null = null;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) createdAt!: Opt<Date>;
  @Property({ type: 'timestamptz', nullable: true }) startedAt: Date | null = null;
  @Property({ type: 'timestamptz', nullable: true }) finishedAt: Date | null = null;
}

/** A chain report's finished store part (written once; a retried child finds it and skips). */
@Entity({ tableName: 'report_part' })
export class ReportPart {
  @PrimaryKey({ type: 'uuid' }) reportId!: string;
  @PrimaryKey({ type: 'uuid' }) storeId!: string;
  @Property({ type: new BigIntType('number') }) rows!: number;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) createdAt!: Opt<Date>;
}

/** A written file: where, how big, and the SHA-256 every download is checked against. */
@Entity({ tableName: 'report_file' })
export class ReportFile {
  @PrimaryKey({ type: 'uuid' }) reportId!: string;
  @PrimaryKey({ length: 8 }) format!: ReportFormat;
  @Property({ length: 200 }) fileName!: string;
  /** Relative to REPORTS_DIR. */
  @Property({ length: 400 }) path!: string;
  @Property({ type: new BigIntType('number') }) bytes!: number;
  @Property({ length: 64 }) sha256!: string;
  @Property({ type: new BigIntType('number') }) rows!: number;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) createdAt!: Opt<Date>;
}
