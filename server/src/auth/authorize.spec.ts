import { authorize, type Principal, type Rule, type TouchedStores } from './authorize';

const admin: Principal = { role: 'admin', storeIds: [] };
const auditor: Principal = { role: 'auditor', storeIds: [] };
const mgrA: Principal = { role: 'manager', storeIds: ['A'] };
const read: Rule = { roles: ['admin', 'manager', 'auditor'], write: false };
const readAll: Rule = { ...read, readAll: true };
const write: Rule = { roles: ['admin', 'manager'], write: true };
const chain: TouchedStores = { chain: true };
const named = (...ids: string[]): TouchedStores => ({ chain: false, storeIds: ids, named: true });
const row = (...ids: string[]): TouchedStores => ({ chain: false, storeIds: ids, named: false });

describe(authorize.name, () => {
  it.each<[string, Principal, Rule, TouchedStores, string]>([
    ['admin writes anything', admin, write, chain, 'ok'],
    ['auditor may not write', auditor, write, named('A'), 'FORBIDDEN'],
    ['auditor reads every store', auditor, read, row('B'), 'ok'],
    ['manager reads chain lists (filtered later)', mgrA, read, chain, 'ok'],
    ['manager never writes the chain', mgrA, write, chain, 'FORBIDDEN'],
    ['manager writes a named own store', mgrA, write, named('A'), 'ok'],
    ['manager names another store', mgrA, write, named('B'), 'OUT_OF_SCOPE'],
    ['manager names one of two outside', mgrA, write, named('A', 'B'), 'OUT_OF_SCOPE'],
    ['manager reads a named other store', mgrA, read, named('B'), 'OUT_OF_SCOPE'],
    ['another store\'s row does not exist', mgrA, write, row('B'), 'NOT_FOUND'],
    ['another store\'s row is not readable', mgrA, read, row('B'), 'NOT_FOUND'],
    ['a two-store row is readable for their part', mgrA, read, row('A', 'B'), 'ok'],
    ['a two-store row read whole is not', mgrA, readAll, row('A', 'B'), 'NOT_FOUND'],
    ['a two-store row is never changed whole', mgrA, write, row('A', 'B'), 'FORBIDDEN'],
    ['own row', mgrA, write, row('A'), 'ok'],
    ['nothing named', mgrA, write, named(), 'ok'],
  ])('%s', (_, who, rule, touched, expected) => {
    const d = authorize(who, rule, touched);
    expect(d.ok ? 'ok' : d.code).toBe(expected);
  });
});
