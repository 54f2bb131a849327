/** Variance rules: pure, so the hub, the reports and the tests agree. */
export interface Thresholds {
  /** Absolute quantity difference that asks for a recount (0 = off). */
  quantity: number;
  /** Percent of expected (0 = off). */
  percent: number;
  /** Value of the difference in cents (0 = off). */
  valueCents: number;
}

export interface VarianceInput {
  expected: number;
  counted: number;
  unitCostCents: number;
}

export interface VarianceLine extends VarianceInput {
  variance: number;
  varianceValueCents: number;
  overThreshold: boolean;
}

export function variance(line: VarianceInput, t: Thresholds): VarianceLine {
  const v = line.counted - line.expected;
  const value = v * line.unitCostCents;
  const abs = Math.abs(v);
  const pct = line.expected === 0 ? (abs === 0 ? 0 : Infinity) : (abs * 100) / Math.abs(line.expected);
  const over =
    abs > 0 &&
    ((t.quantity > 0 && abs >= t.quantity) || (t.percent > 0 && pct >= t.percent) || (t.valueCents > 0 && Math.abs(value) >= t.valueCents));
  return { ...line, variance: v, varianceValueCents: value, overThreshold: over };
}

/**
 * Counted quantity of one product from its count lines: a recount of a zone replaces the earlier
 * rounds for that zone; a recount without a zone replaces every earlier line of the product.
 */
export interface CountLine {
  zoneId: string | null;
  quantity: number;
  round: number;
  /** Set on recount lines: the zone the recount task was for, or null for the whole store. */
  recountZoneId?: string | null;
}
export function countedQuantity(lines: CountLine[]): number {
  const storeWide = lines.filter((l) => l.round > 0 && l.recountZoneId === null).reduce((m, l) => Math.max(m, l.round), 0);
  const byZoneRound = new Map<string, number>();
  for (const l of lines) {
    if (l.round > 0 && l.recountZoneId) byZoneRound.set(l.recountZoneId, Math.max(byZoneRound.get(l.recountZoneId) ?? 0, l.round));
  }
  let total = 0;
  for (const l of lines) {
    if (l.round < storeWide) continue;
    const zoneRound = l.zoneId ? (byZoneRound.get(l.zoneId) ?? 0) : 0;
    if (l.round < zoneRound) continue;
    total += l.quantity;
  }
  return total;
}
