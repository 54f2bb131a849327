import { ErrorCode, type Role } from '@stockfleet/shared';

/**
 * The stores a request touches, as the guard resolved them before the handler runs.
 * `chain`: the whole chain (or nothing store-bound); `named`: ids the caller wrote in the request,
 * so refusing them reveals nothing; otherwise the stores of a row the request addressed by id.
 */
export type TouchedStores = { chain: true } | { chain: false; storeIds: readonly string[]; named: boolean };

export interface Principal {
  role: Role;
  storeIds: readonly string[];
}

export interface Rule {
  roles: readonly Role[];
  write: boolean;
  /** Reads of this resource need every store of it in scope (default: one is enough). */
  readAll?: boolean;
}

export type Decision =
  | { ok: true }
  | { ok: false; code: typeof ErrorCode.Forbidden | typeof ErrorCode.OutOfScope | typeof ErrorCode.NotFound; message: string; storeId?: string };

/**
 * The one authorization rule of the hub. Admins and auditors see the whole chain (what auditors may
 * do is narrowed by `roles`); a manager's scope is their stores: a write must lie wholly inside it,
 * a read must touch it. A row a manager cannot see at all is answered as if it did not exist.
 */
export function authorize(who: Principal, rule: Rule, touched: TouchedStores): Decision {
  if (!rule.roles.includes(who.role)) {
    return { ok: false, code: ErrorCode.Forbidden, message: who.role === 'auditor' ? 'Auditors have read-only access' : `This needs the role ${rule.roles.join(' or ')}` };
  }
  if (who.role !== 'manager') return { ok: true };

  if (touched.chain) {
    return rule.write ? { ok: false, code: ErrorCode.Forbidden, message: 'This acts on the whole chain: head office does it' } : { ok: true };
  }
  const ids = touched.storeIds;
  if (ids.length === 0) return { ok: true };
  const mine = new Set(who.storeIds);
  const outside = ids.filter((s) => !mine.has(s));
  if (outside.length === 0) return { ok: true };
  if (!touched.named && outside.length === ids.length) return { ok: false, code: ErrorCode.NotFound, message: 'Not found' };
  if (!rule.write && !rule.readAll && outside.length < ids.length) return { ok: true };
  // A row read by id that is not wholly theirs is, to a manager, a row that does not exist.
  if (!rule.write && !touched.named) return { ok: false, code: ErrorCode.NotFound, message: 'Not found' };
  if (!touched.named) return { ok: false, code: ErrorCode.Forbidden, message: 'This covers stores outside your scope: act on your own stores' };
  return { ok: false, code: ErrorCode.OutOfScope, message: `Store ${outside[0]} is outside your scope`, storeId: outside[0] };
}
