import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword } from '../../src/auth/password';
import { gs1CheckDigit } from '../../src/catalog/barcode-rules';
import { hmac } from '../../src/common/crypto';
import { HttpClient } from './http';

const uniq = () => randomBytes(4).toString('hex');
const run = (em: EntityManager, sql: string, params: unknown[]) => em.getConnection().execute(sql, params, 'run');

/** A valid, unique GTIN-13 for tests (prefix 977 — ISSN range, never used by the demo data). */
let gtinCounter = Math.floor(Math.random() * 1e6);
export function newGtin13(): string {
  gtinCounter = (gtinCounter + 1) % 1e9;
  const body = `977${String(gtinCounter).padStart(9, '0')}`;
  return body + gs1CheckDigit(body);
}

export async function createStore(em: EntityManager, opts: { zones?: string[] } = {}) {
  const chainId = randomUUID();
  const regionId = randomUUID();
  const id = randomUUID();
  const code = `T${uniq()}`;
  await run(em, `insert into chain (id, name) values (?, ?)`, [chainId, `Chain ${code}`]);
  await run(em, `insert into region (id, chain_id, name) values (?, ?, ?)`, [regionId, chainId, `Region ${code}`]);
  await run(em, `insert into store (id, region_id, code, name, timezone) values (?, ?, ?, ?, 'UTC')`, [id, regionId, code, `Store ${code}`]);
  const zones: Array<{ id: string; code: string }> = [];
  for (const z of opts.zones ?? ['A1', 'BR']) {
    const zid = randomUUID();
    await run(em, `insert into zone (id, store_id, code, name, kind) values (?, ?, ?, ?, 'aisle')`, [zid, id, z, `Zone ${z}`]);
    zones.push({ id: zid, code: z });
  }
  return { id, code, regionId, chainId, zones };
}

export async function createUser(em: EntityManager, role: 'admin' | 'manager' | 'auditor', storeIds: string[] = []) {
  const email = `${role}-${uniq()}@test.stockfleet`;
  const password = `pw-${uniq()}-${uniq()}`;
  const id = randomUUID();
  await run(em, `insert into app_user (id, email, name, password_hash, role, store_ids, created_at) values (?, ?, ?, ?, ?, ?::uuid[], now())`, [
    id, email, `Test ${role}`, await hashPassword(password), role, `{${storeIds.join(',')}}`,
  ]);
  return { id, email, password, role, storeIds };
}

/** A signed-in HTTP client for a new user of that role. */
export async function signedIn(base: string, em: EntityManager, role: 'admin' | 'manager' | 'auditor', storeIds: string[] = []) {
  const user = await createUser(em, role, storeIds);
  const client = new HttpClient(base);
  const res = await client.post('/api/auth/login', { email: user.email, password: user.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return Object.assign(client, { user });
}

export async function createProduct(em: EntityManager, opts: { costCents?: number; priceCents?: number; category?: string; threshold?: number; packMultiplier?: number } = {}) {
  const id = randomUUID();
  const sku = `P-${uniq()}`;
  const gtin = newGtin13();
  await run(em, `insert into product (id, sku, name, category, unit_cost_cents, unit_price_cents, uom, low_stock_threshold, created_at, updated_at)
                 values (?, ?, ?, ?, ?, ?, 'piece', ?, now(), now())`, [
    id, sku, `Product ${sku}`, opts.category ?? 'Test', opts.costCents ?? 100, opts.priceCents ?? 150, opts.threshold ?? 0,
  ]);
  await run(em, `insert into barcode (code, product_id, kind, multiplier) values (?, ?, 'gtin', 1)`, [gtin, id]);
  let packCode: string | null = null;
  if (opts.packMultiplier) {
    const body = `1${gtin.slice(0, 12)}`;
    packCode = body + gs1CheckDigit(body);
    await run(em, `insert into barcode (code, product_id, kind, multiplier) values (?, ?, 'pack', ?)`, [packCode, id, opts.packMultiplier]);
  }
  return { id, sku, gtin, packCode };
}

export async function onHand(em: EntityManager, storeId: string, productId: string): Promise<number> {
  const rows = await em.getConnection().execute<any[]>(`select on_hand from stock_balance where store_id = ? and product_id = ?`, [storeId, productId]);
  return rows[0]?.on_hand ?? 0;
}

export async function createStaff(em: EntityManager, storeId: string, secret: string, pin = String(1000 + Math.floor(Math.random() * 9000))) {
  const id = randomUUID();
  await run(em, `insert into staff_member (id, store_id, name, pin_hash, created_at) values (?, ?, ?, ?, now())`, [
    id, storeId, `Staff ${uniq()}`, hmac(secret, `pin:${storeId}:${pin}`),
  ]);
  return { id, pin };
}
