import { describe, expect, it } from '@jest/globals';
import type { TerminalStatus } from '@stockfleet/shared';
import { EMPTY_FLEET_FILTER, groupByStore, matchesFilter, mergeTerminals, summarize, syncState, type FleetFilter } from './fleet-view';

let n = 0;
function till(over: Partial<TerminalStatus> = {}): TerminalStatus {
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    storeId: 'store-a',
    name: `Till ${n}`,
    online: true,
    desiredMode: 'selling',
    desiredEpoch: 3,
    reportedMode: 'selling',
    reportedEpoch: 3,
    appVersion: '1.2.0',
    scannerKind: 'wedge',
    scannerStatus: 'ready',
    outboxDepth: 0,
    lastSaleSeq: 10,
    clockOffsetMs: 12,
    rttMs: 20,
    lastSeenAt: '2025-06-01T12:00:00Z',
    revoked: false,
    ...over,
  };
}
const stores = new Map([
  ['store-a', { name: 'Alpha Street', code: 'A01' }],
  ['store-b', { name: 'Beta Mall', code: 'B02' }],
]);
const f = (over: Partial<FleetFilter>): FleetFilter => ({ ...EMPTY_FLEET_FILTER, ...over });

describe(syncState.name, () => {
  it('is in sync when the till reports the desired mode at the current epoch', () => {
    expect(syncState(till())).toBe('in_sync');
    expect(syncState(till({ reportedEpoch: 4 }))).toBe('in_sync');
  });
  it('is converging while the till lags the epoch or the mode', () => {
    expect(syncState(till({ desiredMode: 'frozen', desiredEpoch: 4 }))).toBe('converging');
    expect(syncState(till({ reportedEpoch: 2 }))).toBe('converging');
  });
  it('is unknown before the first report', () => {
    expect(syncState(till({ reportedMode: null, reportedEpoch: null }))).toBe('unknown');
  });
});

describe(mergeTerminals.name, () => {
  it('replaces changed tills by id and adds new ones', () => {
    const a = till();
    const b = till();
    const sut = new Map([[a.id, a], [b.id, b]]);
    const a2 = { ...a, online: false };
    const c = till();
    mergeTerminals(sut, [a2, c]);
    expect([...sut.values()]).toEqual([a2, b, c]);
  });
});

describe(matchesFilter.name, () => {
  it('hides revoked tills unless asked', () => {
    const t = till({ revoked: true });
    expect(matchesFilter(t, f({}), stores)).toBe(false);
    expect(matchesFilter(t, f({ showRevoked: true }), stores)).toBe(true);
  });
  it('filters by store, connection and mode (desired or reported)', () => {
    const t = till({ storeId: 'store-b', online: false, desiredMode: 'frozen', desiredEpoch: 4 });
    expect(matchesFilter(t, f({ storeId: 'store-a' }), stores)).toBe(false);
    expect(matchesFilter(t, f({ storeId: 'store-b', online: 'offline' }), stores)).toBe(true);
    expect(matchesFilter(t, f({ online: 'online' }), stores)).toBe(false);
    expect(matchesFilter(t, f({ mode: 'frozen' }), stores)).toBe(true);
    expect(matchesFilter(t, f({ mode: 'selling' }), stores)).toBe(true);
    expect(matchesFilter(t, f({ mode: 'locked' }), stores)).toBe(false);
    expect(matchesFilter(t, f({ mode: 'out_of_sync' }), stores)).toBe(true);
    expect(matchesFilter(till(), f({ mode: 'out_of_sync' }), stores)).toBe(false);
  });
  it('searches every word across name, store name/code and version', () => {
    const t = till({ name: 'Front desk', storeId: 'store-b', appVersion: '2.0.1' });
    expect(matchesFilter(t, f({ q: 'front beta' }), stores)).toBe(true);
    expect(matchesFilter(t, f({ q: 'B02 2.0' }), stores)).toBe(true);
    expect(matchesFilter(t, f({ q: 'front alpha' }), stores)).toBe(false);
  });
});

describe(groupByStore.name, () => {
  it('orders stores by name and tills by name, numbers numerically, unknown stores last', () => {
    const list = [
      till({ storeId: 'store-b', name: 'Till 10' }),
      till({ storeId: 'zzz', name: 'Orphan' }),
      till({ storeId: 'store-b', name: 'Till 2', online: false }),
      till({ storeId: 'store-a', name: 'Till 1' }),
    ];
    const sut = groupByStore(list, stores);
    expect(sut.map((g) => g.storeName || g.storeId)).toEqual(['Alpha Street', 'Beta Mall', 'zzz']);
    expect(sut[1].terminals.map((t) => t.name)).toEqual(['Till 2', 'Till 10']);
    expect(sut[1].online).toBe(1);
  });
  it('keeps the same order when live fields change (no jumping rows)', () => {
    const a = till({ name: 'A' });
    const b = till({ name: 'B' });
    const before = groupByStore([a, b], stores)[0].terminals.map((t) => t.id);
    const after = groupByStore([{ ...b, online: false, outboxDepth: 99 }, { ...a, clockOffsetMs: 9000 }], stores)[0].terminals.map((t) => t.id);
    expect(after).toEqual(before);
  });
});

describe(summarize.name, () => {
  it('counts active tills and sums outboxes, revoked apart', () => {
    const sut = summarize([
      till({ outboxDepth: 3 }),
      till({ online: false, outboxDepth: null }),
      till({ desiredEpoch: 9, outboxDepth: 2 }),
      till({ revoked: true, outboxDepth: 100 }),
    ]);
    expect(sut).toEqual({ total: 3, online: 2, offline: 1, outOfSync: 1, outbox: 5, revoked: 1 });
  });
  it('counts a till that never reported as converging only while it is online', () => {
    const neverReported = { reportedMode: null, reportedEpoch: null } as const;
    const sut = summarize([
      till({ ...neverReported, online: false }),
      till({ ...neverReported, online: true }),
      till({ online: false, desiredMode: 'locked', desiredEpoch: 4 }),
    ]);
    expect(sut).toMatchObject({ total: 3, offline: 2, outOfSync: 2 });
  });
});
