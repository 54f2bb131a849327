import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuditQuerySchema, type AuditEventDto, type Page } from '@stockfleet/shared';
import { EntityManager } from '@mikro-orm/postgresql';
import { createZodDto } from 'nestjs-zod';
import type { UserActor } from '../common/actor.js';
import { Actor } from '../common/decorators.js';
import { Access, On } from '../auth/access.js';
import { AuditService } from './audit.service.js';

class AuditQueryDto extends createZodDto(AuditQuerySchema) {}

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly em: EntityManager,
  ) {}

  @Access.read(On.optional('query.storeId'))
  @Get()
  list(@Query() q: AuditQueryDto, @Actor() actor: UserActor): Promise<Page<AuditEventDto>> {
    return this.audit.list(this.em, actor, q);
  }
}
