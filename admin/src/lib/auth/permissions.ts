import type { StoreDto, UserDto } from '@stockfleet/shared';

type Who = Pick<UserDto, 'role' | 'storeIds'> | null | undefined;

export const NAV_ITEMS = ['fleet', 'stocktakes', 'plans', 'catalog', 'stock', 'lowStock', 'reports', 'audit', 'users'] as const;
export type NavItem = (typeof NAV_ITEMS)[number];

export const NAV_PATHS: Record<NavItem, string> = {
  fleet: '/fleet',
  stocktakes: '/stocktakes',
  plans: '/plans',
  catalog: '/catalog',
  stock: '/stock',
  lowStock: '/low-stock',
  reports: '/reports',
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

/** Ask for a report (variance of a store they may read, slow movers): every role, auditors included. */
export function canRequestReports(user: Who): boolean {
  return !!user;
}

/** The consolidated chain report is for head office and auditors, not store managers (the hub's rule). */
export function canRequestChainReport(user: Who): boolean {
  return user?.role === 'admin' || user?.role === 'auditor';
}

/** bull-board, the job dashboard, is mounted for admins only. */
export function canSeeJobDashboard(user: Who): boolean {
  return user?.role === 'admin';
}

/** Count plans are head office's: admins create, change, delete and run them; the others read. */
export function canManagePlans(user: Who): boolean {
  return user?.role === 'admin';
}
