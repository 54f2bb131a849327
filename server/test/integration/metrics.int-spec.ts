import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { bootApp, testConfig, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createProduct, createStore, signedIn } from '../utils/factories';
import { enrolTill, TillClient } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { until } from '../utils/until';

/** One sample of the exposition. */
interface Sample { name: string; labels: Record<string, string>; value: number }
interface Exposition { types: Map<string, string>; samples: Sample[] }

/**
 * Parses Prometheus text format 0.0.4: `# HELP` / `# TYPE` lines, then `name{label="value",…} value`.
 * Every sample must belong to a family with a TYPE (a histogram's _bucket/_sum/_count to its base name),
 * label values are unescaped, and anything else is a failure — the test reads values, it does not grep.
 */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (!m) throw new Error(`bad comment line: ${line}`);
      if (m[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3])) throw new Error(`bad type: ${line}`);
        if (types.has(m[2])) throw new Error(`family declared twice: ${m[2]}`);
        types.set(m[2], m[3]);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
      let rest = 0;
      for (let l = re.exec(m[2]); l; l = re.exec(m[2])) {
        labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        rest = re.lastIndex;
      }
      if (rest !== m[2].length) throw new Error(`bad labels: ${line}`);
    }
    // Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes `Nan`).
    const raw = m[3].toLowerCase();
    const value = raw === '+inf' || raw === 'inf' ? Infinity : raw === '-inf' ? -Infinity : raw === 'nan' ? NaN : Number(raw);
    if (Number.isNaN(value) && raw !== 'nan') throw new Error(`bad value: ${line}`);
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    if (!types.has(m[1]) && types.get(family) !== 'histogram' && types.get(family) !== 'summary') throw new Error(`sample without a TYPE: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { types, samples };
}

/** The value of the one sample of `name` whose labels include `labels` (undefined: none; two: an error). */
function value(e: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${hits.length} samples`);
  return hits[0]?.value;
}
const series = (e: Exposition, name: string) => e.samples.filter((s) => s.name === name);

describe('Metrics', () => {
  const TOKEN = randomBytes(24).toString('hex');
  let t: TestApp;
  let admin: HttpClient;
  const tills: TillClient[] = [];
  const withBearer = (token: string) => {
    const c = new HttpClient(t.url);
    const request = c.request.bind(c);
    c.request = (m, p, body, opts = {}) => request(m, p, body, { ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${token}` } });
    return c;
  };
  const scrape = async (): Promise<Exposition> => {
    const res = await withBearer(TOKEN).get('/metrics');
    expect(res.status).toBe(200);
    return parseExposition(res.body as string);
  };

  beforeAll(async () => {
    t = await bootApp({ METRICS_TOKEN: TOKEN });
    admin = await signedIn(t.url, t.em(), 'admin');
  });
  afterEach(() => tills.splice(0).forEach((c) => c.close()));
  afterAll(async () => { await t?.close(); });

  it('answers admins and the METRICS_TOKEN only, in Prometheus text format', async () => {
    const store = await createStore(t.em());
    const till = await enrolTill(t.url, admin, store.id);
    const refused: Array<[string, HttpClient, number]> = [
      ['anonymous', new HttpClient(t.url), 401],
      ['a wrong token', withBearer(randomBytes(24).toString('hex')), 401],
      ['the token with a character changed', withBearer(TOKEN.slice(0, -1) + (TOKEN.endsWith('a') ? 'b' : 'a')), 401],
      ['a till\'s device token', withBearer(till.token), 401],
      ['a manager', await signedIn(t.url, t.em(), 'manager', [store.id]), 403],
      ['an auditor', await signedIn(t.url, t.em(), 'auditor'), 403],
    ];
    for (const [who, client, status] of refused) {
      const res = await client.get('/metrics');
      expect({ who, status: res.status }).toEqual({ who, status });
      expect(String(res.headers.get('content-type'))).toMatch(/^application\/json/);
      expect(res.body.error.code).toBe(status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    }
    for (const client of [admin, withBearer(TOKEN)]) {
      const res = await client.get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const e = parseExposition(res.body as string);
      // Process metrics (prom-client's defaults), this hub's Redis and pool, the queues, the fleet.
      expect(e.types.get('process_cpu_user_seconds_total')).toBe('counter');
      expect(value(e, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
      expect(value(e, 'stockfleet_redis_status', { client: 'hub', status: 'ready' })).toBe(1);
      expect(series(e, 'stockfleet_redis_status').filter((s) => s.value === 1)).toHaveLength(1);
      expect(value(e, 'stockfleet_db_pool_max')).toBe(t.config.dbPoolMax);
      expect(value(e, 'stockfleet_db_pool_connections', { state: 'used' })).toBeGreaterThanOrEqual(0);
      expect(value(e, 'stockfleet_db_pool_acquire_wait_seconds_count')).toBeGreaterThan(0);
      for (const queue of ['reports', 'plans']) expect(value(e, 'stockfleet_queue_jobs', { queue, state: 'waiting' })).toBeGreaterThanOrEqual(0);
      expect(value(e, 'stockfleet_metrics_source_up', { source: 'database' })).toBe(1);
      expect(value(e, 'stockfleet_metrics_source_up', { source: 'queues' })).toBe(1);
      expect(e.types.get('stockfleet_barrier_duration_seconds')).toBe('histogram');
      for (const result of ['accepted', 'duplicate', 'rejected']) expect(value(e, 'stockfleet_count_entries_total', { result })).toBeGreaterThanOrEqual(0);
    }
  });

  /**
   * The fleet as the admin API shows it, folded the way the gauges should be. The database is shared
   * with the spec files running alongside, so the gauges are compared with this (read around the same
   * moment, polled until they agree), besides the changes this test makes itself.
   */
  async function fleetFromApi() {
    const list = (await admin.get('/api/terminals')).body as Array<{ online: boolean; revoked: boolean; reportedMode: string | null; reportedEpoch: number | null; desiredMode: string; desiredEpoch: number; outboxDepth: number | null }>;
    const online = list.filter((x) => x.online && !x.revoked);
    const byMode: Record<string, number> = { selling: 0, frozen: 0, counting: 0, locked: 0, unknown: 0 };
    const diverged: Record<string, number> = { selling: 0, frozen: 0, counting: 0, locked: 0 };
    for (const x of online) {
      byMode[x.reportedMode ?? 'unknown']++;
      if (x.reportedEpoch === null || x.reportedEpoch < x.desiredEpoch || x.reportedMode !== x.desiredMode) diverged[x.desiredMode]++;
    }
    const depths = online.map((x) => x.outboxDepth ?? 0);
    return { byMode, diverged, outboxSum: depths.reduce((a, b) => a + b, 0), outboxMax: Math.max(0, ...depths) };
  }
  function fleetFromMetrics(e: Exposition) {
    const byMode: Record<string, number> = {};
    for (const s of series(e, 'stockfleet_tills_connected')) byMode[s.labels.mode] = s.value;
    const diverged: Record<string, number> = {};
    for (const s of series(e, 'stockfleet_tills_diverged')) diverged[s.labels.desired_mode] = s.value;
    return { byMode, diverged, outboxSum: value(e, 'stockfleet_till_outbox_depth_sum', { online: 'true' }), outboxMax: value(e, 'stockfleet_till_outbox_depth_max', { online: 'true' }) };
  }
  /** Polls until the gauges agree with the API and `ok` holds of them. */
  const fleetAgrees = (what: string, ok: (m: ReturnType<typeof fleetFromMetrics>) => boolean) =>
    until(async () => {
      const m = fleetFromMetrics(await scrape());
      return { m, a: await fleetFromApi() };
    }, ({ m, a }) => isDeepStrictEqual(m, a) && ok(m), what);

  it('shows tills by mode, divergence, outbox depths, barrier durations and count entries as they happen', async () => {
    const before = await scrape();
    const counted = (result: string, e: Exposition) => value(e, 'stockfleet_count_entries_total', { result })! - value(before, 'stockfleet_count_entries_total', { result })!;
    const delta = (name: string, e: Exposition) => value(e, name)! - value(before, name)!;

    const p = await createProduct(t.em());
    const store = await createStore(t.em(), { zones: ['A1'] });
    const sims: SimTill[] = [];
    for (let i = 0; i < 3; i++) {
      const e = await enrolTill(t.url, admin, store.id, `M${i + 1}`);
      sims.push(new SimTill(t.url, e.token, store.id, e.terminalId));
    }
    tills.push(...sims);
    await Promise.all(sims.map((s) => s.connected()));
    const selling = await fleetAgrees('three more tills selling', (m) => m.byMode.selling >= 3);
    expect(selling.m.byMode.selling - (value(before, 'stockfleet_tills_connected', { mode: 'selling' }) ?? 0)).toBeGreaterThanOrEqual(3);

    // A till with a backlog: its reported outbox depth shows in the sum and the maximum.
    const laggard = await enrolTill(t.url, admin, store.id, 'Backlog');
    const lag = new TillClient(t.url, laggard.token);
    tills.push(lag);
    await lag.connected();
    const desired = await lag.nextDesired();
    await lag.emit('till.state.v1', { mode: desired.mode, epoch: desired.epoch, appVersion: 'metrics-1', scanner: { kind: 'simulated', status: 'ready' }, outboxDepth: 7, lastSaleSeq: 0 });
    await fleetAgrees('outbox of 7 reported', (m) => (m.outboxMax ?? 0) >= 7 && (m.outboxSum ?? 0) >= 7);

    // The stocktake: the laggard never reports frozen, so it is forced past; the three others freeze and count.
    const id = (await admin.post('/api/stocktakes', { name: 'Metrics', scope: { kind: 'stores', storeIds: [store.id] } })).body.id as string;
    expect((await admin.post(`/api/stocktakes/${id}/start`)).status).toBe(200);
    // While the laggard stays selling at an old epoch it is a till whose reported state differs from the desired one.
    await fleetAgrees('the laggard diverged (desired frozen)', (m) => (m.diverged.frozen ?? 0) >= 1);
    await until(async () => sims.every((s) => s.mode === 'frozen'), Boolean, 'three tills frozen');
    expect((await admin.post(`/api/stocktakes/${id}/stores/${store.id}/force`, { terminalIds: [laggard.terminalId], reason: 'metrics test' })).status).toBe(200);
    await until(async () => sims.every((s) => s.mode === 'counting'), Boolean, 'three tills counting');
    const counting = await fleetAgrees('three tills counting', (m) => m.byMode.counting >= 3);
    expect(counting.m.byMode.counting).toBeGreaterThanOrEqual(3);
    const afterBarrier = await scrape();
    expect(delta('stockfleet_barrier_duration_seconds_count', afterBarrier)).toBe(1);
    expect(delta('stockfleet_barrier_duration_seconds_sum', afterBarrier)).toBeGreaterThan(0);
    // The +Inf bucket holds every observation; the buckets never decrease.
    const buckets = series(afterBarrier, 'stockfleet_barrier_duration_seconds_bucket');
    expect(buckets.find((b) => b.labels.le === '+Inf')!.value).toBe(value(afterBarrier, 'stockfleet_barrier_duration_seconds_count'));
    expect(buckets.every((b, i) => i === 0 || b.value >= buckets[i - 1].value)).toBe(true);

    // Count: 3 accepted, the same 2 again (duplicates), 1 unknown barcode (rejected) — 6 entries in 3 batches.
    const zone = store.zones[0].id;
    const first = await sims[0].count(id, [{ zoneId: zone, productId: p.id, quantity: 2 }, { zoneId: zone, code: p.gtin, quantity: 1 }, { zoneId: zone, productId: p.id, quantity: 4 }]);
    expect((first.ack as { ok: boolean }).ok).toBe(true);
    const again = await sims[0].emit('count.submit.v1', { stocktakeId: id, entries: first.entries.slice(0, 2) });
    expect(again.ok).toBe(true);
    const unknown = await sims[1].count(id, [{ zoneId: zone, code: '9770000000009', quantity: 1 }]);
    expect((unknown.ack as { data: { results: Array<{ status: string }> } }).data.results.map((r) => r.status)).toEqual(['rejected']);

    const after = await scrape();
    expect({ accepted: counted('accepted', after), duplicate: counted('duplicate', after), rejected: counted('rejected', after) })
      .toEqual({ accepted: 3, duplicate: 2, rejected: 1 });
    expect(delta('stockfleet_count_ack_seconds_count', after)).toBe(3);
    expect(delta('stockfleet_count_ack_seconds_sum', after)).toBeGreaterThan(0);
    const [rows] = await t.em().getConnection().execute(`select count(*)::int as n from count_entry where stocktake_id = ?`, [id]);
    expect(rows.n).toBe(counted('accepted', after));
  });

  it('answers within the timeout while the database does not, with the process, pool and Redis metrics', async () => {
    // A hub whose only two connections are held (open transactions): every query of the scrape waits.
    const slow = await bootApp({ METRICS_TOKEN: TOKEN, DB_POOL_MAX: '2' });
    let release = () => {};
    const released = new Promise<void>((r) => { release = r; });
    try {
      // Both connections held in open transactions until the assertions are done.
      let holding = 0;
      const held = [0, 1].map(() => slow.em().transactional(async (tem) => {
        await tem.getConnection().execute('select 1', [], 'all', tem.getTransactionContext());
        holding++;
        await released;
      }));
      await until(async () => holding, (n) => n === 2, 'both connections held');
      const scrapeSlow = async () => {
        const t0 = Date.now();
        const res = await new HttpClient(slow.url).request('GET', '/metrics', undefined, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(res.status).toBe(200);
        expect(Date.now() - t0).toBeLessThan(2500); // the database read gives up after 1.5 s
        return parseExposition(res.body as string);
      };
      // The scrape that starts the fleet read reads the pool before that read asks for a connection; a
      // later one sees it waiting (one read in flight at a time, never one per scrape).
      const e = await until(scrapeSlow, (x) => value(x, 'stockfleet_metrics_source_up', { source: 'database' }) === 0
        && value(x, 'stockfleet_db_pool_connections', { state: 'pending_acquires' })! >= 1, 'database read abandoned, waiting for a connection', 8000);
      expect(value(e, 'stockfleet_db_pool_connections', { state: 'used' })).toBe(2);
      expect(series(e, 'stockfleet_tills_connected')).toEqual([]);
      expect(series(e, 'stockfleet_tills_diverged')).toEqual([]);
      expect(e.types.get('stockfleet_tills_connected')).toBe('gauge');
      expect(value(e, 'stockfleet_redis_status', { client: 'hub', status: 'ready' })).toBe(1);
      expect(value(e, 'stockfleet_metrics_source_up', { source: 'queues' })).toBe(1);
      expect(value(e, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      release();
      await Promise.all(held);
      // The database back: the fleet gauges return.
      await until(scrapeSlow, (x) => value(x, 'stockfleet_metrics_source_up', { source: 'database' }) === 1 && series(x, 'stockfleet_tills_connected').length > 0, 'fleet gauges back');
    } finally {
      release();
      await slow.close();
    }
  });

  it('refuses a METRICS_TOKEN too short to be a secret', () => {
    expect(() => testConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
