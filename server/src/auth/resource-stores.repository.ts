import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { sql } from '../common/sql.js';

/** `null`: no such row. `chain`: the row covers the whole chain. */
export type StoresOf = null | 'chain' | string[];

interface StoreIdRow { store_id: string }
interface ReportScopeRow { store_scope: string[] | null }
interface PlanScopeRow { store_ids: string[] }

/** The stores of the rows routes address by id, read for the authorization guard (one query each). */
@Injectable()
export class ResourceStoresRepository {
  constructor(private readonly em: EntityManager) {}

  async ofStocktake(id: string): Promise<StoresOf> {
    const rows = await sql<StoreIdRow[]>(this.em.fork(), `select store_id from stocktake_store where stocktake_id = ?`, [id]);
    return rows.length ? rows.map((r) => r.store_id) : null;
  }

  async stocktakeHasStore(id: string, storeId: string): Promise<boolean> {
    const rows = await sql<StoreIdRow[]>(this.em.fork(), `select store_id from stocktake_store where stocktake_id = ? and store_id = ?`, [id, storeId]);
    return rows.length > 0;
  }

  async ofReport(id: string): Promise<StoresOf> {
    const [row] = await sql<ReportScopeRow[]>(this.em.fork(), `select store_scope from report where id = ?`, [id]);
    if (!row) return null;
    return row.store_scope ?? 'chain';
  }

  async ofTerminal(id: string): Promise<StoresOf> {
    const [row] = await sql<StoreIdRow[]>(this.em.fork(), `select store_id from terminal where id = ?`, [id]);
    return row ? [row.store_id] : null;
  }

  async ofPlan(id: string): Promise<StoresOf> {
    const [row] = await sql<PlanScopeRow[]>(this.em.fork(), `select store_ids from count_plan where id = ?`, [id]);
    return row ? row.store_ids : null;
  }

  async userExists(id: string): Promise<boolean> {
    const rows = await sql<Array<{ id: string }>>(this.em.fork(), `select id from app_user where id = ?`, [id]);
    return rows.length > 0;
  }

}
