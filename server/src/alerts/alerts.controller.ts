import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { LowStockAlertDto, Page } from '@stockfleet/shared';
import type { UserActor } from '../common/actor.js';
import { Actor } from '../common/decorators.js';
import { Access, On } from '../auth/access.js';
import { LowStockAlertQueryDto } from './alerts.dto.js';
import { AlertsService } from './alerts.service.js';

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** Low-stock alerts, newest first; readable by every role within its store scope, like the low-stock balances. */
  @Get('low-stock')
  @Access.read(On.optional('query.storeId'))
  lowStock(@Query() q: LowStockAlertQueryDto, @Actor() actor: UserActor): Promise<Page<LowStockAlertDto>> {
    return this.alerts.list(q, actor);
  }
}
