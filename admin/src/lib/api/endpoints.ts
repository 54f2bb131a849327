import type {
  AuditEventDto,
  BalanceDto,
  CreateProductInput,
  CreateUserInput,
  EnrolmentCodeDto,
  ImportResultDto,
  LoginInput,
  MovementDto,
  MovementResultDto,
  Page,
  ProductDto,
  SessionDto,
  StoreDto,
  TerminalCommandInput,
  TerminalStatus,
  UpdateProductInput,
  UserDto,
} from '@stockfleet/shared';
import { http, upload } from './client';
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
};

export const fleetApi = {
  terminals: (storeId?: string, o: Sig = {}) => http.get<TerminalStatus[]>(`/api/terminals${toQuery({ storeId })}`, o),
  enrolmentCode: (storeId: string, terminalName: string) =>
    http.post<EnrolmentCodeDto>('/api/enrolment-codes', { storeId, terminalName }),
  revoke: (terminalId: string) => http.post<void>(`/api/terminals/${id(terminalId)}/revoke`),
  /** `delivered`: a connected till acknowledged it (lock/unlock are desired state and always "delivered"). */
  command: (terminalId: string, body: TerminalCommandInput) => http.post<{ delivered: boolean }>(`/api/terminals/${id(terminalId)}/commands`, body),
};
