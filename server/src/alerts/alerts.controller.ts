import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { LowStockAlertDto, Page } from '@stockfleet/shared';
import type { UserActor } from '../common/actor.js';
import { Actor, Roles } from '../common/decorators.js';
import { LowStockAlertQueryDto } from './alerts.dto.js';
import { AlertsService } from './alerts.service.js';

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** Low-stock alerts, newest first; readable by every role within its store scope, like the low-stock balances. */
  @Get('low-stock')
  @Roles('admin', 'manager', 'auditor')
  lowStock(@Query() q: LowStockAlertQueryDto, @Actor() actor: UserActor): Promise<Page<LowStockAlertDto>> {
    return this.alerts.list(q, actor);
  }
}
