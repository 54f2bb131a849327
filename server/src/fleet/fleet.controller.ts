import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { EnrolmentCodeDto, EnrolResultDto, TerminalStatus, TillCatalogDto, TillMeDto } from '@stockfleet/shared';
import type { Request } from 'express';
import type { UserActor } from '../common/actor.js';
import { Actor, Public } from '../common/decorators.js';
import { CreateEnrolmentCodeDto, EnrolDto, TerminalCommandDto, TerminalQueryDto } from './fleet.dto.js';
import { FleetService } from './fleet.service.js';
import { enrolRateLimit } from '../config/config.js';

@ApiTags('fleet')
@Controller('api')
export class FleetController {
  constructor(private readonly fleet: FleetService) {}

  @Get('terminals')
  list(@Query() q: TerminalQueryDto, @Actor() actor: UserActor): Promise<TerminalStatus[]> {
    return this.fleet.list(actor, q.storeId);
  }

  @Post('enrolment-codes')
  createCode(@Body() body: CreateEnrolmentCodeDto, @Actor() actor: UserActor, @Req() req: Request): Promise<EnrolmentCodeDto> {
    return this.fleet.createCode(body, actor, `${req.protocol}://${req.get('host')}`);
  }

  @Post('terminals/:id/revoke')
  @HttpCode(204)
  revoke(@Param('id', new ParseUUIDPipe()) id: string, @Actor() actor: UserActor): Promise<void> {
    return this.fleet.revoke(id, actor);
  }

  @Post('terminals/:id/commands')
  @HttpCode(200)
  command(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: TerminalCommandDto, @Actor() actor: UserActor) {
    return this.fleet.command(id, body, actor);
  }
}

/** What a till calls over HTTP with its device token (Authorization: Bearer …). */
@ApiTags('till')
@Controller('api/till')
export class TillController {
  constructor(private readonly fleet: FleetService) {}

  @Public()
  @Throttle({ default: { limit: () => enrolRateLimit(), ttl: 60_000 } })
  @Post('enrol')
  enrol(@Body() body: EnrolDto, @Req() req: Request): Promise<EnrolResultDto> {
    return this.fleet.enrol(body.code, req.ip ?? null);
  }

  @Public()
  @Get('me')
  async me(@Headers('authorization') auth?: string): Promise<TillMeDto> {
    const till = await this.fleet.identify(auth?.replace(/^Bearer /i, ''));
    const stores = await this.fleet.storeName(till.storeId);
    return { terminalId: till.terminalId, terminalName: till.name, storeId: till.storeId, storeName: stores };
  }

  @Public()
  @Get('catalog')
  async catalog(@Headers('authorization') auth?: string): Promise<TillCatalogDto> {
    const till = await this.fleet.identify(auth?.replace(/^Bearer /i, ''));
    return this.fleet.catalog(till.storeId);
  }
}
