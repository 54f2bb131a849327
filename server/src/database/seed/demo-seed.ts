import { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { hashPassword } from '../../auth/password.js';
import { gs1CheckDigit } from '../../catalog/barcode-rules.js';
import { hmac } from '../../common/crypto.js';
import { postMovements } from '../../inventory/ledger.repository.js';

export interface DemoCredentials {
  users: Array<{ email: string; password: string; role: string; stores: string }>;
  staff: Array<{ store: string; name: string; pin: string }>;
}

const REGIONS = [
  { name: 'North', stores: [['N01', 'Harbour Street', 'Europe/London'], ['N02', 'Old Town', 'Europe/London'], ['N03', 'Riverside', 'Europe/London']] },
  { name: 'South', stores: [['S01', 'Market Square', 'Europe/London'], ['S02', 'Station Road', 'Europe/London'], ['S03', 'Seafront', 'Europe/London']] },
];
const CATEGORIES = ['Produce', 'Dairy', 'Bakery', 'Beverages', 'Snacks', 'Household', 'Personal care', 'Frozen', 'Pantry', 'Pet'];
const ZONES = [['A1', 'Aisle 1', 'aisle'], ['A2', 'Aisle 2', 'aisle'], ['A3', 'Aisle 3', 'aisle'], ['SH', 'Shelf wall', 'shelf'], ['BR', 'Backroom', 'backroom']];
const STAFF = ['Li Wei', 'Chen Jing', 'Sam Taylor'];

export const demoGtin13 = (i: number) => {
  const body = `400638${String(100000 + i).slice(-6)}`;
  return body + gs1CheckDigit(body);
};
const packGtin14 = (gtin13: string) => {
  const body = `1${gtin13.slice(0, 12)}`;
  return body + gs1CheckDigit(body);
};

/** True when the database holds no chain yet. */
export async function isEmpty(em: EntityManager): Promise<boolean> {
  const [{ n }] = await em.getConnection().execute<{ n: string }[]>('select count(*) as n from chain');
  return Number(n) === 0;
}

/** A demo chain: 2 regions, 6 stores with zones, 3 tills a store, 2,000 products, opening stock, users and staff. */
export async function seedDemo(em: EntityManager, secret: string, opts: { products?: number } = {}): Promise<DemoCredentials> {
  const productCount = opts.products ?? 2000;
  const creds: DemoCredentials = { users: [], staff: [] };
  await em.transactional(async (tem) => {
    const run = (sql: string, params: unknown[] = []) => tem.getConnection().execute(sql, params, 'run', tem.getTransactionContext());
    const chainId = randomUUID();
    await run(`insert into chain (id, name) values (?, ?)`, [chainId, 'Demo Grocers']);
    const storeIds: Array<{ id: string; code: string; region: string }> = [];
    for (const region of REGIONS) {
      const regionId = randomUUID();
      await run(`insert into region (id, chain_id, name) values (?, ?, ?)`, [regionId, chainId, region.name]);
      for (const [code, name, tz] of region.stores) {
        const storeId = randomUUID();
        storeIds.push({ id: storeId, code, region: region.name });
        await run(`insert into store (id, region_id, code, name, timezone) values (?, ?, ?, ?, ?)`, [storeId, regionId, code, name, tz]);
        for (const [zc, zn, zk] of ZONES) await run(`insert into zone (id, store_id, code, name, kind) values (?, ?, ?, ?, ?)`, [randomUUID(), storeId, zc, zn, zk]);
        for (let t = 1; t <= 3; t++) {
          await run(`insert into terminal (id, store_id, name, created_at, desired_mode, desired_epoch, desired_reason, desired_since, remote_locked, online)
                     values (?, ?, ?, now(), 'selling', 0, ?::jsonb, now(), false, false)`,
            [randomUUID(), storeId, `${code}-T${t}`, JSON.stringify({ kind: 'none', stocktakeId: null, practice: false, by: null, message: null })]);
        }
        const pins = new Set<string>();
        for (const person of STAFF) {
          let pin: string;
          do pin = String(randomInt(1000, 10000)); while (pins.has(pin));
          pins.add(pin);
          await run(`insert into staff_member (id, store_id, name, pin_hash, created_at) values (?, ?, ?, ?, now())`,
            [randomUUID(), storeId, person, hmac(secret, `pin:${storeId}:${pin}`)]);
          creds.staff.push({ store: code, name: person, pin });
        }
      }
    }

    const products = Array.from({ length: productCount }, (_, i) => {
      const category = CATEGORIES[i % CATEGORIES.length];
      const cost = 50 + ((i * 7919) % 1950);
      return {
        id: randomUUID(),
        sku: `SKU-${String(i + 1).padStart(5, '0')}`,
        name: `${category} item ${i + 1}`,
        category,
        cost,
        price: Math.round(cost * 1.4),
        threshold: 5 + (i % 4) * 5,
        gtin: demoGtin13(i),
      };
    });
    await run(
      `insert into product (id, sku, name, category, unit_cost_cents, unit_price_cents, uom, low_stock_threshold, created_at, updated_at)
       select id, sku, name, category, cost, price, 'piece', threshold, now(), now()
         from jsonb_to_recordset(?::jsonb) as x(id uuid, sku text, name text, category text, cost int, price int, threshold int)`,
      [JSON.stringify(products)],
    );
    const barcodes = products.flatMap((p, i) => [
      { code: p.gtin, product_id: p.id, kind: 'gtin', multiplier: 1 },
      ...(i % 10 === 0 ? [{ code: packGtin14(p.gtin), product_id: p.id, kind: 'pack', multiplier: i % 20 === 0 ? 12 : 6 }] : []),
    ]);
    await run(
      `insert into barcode (code, product_id, kind, multiplier)
       select code, product_id, kind, multiplier from jsonb_to_recordset(?::jsonb) as x(code text, product_id uuid, kind text, multiplier int)`,
      [JSON.stringify(barcodes)],
    );
    for (const store of storeIds) {
      await postMovements(
        tem,
        { key: `seed:opening:${store.code}`, kind: 'receipt', requestHash: 'seed' },
        products.map((p, i) => ({ storeId: store.id, productId: p.id, kind: 'receipt' as const, quantity: 10 + ((i * 31 + store.code.charCodeAt(2)) % 90), reason: 'opening stock', source: 'seed' })),
      );
    }

    const pw = () => randomBytes(9).toString('base64url');
    const north = storeIds.filter((s) => s.region === 'North');
    const users = [
      { email: 'admin@demo.stockfleet', name: 'Ada Admin', role: 'admin', stores: [] as typeof storeIds },
      { email: 'manager@demo.stockfleet', name: 'Max Manager', role: 'manager', stores: north.slice(0, 1) },
      { email: 'auditor@demo.stockfleet', name: 'Alex Auditor', role: 'auditor', stores: [] as typeof storeIds },
    ];
    for (const u of users) {
      const password = pw();
      await run(`insert into app_user (id, email, name, password_hash, role, store_ids, created_at) values (?, ?, ?, ?, ?, ?::uuid[], now())`,
        [randomUUID(), u.email, u.name, await hashPassword(password), u.role, `{${u.stores.map((s) => s.id).join(',')}}`]);
      creds.users.push({ email: u.email, password, role: u.role, stores: u.stores.map((s) => s.code).join(',') || 'all' });
    }
    await run(`insert into audit_event (actor_type, actor_name, action, details) values ('system', 'seed', 'demo.seeded', ?::jsonb)`,
      [JSON.stringify({ stores: storeIds.length, products: productCount })]);
  });
  return creds;
}
