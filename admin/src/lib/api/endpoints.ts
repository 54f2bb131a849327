import type {
  AbcClassDto,
  AuditEventDto,
  BalanceDto,
  CreateProductInput,
  CreateUserInput,
  CountPlanDto,
  CountPlanInput,
  CountPlanRunDto,
  EnrolmentCodeDto,
  ImportResultDto,
  LoginInput,
  MovementDto,
  MovementResultDto,
  Page,
  ProductDto,
  ReportDto,
  ReportKind,
  SessionDto,
  StocktakeDto,
  StoreDto,
  TerminalCommandInput,
  TerminalStatus,
  UpdateProductInput,
  UpdateUserInput,
  UserDto,
  VarianceReportDto,
} from '@stockfleet/shared';
import { http, request, upload } from './client';
import { toQuery } from './query';

type Sig = { signal?: AbortSignal };
const id = encodeURIComponent;

/** Inputs as the hub accepts them (before zod defaults are applied). */
type ReceiptBody = { idempotencyKey: string; storeId: string; lines: { productId: string; quantity: number }[]; reference?: string };
type TransferBody = { idempotencyKey: string; fromStoreId: string; toStoreId: string; lines: { productId: string; quantity: number }[]; reference?: string };
type AdjustmentBody = { idempotencyKey: string; storeId: string; reason: string; note?: string; lines: { productId: string; quantity: number }[] };

export interface StoreOnHand { storeId: string; onHand: number }
export interface ProductListQuery { q?: string; category?: string; limit?: number; offset?: number }
export interface BalanceListQuery { storeId: string; q?: string; lowOnly?: boolean; limit?: number; offset?: number }
export interface LedgerQuery { storeId?: string; limit?: number; offset?: number }
export interface AuditListQuery { actor?: string; action?: string; storeId?: string; from?: string; to?: string; limit?: number; offset?: number }

export const authApi = {
  login: (body: LoginInput) => http.post<SessionDto>('/api/auth/login', body, { expectUnauthenticated: true }),
  logout: () => http.post<void>('/api/auth/logout', undefined, { expectUnauthenticated: true }),
  me: (o: Sig = {}) => http.get<SessionDto>('/api/auth/me', { ...o, expectUnauthenticated: true }),
};

export const orgApi = {
  stores: (o: Sig = {}) => http.get<StoreDto[]>('/api/stores', o),
};

export const catalogApi = {
  list: (q: ProductListQuery, o: Sig = {}) =>
    http.get<Page<ProductDto>>(`/api/products${toQuery({ q: q.q, category: q.category, limit: q.limit, offset: q.offset })}`, o),
  get: (productId: string, o: Sig = {}) => http.get<ProductDto>(`/api/products/${id(productId)}`, o),
  categories: (o: Sig = {}) => http.get<string[]>('/api/products/categories', o),
  /** On hand in every store the user may read (hub route outside the shared contract: no DTO there yet). */
  balances: (productId: string, o: Sig = {}) => http.get<StoreOnHand[]>(`/api/products/${id(productId)}/balances`, o),
  create: (body: CreateProductInput) => http.post<ProductDto>('/api/products', body),
  update: (productId: string, body: UpdateProductInput) => http.patch<ProductDto>(`/api/products/${id(productId)}`, body),
  importCsv: (file: Blob, onProgress: (f: number) => void, signal?: AbortSignal) =>
    upload<ImportResultDto>('/api/catalog/import', file, { contentType: 'text/csv', onProgress, signal }),
};

export const stockApi = {
  balances: (q: BalanceListQuery, o: Sig = {}) =>
    http.get<Page<BalanceDto>>(
      `/api/stock/balances${toQuery({ storeId: q.storeId, q: q.q, lowOnly: q.lowOnly ? 'true' : undefined, limit: q.limit, offset: q.offset })}`,
      o,
    ),
  ledger: (productId: string, q: LedgerQuery, o: Sig = {}) =>
    http.get<Page<MovementDto>>(`/api/stock/ledger/${id(productId)}${toQuery({ storeId: q.storeId, limit: q.limit, offset: q.offset })}`, o),
  receipt: (body: ReceiptBody) => http.post<MovementResultDto>('/api/stock/receipts', body),
  transfer: (body: TransferBody) => http.post<MovementResultDto>('/api/stock/transfers', body),
  adjustment: (body: AdjustmentBody) => http.post<MovementResultDto>('/api/stock/adjustments', body),
};

export const auditApi = {
  list: (q: AuditListQuery, o: Sig = {}) =>
    http.get<Page<AuditEventDto>>(
      `/api/audit${toQuery({ actor: q.actor, action: q.action, storeId: q.storeId, from: q.from, to: q.to, limit: q.limit, offset: q.offset })}`,
      o,
    ),
};

export const usersApi = {
  /** The hub may answer with a plain list or a page; both are accepted. */
  list: async (o: Sig = {}): Promise<UserDto[]> => {
    const res = await http.get<UserDto[] | Page<UserDto>>('/api/users', o);
    return Array.isArray(res) ? res : res.items;
  },
  create: (body: CreateUserInput) => http.post<UserDto>('/api/users', body),
  /** Role, stores or disabled changed: the hub signs the user out everywhere. */
  update: (userId: string, body: UpdateUserInput) => http.patch<UserDto>(`/api/users/${id(userId)}`, body),
};

export const fleetApi = {
  terminals: (storeId?: string, o: Sig = {}) => http.get<TerminalStatus[]>(`/api/terminals${toQuery({ storeId })}`, o),
  enrolmentCode: (storeId: string, terminalName: string) =>
    http.post<EnrolmentCodeDto>('/api/enrolment-codes', { storeId, terminalName }),
  revoke: (terminalId: string) => http.post<void>(`/api/terminals/${id(terminalId)}/revoke`),
  /** `delivered`: a connected till acknowledged it (lock/unlock are desired state and always "delivered"). */
  command: (terminalId: string, body: TerminalCommandInput) => http.post<{ delivered: boolean }>(`/api/terminals/${id(terminalId)}/commands`, body),
};

/** Inputs as the hub accepts them (before zod defaults are applied). */
export interface CreateStocktakeBody {
  name: string;
  scope: {
    kind: 'chain' | 'regions' | 'stores';
    regionIds?: string[];
    storeIds?: string[];
    filter?: { kind: 'full' | 'categories' | 'zones' | 'products'; categories?: string[]; zoneCodes?: string[]; productIds?: string[] };
  };
  blind?: boolean;
  thresholds?: { quantity: number; percent: number; valueCents: number };
  graceSeconds?: number;
}
export type ReasonCode = 'damage' | 'expiry' | 'theft' | 'receiving_error' | 'counting_error' | 'unknown';
export interface RecountBody { lines?: { productId: string; zoneId: string | null }[]; overThreshold?: boolean }
export interface ApproveResultDto { lines: number; movements: number; varianceValueCents: number; practice: boolean }

const st = (stocktakeId: string) => `/api/stocktakes/${id(stocktakeId)}`;
const sts = (stocktakeId: string, storeId: string) => `${st(stocktakeId)}/stores/${id(storeId)}`;

export const stocktakeApi = {
  list: (o: Sig = {}) => http.get<StocktakeDto[]>('/api/stocktakes', o),
  get: (stocktakeId: string, o: Sig = {}) => http.get<StocktakeDto>(st(stocktakeId), o),
  create: (body: CreateStocktakeBody) => http.post<StocktakeDto>('/api/stocktakes', body),
  start: (stocktakeId: string) => http.post<StocktakeDto>(`${st(stocktakeId)}/start`),
  cancel: (stocktakeId: string) => http.post<StocktakeDto>(`${st(stocktakeId)}/cancel`),
  force: (stocktakeId: string, storeId: string, body: { terminalIds: string[]; reason: string }) => http.post<unknown>(`${sts(stocktakeId, storeId)}/force`, body),
  close: (stocktakeId: string, storeId: string) => http.post<unknown>(`${sts(stocktakeId, storeId)}/close`),
  cancelStore: (stocktakeId: string, storeId: string) => http.post<unknown>(`${sts(stocktakeId, storeId)}/cancel`),
  variance: (stocktakeId: string, storeId: string, o: Sig = {}) => http.get<VarianceReportDto>(`${sts(stocktakeId, storeId)}/variance`, o),
  recount: (stocktakeId: string, storeId: string, body: RecountBody) => http.post<{ created: number }>(`${sts(stocktakeId, storeId)}/recounts`, body),
  reasons: (stocktakeId: string, storeId: string, lines: { productId: string; reason: ReasonCode }[]) =>
    http.post<VarianceReportDto>(`${sts(stocktakeId, storeId)}/reasons`, { lines }),
  approve: (stocktakeId: string, storeId: string) => http.post<ApproveResultDto>(`${sts(stocktakeId, storeId)}/approve`),
};

/** A report request as the hub accepts it (slow-mover fields may be left to the hub's defaults). */
export type CreateReportBody =
  | { kind: 'store_variance'; stocktakeId: string; storeId: string }
  | { kind: 'chain_variance'; stocktakeId: string }
  | { kind: 'slow_movers'; storeIds?: string[]; windowDays?: number; maxUnitsSold?: number };
export interface ReportListQuery { stocktakeId?: string; kind?: ReportKind }

export const reportsApi = {
  /** Newest first (the hub returns at most 200). */
  list: (q: ReportListQuery, o: Sig = {}) => http.get<ReportDto[]>(`/api/reports${toQuery({ stocktakeId: q.stocktakeId, kind: q.kind })}`, o),
  get: (reportId: string, o: Sig = {}) => http.get<ReportDto>(`/api/reports/${id(reportId)}`, o),
  /** 201 with the report queued; NOT_READY, OUT_OF_SCOPE, FORBIDDEN (chain for managers), VALIDATION_FAILED. */
  create: (body: CreateReportBody) => http.post<ReportDto>('/api/reports', body),
  /** A failed report only (ILLEGAL_TRANSITION otherwise). */
  retry: (reportId: string) => http.post<ReportDto>(`/api/reports/${id(reportId)}/retry`),
};

/** A count plan as the hub accepts it on create and on update (PUT replaces the whole plan). */
export type CountPlanBody = CountPlanInput;

const plan = (planId: string) => `/api/count-plans/${id(planId)}`;

export const plansApi = {
  list: (o: Sig = {}) => http.get<CountPlanDto[]>('/api/count-plans', o),
  get: (planId: string, o: Sig = {}) => http.get<CountPlanDto>(plan(planId), o),
  create: (body: CountPlanBody) => http.post<CountPlanDto>('/api/count-plans', body),
  update: (planId: string, body: CountPlanBody) => request<CountPlanDto>('PUT', plan(planId), { json: body }),
  remove: (planId: string) => request<void>('DELETE', plan(planId)),
  /** 202: the run is queued; it shows in `runs` once the plans worker has taken it. */
  runNow: (planId: string) => http.post<{ planId: string; runKey: string }>(`${plan(planId)}/run`),
  runs: (planId: string, o: Sig = {}) => http.get<CountPlanRunDto[]>(`${plan(planId)}/runs`, o),
  abc: (planId: string, storeId: string | null, o: Sig = {}) => http.get<AbcClassDto[]>(`${plan(planId)}/abc${toQuery({ storeId })}`, o),
};
