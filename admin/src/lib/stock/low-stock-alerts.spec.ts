import { describe, expect, it } from '@jest/globals';
import type { LowStockAlertDto } from '@stockfleet/shared';
import { applyAlertEvent, inView, sortAlerts, type AlertView } from './low-stock-alerts';

const alert = (id: string, raisedAt: string, over: Partial<LowStockAlertDto> = {}): LowStockAlertDto => ({
  id, storeId: 'a', storeCode: 'A', productId: `p-${id}`, sku: id, name: id, threshold: 5, onHandAtRaise: 4, onHand: 4,
  raisedAt, clearedAt: null, ...over,
});
const open: AlertView = { storeId: null, status: 'open', limit: 200 };
const ids = (l: LowStockAlertDto[]) => l.map((a) => a.id);

describe(inView.name, () => {
  it('filters by store and by open / cleared / all', () => {
    const o = alert('o', '2026-01-01T10:00:00.000Z');
    const c = alert('c', '2026-01-01T10:00:00.000Z', { clearedAt: '2026-01-01T11:00:00.000Z', storeId: 'b' });
    expect([inView(o, open), inView(c, open)]).toEqual([true, false]);
    expect([inView(o, { ...open, status: 'cleared' }), inView(c, { ...open, status: 'cleared' })]).toEqual([false, true]);
    expect([inView(o, { ...open, status: 'all' }), inView(c, { ...open, status: 'all' })]).toEqual([true, true]);
    expect(inView(c, { ...open, status: 'all', storeId: 'a' })).toBe(false);
  });
});

describe(sortAlerts.name, () => {
  it('puts the newest first: raised time, or cleared time in the cleared view', () => {
    const x = alert('x', '2026-01-01T10:00:00.000Z', { clearedAt: '2026-01-01T15:00:00.000Z' });
    const y = alert('y', '2026-01-01T12:00:00.000Z', { clearedAt: '2026-01-01T13:00:00.000Z' });
    expect(ids(sortAlerts([x, y], 'all'))).toEqual(['y', 'x']);
    expect(ids(sortAlerts([y, x], 'cleared'))).toEqual(['x', 'y']);
  });
});

describe(applyAlertEvent.name, () => {
  const older = alert('old', '2026-01-01T09:00:00.000Z');

  it('adds a raised alert on top and counts it', () => {
    const sut = applyAlertEvent([older], { change: 'raised', alert: alert('new', '2026-01-01T10:00:00.000Z') }, open);
    expect(ids(sut.list)).toEqual(['new', 'old']);
    expect(sut).toMatchObject({ totalDelta: 1, changed: true });
  });

  it('drops a cleared alert from the open view, and moves it into the cleared view', () => {
    const cleared = { ...older, clearedAt: '2026-01-01T11:00:00.000Z', onHand: 9 };
    expect(applyAlertEvent([older], { change: 'cleared', alert: cleared }, open)).toMatchObject({ list: [], totalDelta: -1 });
    const inCleared = applyAlertEvent([], { change: 'cleared', alert: cleared }, { ...open, status: 'cleared' });
    expect(inCleared).toMatchObject({ list: [cleared], totalDelta: 1 });
  });

  it('updates in place in the "all" view, and a late "raised" push never reopens a cleared alert', () => {
    const cleared = { ...older, clearedAt: '2026-01-01T11:00:00.000Z' };
    const all = { ...open, status: 'all' as const };
    const once = applyAlertEvent([older], { change: 'cleared', alert: cleared }, all);
    expect(once).toMatchObject({ list: [cleared], totalDelta: 0 });
    const late = applyAlertEvent(once.list, { change: 'raised', alert: { ...older, onHand: 3 } }, all);
    expect(late.list).toEqual([{ ...older, onHand: 3, clearedAt: cleared.clearedAt }]);
  });

  it('ignores alerts of other stores and keeps the list at its limit', () => {
    const other = applyAlertEvent([older], { change: 'raised', alert: alert('b1', '2026-01-01T10:00:00.000Z', { storeId: 'b' }) }, { ...open, storeId: 'a' });
    expect(other).toMatchObject({ list: [older], totalDelta: 0, changed: false });
    const capped = applyAlertEvent([older], { change: 'raised', alert: alert('new', '2026-01-01T10:00:00.000Z') }, { ...open, limit: 1 });
    expect(ids(capped.list)).toEqual(['new']);
    expect(capped.totalDelta).toBe(1);
  });
});
