import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '@stockfleet/shared';
import { type AuthedRequest } from '../common/decorators.js';
import { DomainException, notFound } from '../common/domain-exception.js';
import { FleetService } from '../fleet/fleet.service.js';
import { ACCESS, type Resource, type RoutePolicy } from './access.js';
import { AuthService } from './auth.service.js';
import { authorize, type TouchedStores } from './authorize.js';
import { ResourceStoresRepository, type StoresOf } from './resource-stores.repository.js';

export const SESSION_COOKIE = 'sf_session';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one guard on every HTTP route. It reads the route's declared policy (`@Access…`), resolves the
 * caller (session cookie or till token), loads the stores of the resource the route touches and
 * decides with `authorize` — all before any pipe or handler runs, so a refused request changes nothing.
 * A route without a policy is refused here, and the hub does not start with one (AccessCheck).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly fleet: FleetService,
    private readonly stores: ResourceStoresRepository,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(ACCESS, [ctx.getHandler(), ctx.getClass()]);
    if (!policy) throw new DomainException(ErrorCode.Forbidden, 'This route declares no access policy');
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (policy.who === 'anyone') return true;

    if (policy.who === 'till') {
      const header = req.headers.authorization;
      const token = typeof header === 'string' ? header.replace(/^Bearer /i, '') : undefined;
      req.till = await this.fleet.identify(token);
      return true;
    }

    const token = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
    const resolved = typeof token === 'string' && token ? await this.auth.actorFromToken(token, req.ip ?? null) : null;
    if (!resolved) throw new DomainException(ErrorCode.Unauthenticated, 'Sign in first');
    req.actor = resolved.actor;

    // Roles first: a role that may never do this learns nothing about the resource.
    const byRole = authorize(resolved.actor, policy, { chain: false, storeIds: [], named: true });
    if (!byRole.ok) throw new DomainException(byRole.code, byRole.message);

    const touched = await this.touched(policy.resource, req);
    const decision = authorize(resolved.actor, policy, touched);
    if (!decision.ok) {
      throw new DomainException(decision.code, decision.message, decision.storeId ? { storeId: decision.storeId } : undefined);
    }
    return true;
  }

  /** The stores the request touches; an addressed row that does not exist is a 404 here, before the handler. */
  private async touched(resource: Resource, req: AuthedRequest): Promise<TouchedStores> {
    const param = (name: string): string => {
      const v = (req.params as Record<string, unknown>)[name];
      if (typeof v !== 'string' || !UUID.test(v)) {
        throw new DomainException(ErrorCode.ValidationFailed, `${name} must be a UUID`, [{ path: name, message: 'must be a UUID' }]);
      }
      return v;
    };
    const loaded = (what: string, id: string, stores: StoresOf): TouchedStores => {
      if (stores === null) throw notFound(what, id);
      return stores === 'chain' ? { chain: true } : { chain: false, storeIds: stores, named: false };
    };
    switch (resource.kind) {
      case 'chain':
        return { chain: true };
      case 'self':
        return { chain: false, storeIds: [], named: true };
      case 'named':
        return { chain: false, storeIds: namedStores(req, resource.paths), named: true };
      case 'new-stocktake':
        return newStocktakeStores(req.body);
      case 'report-request':
        return reportRequestStores(req.body);
      case 'stocktake': {
        const id = param(resource.param);
        return loaded('Stocktake', id, await this.stores.ofStocktake(id));
      }
      case 'stocktake-store': {
        const id = param(resource.param);
        const storeId = param(resource.storeParam);
        // The store is named by the caller: a store outside a manager's scope is refused as such (the
        // decision follows) before its membership in the stocktake is looked up.
        const touched: TouchedStores = { chain: false, storeIds: [storeId], named: true };
        const actor = req.actor!;
        if (actor.role === 'manager' && !actor.storeIds.includes(storeId)) return touched;
        if (!(await this.stores.stocktakeHasStore(id, storeId))) throw notFound('Stocktake store', `${id}/${storeId}`);
        return touched;
      }
      case 'report': {
        const id = param(resource.param);
        return loaded('Report', id, await this.stores.ofReport(id));
      }
      case 'terminal': {
        const id = param(resource.param);
        return loaded('Terminal', id, await this.stores.ofTerminal(id));
      }
      case 'plan': {
        const id = param(resource.param);
        return loaded('Count plan', id, await this.stores.ofPlan(id));
      }
      case 'user': {
        const id = param(resource.param);
        if (!(await this.stores.userExists(id))) throw notFound('User', id);
        return { chain: true };
      }
    }
  }
}

/** Store ids at `params.x`, `query.x`, `body.x` or `body.xs[]`; anything that is not a string is left to validation. */
function namedStores(req: AuthedRequest, paths: readonly string[]): string[] {
  const out: string[] = [];
  const sources: Record<string, unknown> = { params: req.params, query: req.query, body: req.body };
  for (const path of paths) {
    const [source, field] = path.split('.') as [string, string];
    const container = sources[source];
    if (!container || typeof container !== 'object') continue;
    const many = field.endsWith('[]');
    const value = (container as Record<string, unknown>)[many ? field.slice(0, -2) : field];
    if (many && Array.isArray(value)) out.push(...value.filter((v): v is string => typeof v === 'string'));
    else if (!many && typeof value === 'string') out.push(value);
  }
  return out;
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A new stocktake over named stores touches those; over regions or the chain, the chain. */
function newStocktakeStores(body: unknown): TouchedStores {
  const scope = record(record(body).scope);
  if (scope.kind === 'stores') return { chain: false, storeIds: strings(scope.storeIds), named: true };
  if (scope.kind === 'regions' || scope.kind === 'chain') return { chain: true };
  return { chain: false, storeIds: [], named: true }; // malformed: validation refuses it next
}

/** A store report reads one store, a chain report the chain, slow movers the stores named (none: the caller's own). */
function reportRequestStores(body: unknown): TouchedStores {
  const b = record(body);
  if (b.kind === 'chain_variance') return { chain: true };
  if (b.kind === 'store_variance') return { chain: false, storeIds: typeof b.storeId === 'string' ? [b.storeId] : [], named: true };
  return { chain: false, storeIds: strings(b.storeIds), named: true };
}
