import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { EnrolmentCodeDto, EnrolResultDto, TerminalStatus, TillCatalogDto, TillMeDto } from '@stockfleet/shared';
import type { Request } from 'express';
import type { UserActor } from '../common/actor.js';
import { Actor, Till } from '../common/decorators.js';
import type { TerminalIdentity } from './fleet.types.js';
import { Access, On } from '../auth/access.js';
import { CreateEnrolmentCodeDto, EnrolDto, TerminalCommandDto, TerminalQueryDto } from './fleet.dto.js';
import { FleetService } from './fleet.service.js';

@ApiTags('fleet')
@Controller('api')
export class FleetController {
  constructor(private readonly fleet: FleetService) {}

  @Access.read(On.optional('query.storeId'))
  @Get('terminals')
  list(@Query() q: TerminalQueryDto, @Actor() actor: UserActor): Promise<TerminalStatus[]> {
    return this.fleet.list(actor, q.storeId);
  }

  @Access.write(On.named('body.storeId'))
  @Post('enrolment-codes')
  createCode(@Body() body: CreateEnrolmentCodeDto, @Actor() actor: UserActor): Promise<EnrolmentCodeDto> {
    return this.fleet.createCode(body, actor);
  }

  @Access.write(On.terminal())
  @Post('terminals/:id/revoke')
  @HttpCode(204)
  revoke(@Param('id', new ParseUUIDPipe()) id: string, @Actor() actor: UserActor): Promise<void> {
    return this.fleet.revoke(id, actor);
  }

  @Access.write(On.terminal())
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

  @Access.anyone()
  @Post('enrol')
  enrol(@Body() body: EnrolDto, @Req() req: Request): Promise<EnrolResultDto> {
    return this.fleet.enrol(body.code, req.ip ?? null);
  }

  @Access.till()
  @Get('me')
  async me(@Till() till: TerminalIdentity): Promise<TillMeDto> {
    const stores = await this.fleet.storeName(till.storeId);
    return { terminalId: till.terminalId, terminalName: till.name, storeId: till.storeId, storeName: stores };
  }

  @Access.till()
  @Get('catalog')
  catalog(@Till() till: TerminalIdentity): Promise<TillCatalogDto> {
    return this.fleet.catalog(till.storeId);
  }
}
