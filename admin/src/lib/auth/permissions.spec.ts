import { describe, expect, it } from '@jest/globals';
import {
  actionableStores, canActOnStore, canEditCatalog, canManagePlans, canManageUsers, canPostAnyMovement, canRequestChainReport, canRequestReports,
  canSeeJobDashboard, navItemForPath, navItemsFor,
} from './permissions';

const admin = { role: 'admin' as const, storeIds: [] };
const manager = { role: 'manager' as const, storeIds: ['s1'] };
const auditor = { role: 'auditor' as const, storeIds: ['s1'] };

describe(canActOnStore.name, () => {
  it('lets admins act anywhere, managers on their stores, auditors nowhere', () => {
    expect(canActOnStore(admin, 's9')).toBe(true);
    expect(canActOnStore(manager, 's1')).toBe(true);
    expect(canActOnStore(manager, 's2')).toBe(false);
    expect(canActOnStore(auditor, 's1')).toBe(false);
    expect(canActOnStore(null, 's1')).toBe(false);
    expect(canActOnStore(admin, '')).toBe(false);
  });
});

describe('role capabilities', () => {
  it('keeps catalogue and users with head office', () => {
    expect([admin, manager, auditor].map(canEditCatalog)).toEqual([true, false, false]);
    expect([admin, manager, auditor].map(canManageUsers)).toEqual([true, false, false]);
    expect([admin, manager, auditor, { role: 'manager' as const, storeIds: [] }].map(canPostAnyMovement)).toEqual([true, true, false, false]);
  });
  it('filters the stores a user may act on', () => {
    const stores = [{ id: 's1' }, { id: 's2' }];
    expect(actionableStores(manager, stores)).toEqual([{ id: 's1' }]);
    expect(actionableStores(auditor, stores)).toEqual([]);
    expect(actionableStores(admin, stores)).toEqual(stores);
  });
});

describe(navItemsFor.name, () => {
  it('shows users to admins only, and the stocktakes placeholder to everyone', () => {
    expect(navItemsFor(admin)).toContain('users');
    expect(navItemsFor(manager)).not.toContain('users');
    expect(navItemsFor(auditor)).toEqual(['fleet', 'stocktakes', 'plans', 'catalog', 'stock', 'lowStock', 'reports', 'audit']);
    expect(navItemsFor(null)).toEqual([]);
  });
});

describe(navItemForPath.name, () => {
  it.each([
    ['/fleet', 'fleet'],
    ['/catalog/123', 'catalog'],
    ['/stock/receipt', 'stock'],
    ['/low-stock', 'lowStock'],
    ['/stocktakesX', null],
    ['/', null],
  ])('%s → %s', (p, item) => expect(navItemForPath(p)).toBe(item));
});

describe('reports and count plans', () => {
  it('lets every role ask for reports, keeps the chain report from managers and the job dashboard with admins', () => {
    expect([admin, manager, auditor, null].map(canRequestReports)).toEqual([true, true, true, false]);
    expect([admin, manager, auditor, null].map(canRequestChainReport)).toEqual([true, false, true, false]);
    expect([admin, manager, auditor].map(canSeeJobDashboard)).toEqual([true, false, false]);
  });
  it('lets only admins write count plans, and shows both pages to every role', () => {
    expect([admin, manager, auditor].map(canManagePlans)).toEqual([true, false, false]);
    for (const u of [admin, manager, auditor]) expect(navItemsFor(u)).toEqual(expect.arrayContaining(['reports', 'plans']));
    expect(navItemForPath('/reports')).toBe('reports');
    expect(navItemForPath('/plans')).toBe('plans');
  });
});
