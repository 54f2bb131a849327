import type { AbcSettings } from '@stockfleet/shared';

export type AbcClass = 'A' | 'B' | 'C';

/** One product as the ABC rule sees it: what it moved over the window and when it was last counted. */
export interface AbcInput {
  productId: string;
  sku: string;
  name: string;
  unitsSold: number;
  /** Units sold × unit cost, in cents. */
  valueCents: number;
  lastCountedAt: Date | null;
}

export interface AbcRow extends AbcInput {
  cls: AbcClass;
  due: boolean;
}

const DAY_MS = 86_400_000;
const ORDER: Record<AbcClass, number> = { A: 0, B: 1, C: 2 };

/** Most valuable first; the SKU breaks ties so the same input always gives the same order. */
const byValue = (a: AbcInput, b: AbcInput) => b.valueCents - a.valueCents || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

/**
 * Pareto classes by value moved. A product's class is read from the share of the total value moved by the
 * products strictly more valuable than it: below `aShare` → A, below `bShare` → B, else C. So the product
 * whose value carries the cumulative share across a threshold still belongs to the better class (a single
 * product that moves 90 % of the value is A, not B), products of equal value always share a class, and a
 * product that moved nothing is C.
 */
export function classify(products: AbcInput[], settings: Pick<AbcSettings, 'aShare' | 'bShare' | 'aEveryDays' | 'bEveryDays' | 'cEveryDays'>, now: Date): AbcRow[] {
  const rows = products.map((p) => ({ ...p, valueCents: Math.max(0, p.valueCents), unitsSold: Math.max(0, p.unitsSold) })).sort(byValue);
  const total = rows.reduce((s, p) => s + p.valueCents, 0);
  const out: AbcRow[] = [];
  let above = 0; // value of every product strictly more valuable than the current one
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j < rows.length && rows[j].valueCents === rows[i].valueCents) j++;
    const share = total > 0 ? above / total : 1;
    const cls: AbcClass = rows[i].valueCents <= 0 ? 'C' : share < settings.aShare ? 'A' : share < settings.bShare ? 'B' : 'C';
    for (let k = i; k < j; k++) out.push({ ...rows[k], cls, due: isDue(rows[k].lastCountedAt, cls, settings, now) });
    above += rows[i].valueCents * (j - i);
    i = j;
  }
  return out;
}

export function intervalDays(cls: AbcClass, s: Pick<AbcSettings, 'aEveryDays' | 'bEveryDays' | 'cEveryDays'>): number {
  return cls === 'A' ? s.aEveryDays : cls === 'B' ? s.bEveryDays : s.cEveryDays;
}

/** Due when never counted, or last counted at least the class's interval ago. */
export function isDue(lastCountedAt: Date | null, cls: AbcClass, s: Pick<AbcSettings, 'aEveryDays' | 'bEveryDays' | 'cEveryDays'>, now: Date): boolean {
  if (!lastCountedAt) return true;
  return now.getTime() - lastCountedAt.getTime() >= intervalDays(cls, s) * DAY_MS;
}

/** What one cycle count takes: the due products, A first, then by value, at most `maxProducts`. */
export function dueForCount(rows: AbcRow[], maxProducts: number): AbcRow[] {
  return rows.filter((r) => r.due).sort((a, b) => ORDER[a.cls] - ORDER[b.cls] || byValue(a, b)).slice(0, Math.max(0, maxProducts));
}

export function classCounts(rows: Array<{ cls: AbcClass }>): { A: number; B: number; C: number } {
  const c = { A: 0, B: 0, C: 0 };
  for (const r of rows) c[r.cls]++;
  return c;
}
