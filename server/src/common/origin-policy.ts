import { ErrorCode } from '@stockfleet/shared';
import type { NextFunction, Request, Response } from 'express';
import type { Socket } from 'socket.io';
import { originOf, type AppConfig } from '../config/config.js';
import { DomainException } from './domain-exception.js';

/** What a request says about where it comes from (header values as received). */
export interface RequestOrigin {
  /** `Origin`: browsers send it on every POST/PUT/PATCH/DELETE and on WebSocket handshakes. */
  origin?: string;
  /** `Sec-Fetch-Site`: set by the browser itself; a page's script cannot forge it. */
  secFetchSite?: string;
  /** `Host`: only consulted without PUBLIC_URL (development and tests). */
  host?: string;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF defence beyond SameSite=Strict: a browser page of another origin may not change anything on the
 * hub, nor open one of its sockets (a WebSocket handshake carries cookies and is not subject to CORS).
 *
 * The hub's own origins are PUBLIC_URL's and ALLOWED_ORIGINS. Without PUBLIC_URL (development, tests)
 * the origin the request itself addresses (its Host) counts as own, so a page is only ever trusted on
 * the address it was served from. A request with neither `Origin` nor `Sec-Fetch-Site` does not come
 * from a browser page (the tests, curl, the CLI, tills running as node clients): there is no ambient
 * cookie to abuse that the sender did not hold itself, so it is let through.
 */
export class OriginPolicy {
  private readonly own: ReadonlySet<string>;
  private readonly hostFallback: boolean;

  constructor(config: Pick<AppConfig, 'publicUrl' | 'allowedOrigins'>) {
    const publicOrigin = config.publicUrl ? originOf(config.publicUrl) : null;
    this.own = new Set([...(publicOrigin ? [publicOrigin] : []), ...config.allowedOrigins]);
    this.hostFallback = !publicOrigin;
  }

  /** Why the request is refused, or null when it may go on. */
  refusal(r: RequestOrigin): string | null {
    const site = r.secFetchSite?.toLowerCase();
    if (site === 'cross-site') return 'the request comes from another site';
    const own = r.origin !== undefined && this.isOwn(r.origin, r.host);
    if (r.origin !== undefined && !own) return `${r.origin} is not an origin of this hub`;
    // Same site (a sibling subdomain) but not proven to be one of our own origins.
    if (site === 'same-site' && !own) return 'the request comes from another origin of the same site';
    return null;
  }

  private isOwn(origin: string, host: string | undefined): boolean {
    const o = originOf(origin); // 'null' (sandboxed frames, opaque origins) is never own
    if (!o) return false;
    if (this.own.has(o)) return true;
    if (!this.hostFallback || !host) return false;
    // The scheme is the Origin's own: without PUBLIC_URL the hub cannot know whether TLS ended in front
    // of it. What matters is that the page and the request name the same host and port.
    return originOf(`${new URL(o).protocol}//${host}`) === o;
  }
}

const refused = (reason: string) =>
  new DomainException(ErrorCode.CrossOrigin, 'Changes must come from the hub’s own pages', { reason });

/** Express middleware: state-changing requests from a foreign page are refused before any parsing or routing. */
export function originGuard(policy: OriginPolicy) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!WRITE_METHODS.has(req.method)) return next();
    const why = policy.refusal({ origin: req.get('origin'), secFetchSite: req.get('sec-fetch-site'), host: req.get('host') });
    next(why ? refused(why) : undefined);
  };
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** socket.io namespace middleware: the same rule for the handshake, refused with a typed `connect_error`. */
export function socketOriginGuard(policy: OriginPolicy) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const h = socket.handshake.headers;
    const why = policy.refusal({ origin: header(h.origin), secFetchSite: header(h['sec-fetch-site']), host: header(h.host) });
    if (!why) return next();
    const err = refused(why);
    next(Object.assign(new Error(err.message), { data: { code: err.code } }));
  };
}
