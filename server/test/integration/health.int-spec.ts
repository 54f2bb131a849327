import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';

describe('Health and docs', () => {
  let t: TestApp;
  beforeAll(async () => { t = await bootApp(); });
  afterAll(async () => { await t.close(); });

  it('answers /healthz and /readyz with the database and Redis checked', async () => {
    const c = new HttpClient(t.url);
    expect((await c.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await c.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: { ok: true }, redis: { ok: true }, queue: { ok: true }, socketAdapter: { ok: true } } });
  });

  it('publishes OpenAPI with the zod-derived request schemas', async () => {
    const doc = await new HttpClient(t.url).get('/api/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/products', '/api/stock/transfers']));
    expect(JSON.stringify(doc.body.components.schemas)).toContain('idempotencyKey');
  });

  it('answers unknown API routes with the stable error shape', async () => {
    const res = await new HttpClient(t.url).get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('Readiness without Redis', () => {
  it('reports degraded (still 200: it sells and counts) when Redis does not answer', async () => {
    const t = await bootApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const ready = await new HttpClient(t.url).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.checks.database.ok).toBe(true);
      expect(ready.body.checks.redis.ok).toBe(false);
    } finally {
      await t.close();
    }
  });
});
