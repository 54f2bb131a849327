import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createStore, signedIn } from '../utils/factories';
import { contractViolations, enrolTill, TillClient } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { until } from '../utils/until';

const state = (over: Record<string, unknown> = {}) => ({
  mode: 'selling', epoch: 0, appVersion: 'test-1', scanner: { kind: 'simulated', status: 'ready' }, outboxDepth: 0, lastSaleSeq: 0, ...over,
});

interface ReportedRow {
  reported_mode: string | null;
  reported_epoch: string | null;
  reported_state: Record<string, unknown> | null;
  desired_epoch: string;
}

/** Till reports: acknowledged once stored; heartbeats carry the applied state and repair a lost report. */
describe('Till state reports and heartbeats', () => {
  let t: TestApp;
  let admin: HttpClient;
  const clients: TillClient[] = [];
  const track = <C extends TillClient>(c: C) => { clients.push(c); return c; };
  const row = async (id: string): Promise<ReportedRow> => {
    const [r] = await t.em().getConnection().execute(`select reported_mode, reported_epoch, reported_state, desired_epoch from terminal where id = ?`, [id]);
    return r as ReportedRow;
  };

  beforeAll(async () => {
    t = await bootApp();
    admin = await signedIn(t.url, t.em(), 'admin');
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await t.close();
    expect(contractViolations).toEqual([]);
  });

  it('acknowledges a report only after it is stored, with the mode and epoch as stored', async () => {
    const store = await createStore(t.em());
    const e = await enrolTill(t.url, admin, store.id);
    const c = track(new TillClient(t.url, e.token));
    await c.nextDesired();
    for (const [mode, epoch, outboxDepth] of [['locked', 0, 2], ['selling', 0, 0]] as const) {
      const ack = await c.emit('till.state.v1', state({ mode, epoch, outboxDepth }));
      expect(ack).toEqual({ ok: true, data: { mode, epoch } });
      // Read right after the ack: the row already holds the report.
      const r = await row(e.terminalId);
      expect([r.reported_mode, Number(r.reported_epoch), r.reported_state?.outboxDepth]).toEqual([mode, epoch, outboxDepth]);
    }
  });

  it('answers bad reports and heartbeats with typed, permanent errors and keeps the connection', async () => {
    const store = await createStore(t.em());
    const e = await enrolTill(t.url, admin, store.id);
    const c = track(new TillClient(t.url, e.token));
    await c.connected();
    const refused = { ok: false, error: { code: 'VALIDATION_FAILED', permanent: true } };
    expect(await c.emit('till.state.v1', state({ mode: 'dancing' }))).toMatchObject(refused);
    expect(await c.emit('till.state.v1', state({ epoch: -1 }))).toMatchObject(refused);
    expect(await c.emit('till.state.v1', { ...state(), extra: 1 })).toMatchObject(refused);
    expect(await c.emit('till.state.v1', 'nonsense')).toMatchObject(refused);
    expect(await c.emit('till.heartbeat.v1', { sentAt: Date.now(), state: { mode: 'frozen' } })).toMatchObject(refused);
    expect(await c.emit('till.heartbeat.v1', { sentAt: Date.now(), state: { mode: 'frozen', epoch: 1, extra: true } })).toMatchObject(refused);
    expect(c.socket.connected).toBe(true);
    // Nothing was stored by the refused reports.
    expect((await row(e.terminalId)).reported_mode).toBeNull();
    // An older till's heartbeat (no state) still works; the answer carries the desired state.
    expect(await c.emit('till.heartbeat.v1', { sentAt: Date.now() })).toMatchObject({ ok: true, data: { desired: { mode: 'selling', epoch: 0 } } });
  });

  it('stores the state a heartbeat carries when it differs from the stored one (and only then)', async () => {
    const store = await createStore(t.em());
    const e = await enrolTill(t.url, admin, store.id);
    const c = track(new TillClient(t.url, e.token));
    await c.nextDesired();
    expect((await c.emit('till.state.v1', state({ outboxDepth: 7, lastSaleSeq: 41 }))).ok).toBe(true);
    // The till applied a lock its report of which was lost: the heartbeat repairs the row, keeping the rest of the report.
    const hb = await c.emit('till.heartbeat.v1', { sentAt: Date.now(), state: { mode: 'locked', epoch: 0 } });
    expect(hb).toMatchObject({ ok: true, data: { desired: { mode: 'selling', epoch: 0 } } });
    const r = await row(e.terminalId);
    expect([r.reported_mode, Number(r.reported_epoch)]).toEqual(['locked', 0]);
    expect(r.reported_state).toMatchObject({ mode: 'locked', epoch: 0, outboxDepth: 7, lastSaleSeq: 41, appVersion: 'test-1' });
    // The same state again changes nothing.
    expect((await c.emit('till.heartbeat.v1', { sentAt: Date.now(), state: { mode: 'locked', epoch: 0 } })).ok).toBe(true);
    expect((await row(e.terminalId)).reported_state).toEqual(r.reported_state);
  });

  it('passes a freezing store\'s barrier with a till whose frozen state reaches the hub only by heartbeat', async () => {
    const store = await createStore(t.em());
    const e = await enrolTill(t.url, admin, store.id);
    const c = track(new TillClient(t.url, e.token));
    await c.nextDesired();
    expect((await c.emit('till.state.v1', state())).ok).toBe(true);
    const id = (await admin.post('/api/stocktakes', { name: 'Heartbeat barrier', scope: { kind: 'stores', storeIds: [store.id] } })).body.id;
    expect((await admin.post(`/api/stocktakes/${id}/start`)).status).toBe(200);
    const frozen = await c.nextDesired((d) => d.mode === 'frozen');
    // The till froze, but its till.state.v1 was lost (a database blip): the store is stuck freezing
    // until the next heartbeat carries the state.
    expect((await row(e.terminalId)).reported_mode).toBe('selling');
    const hb = await c.emit('till.heartbeat.v1', { sentAt: Date.now(), state: { mode: 'frozen', epoch: frozen.epoch } });
    expect(hb).toMatchObject({ ok: true, data: { desired: { mode: 'frozen', epoch: frozen.epoch } } });
    const r = await row(e.terminalId);
    expect([r.reported_mode, Number(r.reported_epoch)]).toEqual(['frozen', frozen.epoch]);
    // The repair went through the report path: the barrier passes and the till is told to count.
    const counting = await c.nextDesired((d) => d.mode === 'counting');
    expect(counting.epoch).toBeGreaterThan(frozen.epoch);
    const st = await until(() => admin.get(`/api/stocktakes/${id}`).then((x) => x.body), (b) => b.stores[0].status === 'counting', 'store counting');
    expect(st.stores[0].status).toBe('counting');
  });

  it('re-sends the desired state on a heartbeat whose till has not applied it', async () => {
    const store = await createStore(t.em());
    const e = await enrolTill(t.url, admin, store.id);
    const c = track(new TillClient(t.url, e.token));
    await c.nextDesired();
    expect((await admin.post(`/api/terminals/${e.terminalId}/commands`, { kind: 'lock' })).status).toBeLessThan(300);
    const locked = await c.nextDesired((d) => d.mode === 'locked');
    const before = c.desired.length;
    // The till says it still sells at the old epoch: it is told the lock again (level-triggered).
    await c.emit('till.heartbeat.v1', { sentAt: Date.now(), state: { mode: 'selling', epoch: locked.epoch - 1 } });
    await until(() => c.desired.length, (n) => n > before, 'the desired state pushed again');
    expect(c.desired.at(-1)).toMatchObject({ mode: 'locked', epoch: locked.epoch });
  });

  it('a simulated till reports with acks and heartbeats its applied state, as the kiosk', async () => {
    const store = await createStore(t.em());
    const e = await enrolTill(t.url, admin, store.id);
    const sim = track(new SimTill(t.url, e.token, store.id, e.terminalId));
    await sim.connected();
    await until(() => row(e.terminalId), (r) => r.reported_mode === 'selling', 'first report stored');
    expect(sim.stateAcks.at(-1)).toEqual({ ok: true, data: { mode: 'selling', epoch: 0 } });
    // The hub lost the report (the row says something else): the till's next heartbeat repairs it.
    await t.em().getConnection().execute(`update terminal set reported_mode = null, reported_epoch = null where id = ?`, [e.terminalId]);
    const hb = await sim.heartbeat();
    expect(hb.ok).toBe(true);
    await until(() => row(e.terminalId), (r) => r.reported_mode === 'selling' && r.reported_epoch !== null, 'report repaired');
  });
});
