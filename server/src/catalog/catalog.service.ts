import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type CreateProductInput,
  type Page,
  type ProductDto,
  type ProductQuery,
  type UpdateProductInput,
} from '@stockfleet/shared';
import { AlertsNotifier } from '../alerts/alerts.notifier.js';
import { evaluateProducts } from '../alerts/alerts.repository.js';
import { AuditService, fromUser } from '../audit/audit.service.js';
import type { UserActor } from '../common/actor.js';
import { DomainException, notFound } from '../common/domain-exception.js';
import { assertBarcodes } from './barcode-rules.js';
import { Barcode, Product } from './catalog.entities.js';

export function mapProduct(p: Product): ProductDto {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    category: p.category,
    unitCostCents: p.unitCostCents,
    unitPriceCents: p.unitPriceCents,
    uom: p.uom,
    lowStockThreshold: p.lowStockThreshold,
    barcodes: p.barcodes.isInitialized()
      ? p.barcodes.getItems().map((b) => ({ code: b.code, kind: b.kind, multiplier: b.multiplier })).sort((a, b) => a.code.localeCompare(b.code))
      : [],
  };
}

@Injectable()
export class CatalogService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly alerts: AlertsNotifier,
  ) {}

  async list(q: ProductQuery): Promise<Page<ProductDto>> {
    const em = this.em.fork();
    const where: Record<string, unknown> = {};
    if (q.category) where.category = q.category;
    if (q.q) {
      const like = `%${q.q.replace(/[%_\\]/g, (c) => '\\' + c)}%`;
      where.$or = [{ sku: { $ilike: like } }, { name: { $ilike: like } }, { barcodes: { code: q.q } }];
    }
    const [items, total] = await em.findAndCount(Product, where, {
      populate: ['barcodes'],
      orderBy: { sku: 'asc' },
      limit: q.limit,
      offset: q.offset,
    });
    return { items: items.map(mapProduct), total, limit: q.limit, offset: q.offset };
  }

  async get(id: string): Promise<ProductDto> {
    const p = await this.em.fork().findOne(Product, { id }, { populate: ['barcodes'] });
    if (!p) throw notFound('Product', id);
    return mapProduct(p);
  }

  async categories(): Promise<string[]> {
    const rows = await this.em.getConnection().execute<{ category: string }[]>(`select distinct category from product order by category`);
    return rows.map((r) => r.category);
  }

  async create(input: CreateProductInput, actor: UserActor): Promise<ProductDto> {
    assertBarcodes(input.barcodes);
    const em = this.em.fork();
    return em.transactional(async (tem) => {
      if (await tem.count(Product, { sku: input.sku })) throw new DomainException(ErrorCode.SkuTaken, `SKU ${input.sku} already exists`);
      const codes = input.barcodes.map((b) => b.code);
      if (codes.length) {
        const taken = await tem.find(Barcode, { code: { $in: codes } }, { populate: ['product'] });
        if (taken.length) {
          throw new DomainException(ErrorCode.BarcodeTaken, `Barcode ${taken[0].code} belongs to ${taken[0].product.sku}`, {
            code: taken[0].code,
            sku: taken[0].product.sku,
          });
        }
      }
      const product = tem.create(Product, {
        sku: input.sku,
        name: input.name,
        category: input.category,
        unitCostCents: input.unitCostCents,
        unitPriceCents: input.unitPriceCents ?? 0,
        uom: input.uom,
        lowStockThreshold: input.lowStockThreshold,
      });
      for (const b of input.barcodes) tem.create(Barcode, { code: b.code, kind: b.kind, multiplier: b.multiplier, product });
      await tem.flush();
      await this.audit.record(tem, { ...fromUser(actor), action: 'product.created', subject: product.id, details: { sku: product.sku } });
      return mapProduct(product);
    });
  }

  async update(id: string, input: UpdateProductInput, actor: UserActor): Promise<ProductDto> {
    const em = this.em.fork();
    const { dto, alerts } = await em.transactional(async (tem) => {
      // FOR UPDATE, waiting: the row is briefly key-share locked by every ledger post of this product
      // (the movement's foreign key), and SKIP LOCKED (mode 4) made an edit during a sale answer 404.
      const p = await tem.findOne(Product, { id }, { populate: ['barcodes'], lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!p) throw notFound('Product', id);
      const thresholdBefore = p.lowStockThreshold;
      tem.assign(p, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
      await tem.flush();
      // A new threshold can put balances below it (or lift them out) without any stock moving.
      const alerts = p.lowStockThreshold !== thresholdBefore ? await evaluateProducts(tem, [id]) : [];
      await this.audit.record(tem, { ...fromUser(actor), action: 'product.updated', subject: id, details: input });
      return { dto: mapProduct(p), alerts };
    });
    void this.alerts.notify(alerts);
    return dto;
  }

  async addBarcode(id: string, input: { code: string; kind: 'gtin' | 'pack' | 'internal'; multiplier: number }, actor: UserActor): Promise<ProductDto> {
    assertBarcodes([input]);
    const em = this.em.fork();
    return em.transactional(async (tem) => {
      const p = await tem.findOne(Product, { id }, { populate: ['barcodes'] });
      if (!p) throw notFound('Product', id);
      const existing = await tem.findOne(Barcode, { code: input.code }, { populate: ['product'] });
      if (existing) {
        throw new DomainException(ErrorCode.BarcodeTaken, `Barcode ${input.code} belongs to ${existing.product.sku}`, { code: input.code, sku: existing.product.sku });
      }
      tem.create(Barcode, { ...input, product: p });
      await tem.flush();
      await this.audit.record(tem, { ...fromUser(actor), action: 'product.barcode_added', subject: id, details: input });
      return mapProduct(p);
    });
  }
}
