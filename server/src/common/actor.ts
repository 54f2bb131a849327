import type { Role } from '@stockfleet/shared';
import { forbidden, outOfScope } from './domain-exception.js';

/** Who is asking: resolved once per request by the auth guard and passed down explicitly. */
export interface UserActor {
  kind: 'user';
  id: string;
  name: string;
  email: string;
  role: Role;
  storeIds: string[];
  ip: string | null;
}

export function canReadStore(actor: UserActor, storeId: string): boolean {
  return actor.role !== 'manager' || actor.storeIds.includes(storeId);
}

export function canWriteStore(actor: UserActor, storeId: string): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'manager' && actor.storeIds.includes(storeId);
}

export function assertReadStore(actor: UserActor, storeId: string): void {
  if (!canReadStore(actor, storeId)) throw outOfScope(storeId);
}

export function assertWriteStore(actor: UserActor, storeId: string): void {
  if (actor.role === 'auditor') throw forbidden('Auditors have read-only access');
  if (!canWriteStore(actor, storeId)) throw outOfScope(storeId);
}

/** SQL-side filter: null means every store. */
export function readableStoreIds(actor: UserActor): string[] | null {
  return actor.role === 'manager' ? actor.storeIds : null;
}
