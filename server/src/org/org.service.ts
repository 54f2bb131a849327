import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type StaffDto, type StoreDto } from '@stockfleet/shared';
import { AuditService, fromUser } from '../audit/audit.service.js';
import { readableStoreIds, type UserActor } from '../common/actor.js';
import { hmac } from '../common/crypto.js';
import { DomainException } from '../common/domain-exception.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { StaffMember, Store } from './org.entities.js';

@Injectable()
export class OrgService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  pinHash(storeId: string, pin: string) {
    return hmac(this.config.sessionSecret, `pin:${storeId}:${pin}`);
  }
  badgeHash(badge: string) {
    return hmac(this.config.sessionSecret, `badge:${badge}`);
  }

  async stores(actor: UserActor): Promise<StoreDto[]> {
    const scope = readableStoreIds(actor);
    const rows = await this.em.getConnection().execute<any[]>(
      `select s.id, s.code, s.name, s.timezone, s.region_id, r.name as region_name,
              coalesce(json_agg(json_build_object('id', z.id, 'storeId', s.id, 'code', z.code, 'name', z.name, 'kind', z.kind) order by z.code)
                       filter (where z.id is not null), '[]') as zones
         from store s join region r on r.id = s.region_id left join zone z on z.store_id = s.id
        ${scope ? 'where s.id = any(?::uuid[])' : ''}
        group by s.id, r.name order by s.code`,
      scope ? [`{${scope.join(',')}}`] : [],
    );
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, timezone: r.timezone, regionId: r.region_id, regionName: r.region_name, zones: r.zones }));
  }

  async staff(storeId: string): Promise<StaffDto[]> {
    const rows = await this.em.fork().find(StaffMember, { store: storeId, disabledAt: null }, { orderBy: { name: 'asc' } });
    return rows.map((s) => ({ id: s.id, storeId, name: s.name, hasBadge: !!s.badgeHash }));
  }

  async createStaff(input: { storeId: string; name: string; pin: string; badge?: string }, actor: UserActor): Promise<StaffDto> {
    const em = this.em.fork();
    return em.transactional(async (tem) => {
      const store = await tem.findOne(Store, { id: input.storeId });
      if (!store) throw new DomainException(ErrorCode.UnknownStore, `Unknown store ${input.storeId}`);
      const pinHash = this.pinHash(input.storeId, input.pin);
      if (await tem.count(StaffMember, { store, pinHash })) throw new DomainException(ErrorCode.Conflict, 'Another person in this store has that PIN');
      const s = tem.create(StaffMember, { store, name: input.name, pinHash, badgeHash: input.badge ? this.badgeHash(input.badge) : null });
      await tem.flush();
      await this.audit.record(tem, { ...fromUser(actor), action: 'staff.created', storeId: input.storeId, subject: s.id, details: { name: s.name } });
      return { id: s.id, storeId: input.storeId, name: s.name, hasBadge: !!s.badgeHash };
    });
  }
}
