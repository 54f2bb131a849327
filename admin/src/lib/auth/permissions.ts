import type { StoreDto, UserDto } from '@stockfleet/shared';

type Who = Pick<UserDto, 'role' | 'storeIds'> | null | undefined;

export const NAV_ITEMS = ['fleet', 'stocktakes', 'catalog', 'stock', 'lowStock', 'audit', 'users'] as const;
export type NavItem = (typeof NAV_ITEMS)[number];

export const NAV_PATHS: Record<NavItem, string> = {
  fleet: '/fleet',
  stocktakes: '/stocktakes',
  catalog: '/catalog',
  stock: '/stock',
  lowStock: '/low-stock',
  audit: '/audit',
  users: '/users',
};

/** Admin: everything. Manager: acts on the stores listed on the user. Auditor: reads everything, changes nothing. */
export function canActOnStore(user: Who, storeId: string | null | undefined): boolean {
  if (!user || !storeId) return false;
  if (user.role === 'admin') return true;
  if (user.role === 'manager') return user.storeIds.includes(storeId);
  return false;
}

/** Enrol, command and revoke tills. */
export const canManageTills = canActOnStore;
/** Receipts, adjustments, and transfers out of a store. */
export const canPostMovements = canActOnStore;

/** Products and CSV import are chain-wide master data: head office only. */
export function canEditCatalog(user: Who): boolean {
  return user?.role === 'admin';
}

export function canManageUsers(user: Who): boolean {
  return user?.role === 'admin';
}

/** Whether the user may do anything that changes stock at all (shows the movement forms). */
export function canPostAnyMovement(user: Who): boolean {
  return user?.role === 'admin' || (user?.role === 'manager' && user.storeIds.length > 0);
}

export function canManageAnyTill(user: Who): boolean {
  return canPostAnyMovement(user);
}

/** The stores among `stores` on which the user may act. */
export function actionableStores<S extends Pick<StoreDto, 'id'>>(user: Who, stores: readonly S[]): S[] {
  return stores.filter((s) => canActOnStore(user, s.id));
}

export function navItemsFor(user: Who): NavItem[] {
  if (!user) return [];
  return NAV_ITEMS.filter((item) => (item === 'users' ? canManageUsers(user) : true));
}

/** The nav item a path belongs to (for the "current page" marker). */
export function navItemForPath(pathname: string): NavItem | null {
  for (const item of NAV_ITEMS) {
    const p = NAV_PATHS[item];
    if (pathname === p || pathname.startsWith(`${p}/`)) return item;
  }
  return null;
}

/** Start a stocktake: admins anywhere, managers in their own stores. Auditors never. */
export function canStartStocktake(user: Who): boolean {
  return canPostAnyMovement(user);
}

/** Act on a stocktake (force, close, recount, approve, cancel): the hub's rule for its scope. */
export function canActOnStocktake(user: Who, scope: { kind: string; storeIds: readonly string[] } | null | undefined): boolean {
  if (!user || !scope) return false;
  if (user.role === 'admin') return true;
  if (user.role !== 'manager' || scope.kind !== 'stores') return false;
  return scope.storeIds.every((s) => user.storeIds.includes(s));
}
