import { SetMetadata } from '@nestjs/common';
import type { Role } from '@stockfleet/shared';

export const ACCESS = 'sf:access';

/**
 * The resource a route touches, as the guard finds its stores before the handler runs.
 * - `self`: the caller's own session (who am I, sign out): every signed-in role, no store.
 * - `chain`: no store in particular (catalogue, users, lists the service filters by the actor's scope);
 *   writes on it are for roles whose scope is the whole chain.
 * - `named`: the store ids the request names, at these paths (`params.storeId`, `body.fromStoreId`,
 *   `body.storeIds[]`); an absent optional path names nothing.
 * - `new-stocktake`: the stores of `body.scope` of a stocktake being created (chain or regions: the chain).
 * - `report-request`: the stores a report asked for in the body would read.
 * - the others load a row by the id in a path parameter and take its stores; an unknown id is 404.
 */
export type Resource =
  | { kind: 'chain' }
  | { kind: 'self' }
  | { kind: 'named'; paths: readonly string[]; required: boolean }
  | { kind: 'new-stocktake' }
  | { kind: 'report-request' }
  | { kind: 'stocktake'; param: string }
  | { kind: 'stocktake-store'; param: string; storeParam: string }
  | { kind: 'report'; param: string }
  | { kind: 'terminal'; param: string }
  | { kind: 'plan'; param: string }
  | { kind: 'user'; param: string };

/**
 * Who may call a route. Every route declares one (the hub refuses to start otherwise):
 * - `anyone`: no credential (sign-in, enrolment, health);
 * - `till`: a till's device token (Authorization: Bearer); the till acts on its own store only;
 * - `user`: a signed-in user with one of `roles`, whose store scope must cover the resource:
 *   for a write every store of it, for a read at least one (`readAll`: every one), so a manager
 *   acts on a multi-store count only through the routes of their own stores.
 */
export type RoutePolicy =
  | { who: 'anyone' }
  | { who: 'till' }
  | { who: 'user'; roles: readonly Role[]; write: boolean; resource: Resource; readAll?: boolean };

const READERS: readonly Role[] = ['admin', 'manager', 'auditor'];
const WRITERS: readonly Role[] = ['admin', 'manager'];

export const On = {
  chain: (): Resource => ({ kind: 'chain' }),
  self: (): Resource => ({ kind: 'self' }),
  /** Store ids named by the request; the first path is required unless `optional` is used. */
  named: (...paths: string[]): Resource => ({ kind: 'named', paths, required: true }),
  optional: (...paths: string[]): Resource => ({ kind: 'named', paths, required: false }),
  newStocktake: (): Resource => ({ kind: 'new-stocktake' }),
  reportRequest: (): Resource => ({ kind: 'report-request' }),
  stocktake: (param = 'id'): Resource => ({ kind: 'stocktake', param }),
  stocktakeStore: (param = 'id', storeParam = 'storeId'): Resource => ({ kind: 'stocktake-store', param, storeParam }),
  report: (param = 'id'): Resource => ({ kind: 'report', param }),
  terminal: (param = 'id'): Resource => ({ kind: 'terminal', param }),
  plan: (param = 'id'): Resource => ({ kind: 'plan', param }),
  user: (param = 'id'): Resource => ({ kind: 'user', param }),
};

export const Access = {
  anyone: () => SetMetadata(ACCESS, { who: 'anyone' } satisfies RoutePolicy),
  till: () => SetMetadata(ACCESS, { who: 'till' } satisfies RoutePolicy),
  /** Read access; admins, managers and auditors unless `roles` narrows it. */
  read: (resource: Resource, opts: { roles?: readonly Role[]; all?: boolean } = {}) =>
    SetMetadata(ACCESS, { who: 'user', roles: opts.roles ?? READERS, write: false, resource, readAll: opts.all } satisfies RoutePolicy),
  /** A change; admins and managers unless `roles` says otherwise. */
  write: (resource: Resource, opts: { roles?: readonly Role[] } = {}) =>
    SetMetadata(ACCESS, { who: 'user', roles: opts.roles ?? WRITERS, write: true, resource } satisfies RoutePolicy),
};
