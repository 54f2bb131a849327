import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { FleetChangedV1 } from '@stockfleet/shared';
import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createProduct, createStaff, createStore, onHand, signedIn } from '../utils/factories';
import { connectError, contractViolations, enrolTill, TillClient } from '../utils/till-client';

const state = (over: Record<string, unknown> = {}) => ({
  mode: 'selling', epoch: 0, appVersion: 'test-1', scanner: { kind: 'simulated', status: 'ready' }, outboxDepth: 0, lastSaleSeq: 0, ...over,
});

describe('Till fleet gateway', () => {
  let t: TestApp;
  let admin: HttpClient;
  let storeA: Awaited<ReturnType<typeof createStore>>;
  let storeB: Awaited<ReturnType<typeof createStore>>;
  const clients: TillClient[] = [];
  const till = (token: string) => { const c = new TillClient(t.url, token); clients.push(c); return c; };

  beforeAll(async () => {
    t = await bootApp();
    admin = await signedIn(t.url, t.em(), 'admin');
    storeA = await createStore(t.em());
    storeB = await createStore(t.em());
  });
  afterEach(() => { clients.splice(0).forEach((c) => c.close()); });
  afterAll(async () => {
    await t.close();
    // Every payload the hub sent a till during these tests parsed against its shared schema.
    expect(contractViolations).toEqual([]);
  });

  it('enrols with a single-use code and pushes the desired state on connect', async () => {
    const code = await admin.post('/api/enrolment-codes', { storeId: storeA.id, terminalName: 'Front 1' });
    expect(code.status).toBe(201);
    expect(code.body.code).toMatch(/^[A-Z2-9]{8}$/);
    expect(code.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(code.body.pairUrl).toContain(`/till/?code=${code.body.code}`);
    const anon = new HttpClient(t.url);
    const enrolled = await anon.post('/api/till/enrol', { code: code.body.code.toLowerCase() });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    const again = await anon.post('/api/till/enrol', { code: code.body.code });
    expect(again.body.error.code).toBe('ENROLMENT_CODE_INVALID');
    const [stored] = await t.em().getConnection().execute(`select token_hash from terminal where id = ?`, [enrolled.body.terminalId]);
    expect(stored.token_hash).not.toContain(enrolled.body.token);

    const c = till(enrolled.body.token);
    const d = await c.nextDesired();
    expect(d).toMatchObject({ terminalId: enrolled.body.terminalId, mode: 'selling', epoch: 0 });
    expect((await c.emit('till.state.v1', state())).ok).toBe(true);
    const me = await anon.request('GET', '/api/till/me', undefined, { headers: { authorization: `Bearer ${enrolled.body.token}` } });
    expect(me.body).toMatchObject({ terminalId: enrolled.body.terminalId, storeId: storeA.id });
  });

  it('refuses unknown, missing and revoked tokens at the handshake, and drops a revoked till at once', async () => {
    expect((await connectError(t.url, undefined)).code).toBe('DEVICE_TOKEN_INVALID');
    expect((await connectError(t.url, 'x'.repeat(43))).code).toBe('DEVICE_TOKEN_INVALID');
    const e = await enrolTill(t.url, admin, storeA.id);
    const c = till(e.token);
    await c.connected();
    const revoked = new Promise<string>((resolve) => c.socket.on('till.revoked.v1', (p) => resolve(p.terminalId)));
    const dropped = new Promise<void>((resolve) => c.socket.on('disconnect', () => resolve()));
    expect((await admin.post(`/api/terminals/${e.terminalId}/revoke`)).status).toBe(204);
    expect(await revoked).toBe(e.terminalId);
    await dropped;
    expect((await connectError(t.url, e.token)).code).toBe('TERMINAL_REVOKED');
  });

  it('answers malformed events with typed errors and keeps the connection', async () => {
    const e = await enrolTill(t.url, admin, storeA.id);
    const c = till(e.token);
    await c.connected();
    const bad = await c.emit('till.state.v1', { mode: 'dancing' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect((await c.emit('sale.submit.v1', 'nonsense')).ok).toBe(false);
    expect((await c.emit('till.heartbeat.v1', { sentAt: -5 })).ok).toBe(false);
    expect(c.socket.connected).toBe(true);
    expect((await c.emit('till.heartbeat.v1', { sentAt: Date.now() })).ok).toBe(true);
  });

  it('turns a sale into stock movements exactly once and refuses another store', async () => {
    const e = await enrolTill(t.url, admin, storeA.id);
    const p = await createProduct(t.em());
    const c = till(e.token);
    await c.connected();
    const sale = { id: randomUUID(), kind: 'sale', storeId: storeA.id, seq: 1, at: Date.now(), tender: 'cash', lines: [{ productId: p.id, quantity: 3, unitPriceCents: 150 }] };
    const acks = await Promise.all([c.emit('sale.submit.v1', sale), c.emit('sale.submit.v1', sale)]);
    expect(acks.map((a) => a.ok)).toEqual([true, true]);
    expect(acks.map((a: any) => a.data.duplicate).sort()).toEqual([false, true]);
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(-3);
    const ret = await c.emit('sale.submit.v1', { ...sale, id: randomUUID(), kind: 'return', seq: 2, lines: [{ productId: p.id, quantity: 1, unitPriceCents: 150 }] });
    expect(ret.ok).toBe(true);
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(-2);

    const other = await c.emit('sale.submit.v1', { ...sale, id: randomUUID(), seq: 3, storeId: storeB.id });
    expect(other).toMatchObject({ ok: false, error: { code: 'OUT_OF_SCOPE' } });
    const unknown = await c.emit('sale.submit.v1', { ...sale, id: randomUUID(), seq: 4, lines: [{ productId: randomUUID(), quantity: 1, unitPriceCents: 1 }] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PRODUCT' } });
    const absurd = await c.emit('sale.submit.v1', { ...sale, id: randomUUID(), seq: 5, lines: [{ productId: p.id, quantity: 5_000_000, unitPriceCents: 1 }] });
    expect(absurd).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const reusedSeq = await c.emit('sale.submit.v1', { ...sale, id: randomUUID() });
    expect(reusedSeq).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(-2);
    expect(await onHand(t.em(), storeB.id, p.id)).toBe(0);
  });

  it('measures the clock offset NTP-style from heartbeats', async () => {
    const e = await enrolTill(t.url, admin, storeA.id);
    const c = till(e.token);
    await c.connected();
    const skew = -90_000; // this till's clock runs 90 s behind the hub
    const sentAt = Date.now() + skew;
    const first = await c.emit('till.heartbeat.v1', { sentAt });
    const receivedAt = Date.now() + skew;
    await c.emit('till.heartbeat.v1', { sentAt: Date.now() + skew, previous: { sentAt, hubAt: (first as any).data.hubAt, receivedAt } });
    const [row] = await t.em().getConnection().execute(`select clock_offset_ms, rtt_ms from terminal where id = ?`, [e.terminalId]);
    expect(Math.abs(row.clock_offset_ms - 90_000)).toBeLessThan(2_000);
    expect(row.rtt_ms).toBeGreaterThanOrEqual(0);
  });

  it('tells a till its desired state again at a heartbeat when it has not applied it (a lost push)', async () => {
    const e = await enrolTill(t.url, admin, storeA.id);
    const c = till(e.token);
    await c.connected();
    const first = await c.nextDesired();
    await c.emit('till.state.v1', state({ epoch: first.epoch }));
    // In step: a heartbeat pushes nothing.
    await c.emit('till.heartbeat.v1', { sentAt: Date.now() });
    expect(c.desired).toHaveLength(1);
    // A steer whose push never reached the till (as a pub/sub message between hub nodes can be lost).
    await t.em().getConnection().execute(`update terminal set desired_mode = 'locked', desired_epoch = desired_epoch + 1, remote_locked = true where id = ?`, [e.terminalId]);
    await c.emit('till.heartbeat.v1', { sentAt: Date.now() });
    const again = await c.nextDesired((d) => d.epoch === first.epoch + 1);
    expect(again).toMatchObject({ terminalId: e.terminalId, mode: 'locked' });
    await c.emit('till.state.v1', state({ mode: 'locked', epoch: again.epoch }));
    await c.emit('till.heartbeat.v1', { sentAt: Date.now() });
    expect(c.desired.filter((d) => d.epoch === again.epoch)).toHaveLength(1); // applied: not told again
  });

  it('signs staff in by PIN only within the till\'s store', async () => {
    const e = await enrolTill(t.url, admin, storeA.id);
    const staffA = await createStaff(t.em(), storeA.id, t.config.sessionSecret, '4321');
    await createStaff(t.em(), storeB.id, t.config.sessionSecret, '8765');
    const c = till(e.token);
    await c.connected();
    expect(await c.emit('staff.signin.v1', { pin: '4321' })).toMatchObject({ ok: true, data: { staff: { id: staffA.id } } });
    expect(await c.emit('staff.signin.v1', { pin: '8765' })).toMatchObject({ ok: false, error: { code: 'STAFF_PIN_INVALID' } });
    for (let i = 0; i < 4; i++) await c.emit('staff.signin.v1', { pin: '0000' });
    expect(await c.emit('staff.signin.v1', { pin: '4321' })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    // a sale may not name a person of another store
    const other = await createStaff(t.em(), storeB.id, t.config.sessionSecret, '1111');
    const p = await createProduct(t.em());
    const sale = { id: randomUUID(), kind: 'sale', storeId: storeA.id, seq: 1, at: Date.now(), tender: 'cash', staffId: other.id, lines: [{ productId: p.id, quantity: 1, unitPriceCents: 1 }] };
    expect(await c.emit('sale.submit.v1', sale)).toMatchObject({ ok: false, error: { code: 'OUT_OF_SCOPE' } });
    expect((await c.emit('sale.submit.v1', { ...sale, staffId: staffA.id })).ok).toBe(true);
  });

  it('locks, unlocks and commands a till; the epoch only grows and reconnects get the latest state', async () => {
    const e = await enrolTill(t.url, admin, storeA.id);
    const c = till(e.token);
    await c.nextDesired((d) => d.epoch === 0);
    c.socket.on('till.command.v1', (cmd, ack) => ack({ ok: true, data: { commandId: cmd.id, done: true } }));
    expect((await admin.post(`/api/terminals/${e.terminalId}/commands`, { kind: 'identify' })).body).toEqual({ delivered: true });
    await admin.post(`/api/terminals/${e.terminalId}/commands`, { kind: 'lock', text: 'Till audit' });
    const locked = await c.nextDesired((d) => d.mode === 'locked');
    expect(locked).toMatchObject({ epoch: 1, reason: { kind: 'remote_lock', message: 'Till audit' } });
    c.close();
    await admin.post(`/api/terminals/${e.terminalId}/commands`, { kind: 'unlock' });
    const back = till(e.token); // reconnect: the level-triggered state arrives without any event replay
    expect(await back.nextDesired()).toMatchObject({ mode: 'selling', epoch: 2 });
    const audit = await admin.get(`/api/audit?action=fleet.`);
    expect(audit.body.items.map((a: any) => a.action)).toEqual(expect.arrayContaining(['fleet.terminal_locked', 'fleet.terminal_unlocked', 'fleet.command_acknowledged']));
  });

  it('keeps managers to their own stores\' tills and streams fleet changes to admins', async () => {
    const managerB = await signedIn(t.url, t.em(), 'manager', [storeB.id]);
    const auditor = await signedIn(t.url, t.em(), 'auditor');
    const e = await enrolTill(t.url, admin, storeA.id);
    expect((await managerB.post('/api/enrolment-codes', { storeId: storeA.id, terminalName: 'x' })).body.error.code).toBe('OUT_OF_SCOPE');
    expect((await managerB.post(`/api/terminals/${e.terminalId}/revoke`)).body.error.code).toBe('NOT_FOUND'); // another store's till does not exist for this manager
    expect((await managerB.post(`/api/terminals/${e.terminalId}/commands`, { kind: 'lock' })).status).toBe(404); // not theirs: as if it did not exist
    expect((await auditor.post(`/api/terminals/${e.terminalId}/commands`, { kind: 'reload' })).status).toBe(403);
    expect((await managerB.get(`/api/terminals`)).body.every((x: any) => x.storeId === storeB.id)).toBe(true);
    expect((await new HttpClient(t.url).get('/api/terminals')).status).toBe(401);

    const adminSocket = io(`${t.url}/admin`, { path: '/socket.io', transports: ['websocket'], forceNew: true, extraHeaders: { cookie: admin.cookie! } });
    const managerSocket = io(`${t.url}/admin`, { path: '/socket.io', transports: ['websocket'], forceNew: true, extraHeaders: { cookie: managerB.cookie! } });
    try {
      const seenByManager: string[] = [];
      managerSocket.on('fleet.changed.v1', (p: any) => p.terminals.forEach((x: any) => seenByManager.push(x.storeId)));
      await Promise.all([new Promise((r) => adminSocket.once('connect', r as any)), new Promise((r) => managerSocket.once('connect', r as any))]);
      const update = new Promise<any>((resolve) => adminSocket.on('fleet.changed.v1', (p: any) => {
        const mine = p.terminals.find((x: any) => x.id === e.terminalId && x.reportedMode === 'selling');
        if (mine) resolve(mine);
      }));
      const c = till(e.token);
      await c.connected();
      await c.emit('till.state.v1', state({ outboxDepth: 4 }));
      const changed = await update;
      expect(changed).toMatchObject({ online: true, outboxDepth: 4, appVersion: 'test-1', scannerKind: 'simulated' });
      expect(FleetChangedV1.safeParse({ terminals: [changed] }).success).toBe(true);
      expect(seenByManager.includes(storeA.id)).toBe(false);
    } finally {
      adminSocket.disconnect();
      managerSocket.disconnect();
    }
    const anonymous = await new Promise<string>((resolve) => {
      const s = io(`${t.url}/admin`, { path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false });
      s.on('connect_error', (err: any) => { s.disconnect(); resolve(err.data?.code); });
      s.on('connect', () => { s.disconnect(); resolve('connected'); });
    });
    expect(anonymous).toBe('UNAUTHENTICATED');
  });
});

describe('Desired state after a hub restart', () => {
  it('is rebuilt from the database and pushed when the till reconnects', async () => {
    const first = await bootApp();
    const admin = await signedIn(first.url, first.em(), 'admin');
    const store = await createStore(first.em());
    const e = await enrolTill(first.url, admin, store.id);
    await admin.post(`/api/terminals/${e.terminalId}/commands`, { kind: 'lock', text: 'before restart' });
    await first.close();
    const second = await bootApp();
    const c = new TillClient(second.url, e.token);
    try {
      expect(await c.nextDesired()).toMatchObject({ mode: 'locked', epoch: 1, reason: { message: 'before restart' } });
    } finally {
      c.close();
      await second.close();
    }
  });
});
