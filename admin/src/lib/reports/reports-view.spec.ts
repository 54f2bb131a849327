import { describe, expect, it } from '@jest/globals';
import type { ReportDto, StocktakeDto, StocktakeStoreDto } from '@stockfleet/shared';
import {
  applyProgress,
  approvedStores,
  formatFileSize,
  inView,
  isNewer,
  mergeFetched,
  progressValue,
  shortHash,
  stocktakesFor,
  upsertReport,
  type ReportView,
} from './reports-view';

const report = (id: string, over: Partial<ReportDto> = {}): ReportDto => ({
  id, kind: 'store_variance', title: `Report ${id}`, stocktakeId: 'st1', storeId: 's1', params: {}, status: 'queued', progress: 0,
  error: null, requestedBy: 'Ann', createdAt: '2026-03-01T10:00:00.000Z', startedAt: null, finishedAt: null, files: [], ...over,
});
const file = (format: 'csv' | 'xlsx' | 'pdf') => ({ format, fileName: `r.${format}`, bytes: 10, sha256: 'ab'.repeat(32), rows: 1, url: `/api/reports/r/files/${format}` });
const all: ReportView = { stocktakeId: null, kind: null };
const ev = (reportId: string, status: ReportDto['status'], progress: number, error: string | null = null) => ({ reportId, status, progress, error });

describe(isNewer.name, () => {
  it.each([
    // prev, next, source, newer?
    [['queued', 0], ['running', 0], 'event', true],
    [['running', 40], ['running', 60], 'event', true],
    [['running', 60], ['running', 40], 'event', false],
    [['running', 60], ['queued', 0], 'fetch', false],
    [['running', 60], ['done', 100], 'event', true],
    [['running', 60], ['failed', 60], 'event', true],
    [['done', 100], ['running', 99], 'event', false],
    [['done', 100], ['failed', 100], 'fetch', false],
    // After a failure the socket's next "running" is a retry; a fetch's "running" may predate the failure.
    [['failed', 30], ['running', 0], 'event', true],
    [['failed', 30], ['running', 0], 'fetch', false],
    [['failed', 30], ['done', 100], 'fetch', true],
  ] as const)('%j → %j from %s: %s', (prev, next, source, expected) => {
    const sut = isNewer({ status: next[0], progress: next[1] }, { status: prev[0], progress: prev[1] }, source);
    expect(sut).toBe(expected);
  });
});

describe(applyProgress.name, () => {
  it('moves the bar forward and says when to fetch the finished report for its files', () => {
    const running = applyProgress([report('a')], ev('a', 'running', 35));
    expect(running).toMatchObject({ changed: true, unknown: false, fetchReport: false });
    expect(running.list[0]).toMatchObject({ status: 'running', progress: 35 });

    const done = applyProgress(running.list, ev('a', 'done', 100));
    expect(done).toMatchObject({ changed: true, fetchReport: true });
    expect(progressValue(done.list[0])).toBe(100);
  });

  it('ignores a late, lower progress and never reopens a done report', () => {
    const list = [report('a', { status: 'running', progress: 70 })];
    expect(applyProgress(list, ev('a', 'running', 50))).toMatchObject({ changed: false, list });
    const done = [report('a', { status: 'done', progress: 100, files: [file('csv')] })];
    expect(applyProgress(done, ev('a', 'running', 90))).toMatchObject({ changed: false, fetchReport: false });
  });

  it('keeps the error of a failure, and clears it when the report is built again', () => {
    const failed = applyProgress([report('a', { status: 'running', progress: 20 })], ev('a', 'failed', 20, 'disk full'));
    expect(failed.list[0]).toMatchObject({ status: 'failed', error: 'disk full' });
    const again = applyProgress(failed.list, ev('a', 'running', 0));
    expect(again.list[0]).toMatchObject({ status: 'running', progress: 0, error: null });
  });

  it('reports an unknown report (created elsewhere) so the page asks for the list', () => {
    const sut = applyProgress([report('a')], ev('b', 'running', 10));
    expect(sut).toMatchObject({ unknown: true, changed: false });
    expect(sut.list.map((r) => r.id)).toEqual(['a']);
  });

  it('asks for the files of a done report the list holds without them', () => {
    const list = [report('a', { status: 'done', progress: 100 })];
    expect(applyProgress(list, ev('a', 'done', 100))).toMatchObject({ changed: false, fetchReport: true });
  });
});

describe(upsertReport.name, () => {
  it('adds a new report on top when it belongs to the view, and leaves it out otherwise', () => {
    const older = report('a', { createdAt: '2026-03-01T09:00:00.000Z' });
    const created = report('b', { createdAt: '2026-03-01T11:00:00.000Z' });
    expect(upsertReport([older], created, all).map((r) => r.id)).toEqual(['b', 'a']);
    expect(upsertReport([older], created, { stocktakeId: 'other', kind: null }).map((r) => r.id)).toEqual(['a']);
  });

  it('does not let a late POST answer ("queued") undo what the socket already said', () => {
    const live = [report('a', { status: 'running', progress: 80 })];
    expect(upsertReport(live, report('a'), all)[0]).toMatchObject({ status: 'running', progress: 80 });
  });

  it('takes the files of a done report, and a forced retry over a failure', () => {
    const doneNoFiles = [report('a', { status: 'done', progress: 100 })];
    const withFiles = report('a', { status: 'done', progress: 100, files: [file('csv'), file('xlsx'), file('pdf')] });
    expect(upsertReport(doneNoFiles, withFiles, all)[0].files).toHaveLength(3);
    const failed = [report('a', { status: 'failed', error: 'x' })];
    expect(upsertReport(failed, report('a'), all)[0].status).toBe('failed');
    expect(upsertReport(failed, report('a'), all, { force: true })[0]).toMatchObject({ status: 'queued', error: null });
  });
});

describe(mergeFetched.name, () => {
  it('takes the hub\'s list, but keeps a bar the socket moved further than the hub has stored', () => {
    const held = [report('a', { status: 'running', progress: 80 }), report('b', { status: 'running', progress: 10 })];
    const fetched = [report('c'), report('a', { status: 'running', progress: 55 }), report('b', { status: 'done', progress: 100, files: [file('csv')] })];
    const sut = mergeFetched(held, fetched);
    expect(sut.map((r) => [r.id, r.status, r.progress])).toEqual([['c', 'queued', 0], ['a', 'running', 80], ['b', 'done', 100]]);
    expect(sut[2].files).toHaveLength(1);
  });

  it('drops what the hub no longer lists (another view)', () => {
    expect(mergeFetched([report('a')], [report('b')]).map((r) => r.id)).toEqual(['b']);
  });
});

describe(inView.name, () => {
  it('filters by stocktake and kind', () => {
    const r = report('a');
    expect([inView(r, all), inView(r, { stocktakeId: 'st1', kind: 'store_variance' })]).toEqual([true, true]);
    expect([inView(r, { stocktakeId: 'st2', kind: null }), inView(r, { stocktakeId: null, kind: 'slow_movers' })]).toEqual([false, false]);
  });
});

describe(formatFileSize.name, () => {
  it.each([
    [0, 'en', '0 B'],
    [1023, 'en', '1,023 B'],
    [1024, 'en', '1.0 KB'],
    [1536, 'en', '1.5 KB'],
    [10 * 1024 + 300, 'en', '10 KB'],
    [1024 * 1024 - 1, 'en', '1.0 MB'],
    [5.25 * 1024 * 1024, 'en', '5.3 MB'],
    [3 * 1024 ** 3, 'zh-Hans', '3.0 GB'],
    [-1, 'en', '—'],
  ] as const)('%d bytes in %s → %s', (bytes, locale, expected) => {
    expect(formatFileSize(bytes, locale)).toBe(expected);
  });
});

describe(shortHash.name, () => {
  it('keeps the first 12 hex digits', () => {
    const sha = '0123456789abcdef'.repeat(4);
    expect(shortHash(sha)).toBe('0123456789ab…');
    expect(shortHash('abc')).toBe('abc');
  });
});

describe(progressValue.name, () => {
  it('clamps and rounds, and a done report is full', () => {
    expect(progressValue({ status: 'running', progress: 33.6 })).toBe(34);
    expect(progressValue({ status: 'running', progress: 140 })).toBe(100);
    expect(progressValue({ status: 'queued', progress: Number.NaN })).toBe(0);
    expect(progressValue({ status: 'done', progress: 90 })).toBe(100);
  });
});

describe(stocktakesFor.name, () => {
  const store = (status: StocktakeStoreDto['status']) => ({ storeId: status, status }) as StocktakeStoreDto;
  const st = (id: string, status: StocktakeDto['status'], stores: StocktakeStoreDto[]) => ({ id, status, stores }) as StocktakeDto;
  const list = [st('running', 'running', [store('approved'), store('counting')]), st('done', 'done', [store('approved')]), st('open', 'running', [store('review')])];

  it('offers stocktakes with an approved store for a store report, finished ones for the chain report', () => {
    expect(stocktakesFor('store_variance', list).map((s) => s.id)).toEqual(['running', 'done']);
    expect(stocktakesFor('chain_variance', list).map((s) => s.id)).toEqual(['done']);
    expect(stocktakesFor('slow_movers', list)).toEqual([]);
    expect(approvedStores(list[0]).map((s) => s.storeId)).toEqual(['approved']);
  });
});
