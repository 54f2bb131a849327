import { describe, expect, it } from '@jest/globals';
import { actionableStores, canActOnStore, canEditCatalog, canManageUsers, canPostAnyMovement, navItemForPath, navItemsFor } from './permissions';

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
    expect(navItemsFor(auditor)).toEqual(['fleet', 'stocktakes', 'catalog', 'stock', 'lowStock', 'audit']);
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
