import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AbcClassDto, CountPlanDto, CountPlanRunDto } from '@stockfleet/shared';
import type { UserActor } from '../common/actor.js';
import { Actor } from '../common/decorators.js';
import { Access, On } from '../auth/access.js';
import { AbcPreviewQueryDto, CountPlanInputDto } from './plans.dto.js';
import { PlansService } from './plans.service.js';

const Id = () => Param('id', new ParseUUIDPipe());

/** Head office writes plans; admins, auditors and managers (plans confined to their stores) read them. */
@ApiTags('count-plans')
@Controller('api/count-plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Access.read(On.chain())
  @Get()
  list(@Actor() actor: UserActor): Promise<CountPlanDto[]> {
    return this.plans.list(actor);
  }

  @Post()
  @Access.write(On.optional('body.storeIds[]'), { roles: ['admin'] })
  create(@Body() body: CountPlanInputDto, @Actor() actor: UserActor): Promise<CountPlanDto> {
    return this.plans.create(body, actor);
  }

  @Access.read(On.plan(), { all: true })
  @Get(':id')
  get(@Id() id: string, @Actor() actor: UserActor): Promise<CountPlanDto> {
    return this.plans.get(id, actor);
  }

  @Put(':id')
  @Access.write(On.plan(), { roles: ['admin'] })
  update(@Id() id: string, @Body() body: CountPlanInputDto, @Actor() actor: UserActor): Promise<CountPlanDto> {
    return this.plans.update(id, body, actor);
  }

  @Delete(':id')
  @Access.write(On.plan(), { roles: ['admin'] })
  @HttpCode(204)
  remove(@Id() id: string, @Actor() actor: UserActor): Promise<void> {
    return this.plans.remove(id, actor);
  }

  @Post(':id/run')
  @Access.write(On.plan(), { roles: ['admin'] })
  @HttpCode(202)
  run(@Id() id: string, @Actor() actor: UserActor): Promise<{ planId: string; runKey: string }> {
    return this.plans.runNow(id, actor);
  }

  @Access.read(On.plan(), { all: true })
  @Get(':id/runs')
  runs(@Id() id: string, @Actor() actor: UserActor): Promise<CountPlanRunDto[]> {
    return this.plans.runs(id, actor);
  }

  @Access.read(On.plan(), { all: true })
  @Get(':id/abc')
  abc(@Id() id: string, @Query() q: AbcPreviewQueryDto, @Actor() actor: UserActor): Promise<AbcClassDto[]> {
    return this.plans.abcPreview(id, q.storeId, actor);
  }
}
