import { Injectable, OnModuleInit } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS, type RoutePolicy } from './access.js';

/** Every route of every controller, with its declared access policy (undefined: none). */
export function routePolicies(discovery: DiscoveryService, scanner: MetadataScanner, reflector: Reflector) {
  const out: Array<{ route: string; policy: RoutePolicy | undefined }> = [];
  for (const wrapper of discovery.getControllers()) {
    const type = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!type) continue;
    const proto = type.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name];
      if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      out.push({ route: `${type.name}.${name}`, policy: reflector.getAllAndOverride<RoutePolicy | undefined>(ACCESS, [handler, type]) });
    }
  }
  return out;
}

/** The hub refuses to start while any route lacks an access policy: an undeclared route is never served. */
@Injectable()
export class AccessCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit() {
    const missing = routePolicies(this.discovery, this.scanner, this.reflector).filter((r) => !r.policy).map((r) => r.route);
    if (missing.length) throw new Error(`Routes without an access policy (@Access…): ${missing.join(', ')}`);
  }
}
