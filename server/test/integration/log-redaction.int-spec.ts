import { MikroORM } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ormConfig } from '../../src/database/mikro-orm.config';
import { signedIn } from '../utils/factories';
import { HubProcess } from '../utils/hub-process';
import type { HttpClient } from '../utils/http';
import { until } from '../utils/until';

/**
 * What the hub writes to its log (a real hub process at level info, its stdout read back) when a query
 * fails with a password hash in it, and when requests carry cookies, tokens and pairing codes: the error
 * is logged with its code, table, constraint and the query's shape, and no value or credential at all.
 */
describe('Log redaction', () => {
  let hub: HubProcess;
  let orm: MikroORM;
  let pg: Client;
  let admin: HttpClient;
  const id = randomBytes(5).toString('hex');
  const constraint = `sf_log_probe_${id}`;
  const email = `log-probe-${id}@example.test`;
  const password = `Pw!${randomBytes(9).toString('hex')}`;
  const secrets = { cookie: `ck${randomBytes(12).toString('hex')}`, bearer: `bt${randomBytes(12).toString('hex')}`, code: `pc${randomBytes(6).toString('hex')}` };

  beforeAll(async () => {
    orm = await MikroORM.init(ormConfig({ clientUrl: process.env.SF_TEST_DATABASE_URL!, poolMax: 1 }));
    pg = new Client({ connectionString: process.env.SF_TEST_DATABASE_URL });
    await pg.connect();
    // A failure the API cannot see coming, for this test's e-mail only (NOT VALID: existing rows are not checked).
    await pg.query(`alter table app_user add constraint ${constraint} check (email not like 'log-probe-${id}%') not valid`);
    hub = await HubProcess.create({ LOG_LEVEL: 'info' });
    await hub.start();
    admin = await signedIn(hub.url, orm.em.fork(), 'admin');
  });
  afterAll(async () => {
    await hub?.stop();
    await pg?.query(`alter table app_user drop constraint if exists ${constraint}`);
    await pg?.end();
    await orm?.close(true);
  });

  const records = () => hub.log.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg?: string; req?: { url?: string; headers?: Record<string, string> } });

  it('logs a failed insert with its code, table, constraint and the query without values, and answers the client without SQL', async () => {
    const res = await admin.post('/api/users', { email, name: 'Log Probe', password, role: 'auditor' });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(res.body)).not.toMatch(/insert|app_user|argon2|sf_log_probe|\bat /i);

    const logged = await until(() => records().filter((r) => r.level >= 50 && r.msg?.includes(constraint)), (l) => l.length > 0, 'the error in the log');
    const msg = logged[0].msg!;
    expect(msg).toContain(`CheckConstraintViolationException [23514] (table app_user, constraint ${constraint}`);
    expect(msg).toMatch(/insert into "app_user" \(.*"password_hash".*\) values \(\?(, (\?|NULL))+\) - new row/);
    expect(msg).toContain(`violates check constraint "${constraint}"`);

    expect(hub.log).not.toContain(email);
    expect(hub.log).not.toContain(password);
    expect(hub.log).not.toContain('$argon2');
    expect(hub.log).not.toContain('Failing row');
  });

  it('masks cookies, authorization headers and pairing codes in request logs', async () => {
    const res = await fetch(`${hub.url}/api/auth/me?code=${secrets.code}`, { headers: { cookie: `sf_session=${secrets.cookie}`, authorization: `Bearer ${secrets.bearer}` } });
    expect(res.status).toBe(401);
    const [logged] = await until(() => records().filter((r) => r.req?.url?.startsWith('/api/auth/me')), (l) => l.length > 0, 'the request in the log');
    expect(logged.req).toMatchObject({ url: '/api/auth/me?code=[Redacted]', headers: { cookie: '[Redacted]', authorization: '[Redacted]' } });
    for (const s of Object.values(secrets)) expect(hub.log).not.toContain(s);
  });
});
