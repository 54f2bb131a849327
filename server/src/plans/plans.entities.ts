import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import type { AbcSettings } from '@stockfleet/shared';

/** A recurring count: BullMQ's job scheduler (id = plan id) fires it; the stocktake it creates is recorded per run. */
@Entity({ tableName: 'count_plan' })
export class CountPlan {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ length: 120 }) name!: string;
  @Property({ type: 'boolean' }) enabled: Opt<boolean> = true;
  @Enum({ items: ['daily', 'weekly', 'monthly'] }) cadence!: 'daily' | 'weekly' | 'monthly';
  @Property({ length: 5 }) timeOfDay!: string;
  @Property({ length: 64 }) timezone!: string;
  @Property({ type: 'integer', nullable: true }) weekday: number | null = null;
  @Property({ type: 'integer', nullable: true }) dayOfMonth: number | null = null;
  @Property({ type: 'jsonb' }) storeIds!: string[];
  @Enum({ items: ['full', 'abc'] }) method!: 'full' | 'abc';
  @Property({ type: 'jsonb' }) abc!: AbcSettings;
  @Property({ type: 'boolean' }) blind: Opt<boolean> = true;
  @Property({ type: 'boolean' }) autoStart: Opt<boolean> = false;
  @Property({ type: 'uuid', nullable: true }) createdBy: string | null = null;
  @Property({ length: 200, nullable: true }) createdByName: string | null = null;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) createdAt!: Opt<Date>;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) updatedAt!: Opt<Date>;
  @Property({ type: 'timestamptz', nullable: true }) lastRunAt: Date | null = null;
  @Property({ type: 'uuid', nullable: true }) lastStocktakeId: string | null = null;
}

/** One firing of a plan; the key (the scheduled time) makes a retried or duplicated firing create nothing twice. */
@Entity({ tableName: 'count_plan_run' })
export class CountPlanRun {
  @PrimaryKey({ type: 'uuid' }) planId!: string;
  @PrimaryKey({ length: 64 }) runKey!: string;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) ranAt!: Opt<Date>;
  @Property({ type: 'uuid', nullable: true }) stocktakeId: string | null = null;
  @Property({ type: 'integer' }) products: Opt<number> = 0;
  @Property({ type: 'jsonb', nullable: true }) classes: { A: number; B: number; C: number } | null = null;
  @Property({ type: 'text', nullable: true }) note: string | null = null;
}
