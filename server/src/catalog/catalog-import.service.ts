import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { CsvError, parse } from 'csv-parse';
import {
  BarcodeCodeSchema,
  CategorySchema,
  ErrorCode,
  IMPORT_COLUMNS,
  ProductNameSchema,
  type ImportResultDto,
  type ImportRowError,
} from '@stockfleet/shared';
import type { Readable } from 'node:stream';
import { AlertsNotifier } from '../alerts/alerts.notifier.js';
import { evaluateProducts, type AlertChange } from '../alerts/alerts.repository.js';
import { AuditService, fromUser } from '../audit/audit.service.js';
import type { UserActor } from '../common/actor.js';
import { DomainException } from '../common/domain-exception.js';
import { sql } from '../common/sql.js';
import { barcodeProblem } from './barcode-rules.js';

const MAX_BYTES = 64 * 1024 * 1024;
const MAX_ROWS = 1_000_000;
const MAX_REPORTED_ERRORS = 500;
const CHUNK = 10_000;

interface ProductRow { line: number; sku: string; name: string; category: string; cost: number; price: number; uom: string; threshold: number }
interface CodeRow { line: number; code: string; sku: string; kind: string; multiplier: number }

const SKU = /^[A-Za-z0-9._-]{1,64}$/;
const int = (s: string, min: number, max: number): number | null => {
  if (!/^-?\d+$/.test(s.trim())) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
};

/**
 * A text cell read with the same schema as the REST API (NFC, trimmed, no control characters or
 * broken Unicode, bounded), so an import cannot store what a form would refuse.
 */
function textCell(line: number, column: string, raw: string, schema: typeof ProductNameSchema, limits: string): { value: string } | { error: ImportRowError } {
  const r = schema.safeParse(raw);
  if (r.success) return { value: r.data };
  const custom = r.error.issues.find((i) => i.code === 'custom');
  return { error: { line, column, message: custom ? `${column} ${custom.message}` : `${column}: ${limits}` } };
}

/**
 * Streams a CSV of products and barcodes (one row per barcode; a product without barcodes has an
 * empty barcode cell). Everything is validated first; a file with any error imports nothing.
 */
@Injectable()
export class CatalogImportService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly alerts: AlertsNotifier,
  ) {}

  async import(body: Readable, actor: UserActor): Promise<ImportResultDto> {
    const errors: ImportRowError[] = [];
    const products = new Map<string, ProductRow>();
    const codes = new Map<string, CodeRow>();
    let rows = 0;
    let bytes = 0;
    const fail = (e: ImportRowError) => { if (errors.length < MAX_REPORTED_ERRORS) errors.push(e); else errors.length++; };

    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BYTES) body.destroy(new DomainException(ErrorCode.PayloadTooLarge, `The file is larger than ${MAX_BYTES / 1024 / 1024} MB`));
    });
    const parser = body.pipe(parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: false, info: true }));
    let header: string[] | null = null;
    try {
      for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        const line = rec.info.lines;
        if (!header) {
          header = rec.record.map((h) => h.toLowerCase());
          const missing = ['sku', 'name', 'category', 'unit_cost_cents'].filter((c) => !header!.includes(c));
          const unknown = header.filter((h) => !(IMPORT_COLUMNS as readonly string[]).includes(h));
          if (missing.length || unknown.length) {
            throw new DomainException(ErrorCode.ImportFailed, 'The header row is wrong', [
              ...missing.map((c) => ({ line, column: c, message: 'missing column' })),
              ...unknown.map((c) => ({ line, column: c, message: 'unknown column' })),
            ]);
          }
          continue;
        }
        if (++rows > MAX_ROWS) throw new DomainException(ErrorCode.ImportFailed, `More than ${MAX_ROWS} rows`);
        const get = (c: string) => { const i = header!.indexOf(c); return i < 0 ? '' : (rec.record[i] ?? ''); };
        this.row(line, get, products, codes, fail);
      }
    } catch (e) {
      if (e instanceof DomainException) throw e;
      // Not every parser error code starts with CSV_ (INVALID_OPENING_QUOTE does not): match the class.
      if (e instanceof CsvError) {
        throw new DomainException(ErrorCode.ImportFailed, 'The file is not valid CSV', [{ line: typeof e.lines === 'number' ? e.lines : 0, message: e.message }]);
      }
      throw e;
    }
    if (!header) throw new DomainException(ErrorCode.ImportFailed, 'The file is empty', [{ line: 1, message: 'no header row' }]);
    if (errors.length) throw new DomainException(ErrorCode.ImportFailed, `${errors.length} problem(s); nothing was imported`, errors.slice(0, MAX_REPORTED_ERRORS));
    return this.write([...products.values()], [...codes.values()], rows, actor);
  }

  private row(line: number, get: (c: string) => string, products: Map<string, ProductRow>, codes: Map<string, CodeRow>, fail: (e: ImportRowError) => void) {
    const sku = get('sku');
    if (!SKU.test(sku)) return fail({ line, column: 'sku', message: 'sku: 1–64 letters, digits, dot, dash, underscore' });
    const nameCell = textCell(line, 'name', get('name'), ProductNameSchema, '1–200 characters');
    if ('error' in nameCell) return fail(nameCell.error);
    const categoryCell = textCell(line, 'category', get('category'), CategorySchema, '1–100 characters');
    if ('error' in categoryCell) return fail(categoryCell.error);
    const name = nameCell.value;
    const category = categoryCell.value;
    const cost = int(get('unit_cost_cents'), 0, 100_000_000);
    if (cost === null) return fail({ line, column: 'unit_cost_cents', message: 'a whole number of cents, 0 to 100000000' });
    const priceText = get('unit_price_cents');
    const price = priceText === '' ? 0 : int(priceText, 0, 100_000_000);
    if (price === null) return fail({ line, column: 'unit_price_cents', message: 'a whole number of cents, 0 to 100000000' });
    const uom = get('uom') || 'piece';
    if (!['piece', 'g', 'ml'].includes(uom)) return fail({ line, column: 'uom', message: 'piece, g or ml' });
    const thresholdText = get('low_stock_threshold');
    const threshold = thresholdText === '' ? 0 : int(thresholdText, 0, 1_000_000);
    if (threshold === null) return fail({ line, column: 'low_stock_threshold', message: 'a whole number, 0 to 1000000' });

    const prior = products.get(sku);
    if (prior && (prior.name !== name || prior.category !== category || prior.cost !== cost || prior.price !== price || prior.uom !== uom || prior.threshold !== threshold)) {
      return fail({ line, column: 'sku', message: `sku ${sku} appears on line ${prior.line} with different product fields` });
    }
    if (!prior) products.set(sku, { line, sku, name, category, cost, price, uom, threshold });

    if (!get('barcode')) return;
    const codeCell = textCell(line, 'barcode', get('barcode'), BarcodeCodeSchema, '1–64 characters');
    if ('error' in codeCell) return fail(codeCell.error);
    const code = codeCell.value;
    const kind = get('barcode_kind') || 'gtin';
    if (!['gtin', 'pack', 'internal'].includes(kind)) return fail({ line, column: 'barcode_kind', message: 'gtin, pack or internal' });
    const multText = get('multiplier');
    const multiplier = multText === '' ? 1 : int(multText, 1, 10_000);
    if (multiplier === null) return fail({ line, column: 'multiplier', message: 'a whole number, 1 to 10000' });
    const problem = barcodeProblem({ code, kind: kind as 'gtin', multiplier });
    if (problem) return fail({ line, column: 'barcode', message: problem });
    const dup = codes.get(code);
    if (dup) return fail({ line, column: 'barcode', message: `barcode ${code} is already on line ${dup.line}` });
    codes.set(code, { line, code, sku, kind, multiplier });
  }

  private async write(products: ProductRow[], codes: CodeRow[], rows: number, actor: UserActor): Promise<ImportResultDto> {
    const em = this.em.fork();
    const alerts: AlertChange[] = [];
    const result = await em.transactional(async (tem) => {
      const run = <T = any[]>(text: string, params: unknown[] = []) => sql<T>(tem, text, params);
      await run(`create temp table import_code (line int, code text primary key, sku text, kind text, multiplier int) on commit drop`);
      for (let i = 0; i < codes.length; i += CHUNK) {
        await run(
          `insert into import_code select * from jsonb_to_recordset(?::jsonb) as x(line int, code text, sku text, kind text, multiplier int)`,
          [JSON.stringify(codes.slice(i, i + CHUNK))],
        );
      }
      const taken = await run<{ line: number; code: string; sku: string }[]>(
        `select ic.line, ic.code, p.sku from import_code ic join barcode b on b.code = ic.code join product p on p.id = b.product_id
          where p.sku <> ic.sku order by ic.line limit ${MAX_REPORTED_ERRORS}`,
      );
      if (taken.length) {
        throw new DomainException(
          ErrorCode.ImportFailed,
          `${taken.length} barcode(s) already belong to other products; nothing was imported`,
          taken.map((t) => ({ line: t.line, column: 'barcode', message: `barcode ${t.code} belongs to ${t.sku}` })),
        );
      }
      let created = 0;
      let updated = 0;
      const thresholdChanged: string[] = [];
      for (let i = 0; i < products.length; i += CHUNK) {
        const chunk = JSON.stringify(products.slice(i, i + CHUNK));
        // Products whose threshold this import changes (their balances are re-evaluated for alerts below).
        const changed = await run<{ id: string }[]>(
          `select p.id from jsonb_to_recordset(?::jsonb) as x(sku text, threshold int) join product p on p.sku = x.sku where p.low_stock_threshold <> x.threshold`,
          [chunk],
        );
        thresholdChanged.push(...changed.map((c) => c.id));
        const res = await run<{ inserted: boolean; n: string }[]>(
          `with up as (
             insert into product (id, sku, name, category, unit_cost_cents, unit_price_cents, uom, low_stock_threshold, created_at, updated_at)
             select gen_random_uuid(), sku, name, category, cost, price, uom, threshold, now(), now()
               from jsonb_to_recordset(?::jsonb) as x(sku text, name text, category text, cost int, price int, uom text, threshold int)
             on conflict (sku) do update set name = excluded.name, category = excluded.category, unit_cost_cents = excluded.unit_cost_cents,
                unit_price_cents = excluded.unit_price_cents, uom = excluded.uom, low_stock_threshold = excluded.low_stock_threshold, updated_at = now()
             returning (xmax = 0) as inserted)
           select inserted, count(*) as n from up group by inserted`,
          [chunk],
        );
        for (const r of res) r.inserted ? (created += Number(r.n)) : (updated += Number(r.n));
      }
      const [{ n: barcodesCreated }] = await run<{ n: string }[]>(
        `with ins as (
           insert into barcode (code, product_id, kind, multiplier)
           select ic.code, p.id, ic.kind, ic.multiplier from import_code ic join product p on p.sku = ic.sku
           on conflict (code) do update set kind = excluded.kind, multiplier = excluded.multiplier
           returning (xmax = 0) as inserted)
         select count(*) filter (where inserted) as n from ins`,
      );
      // Last, so the balance locks it takes are held only for the moment before commit.
      for (let i = 0; i < thresholdChanged.length; i += CHUNK) alerts.push(...(await evaluateProducts(tem, thresholdChanged.slice(i, i + CHUNK))));
      const result = { rows, productsCreated: created, productsUpdated: updated, barcodesCreated: Number(barcodesCreated) };
      await this.audit.record(tem, { ...fromUser(actor), action: 'catalog.imported', details: result });
      return result;
    });
    void this.alerts.notify(alerts);
    return result;
  }
}
