import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { StocktakeDto, VarianceReportDto } from '@stockfleet/shared';
import type { UserActor } from '../common/actor.js';
import { Actor } from '../common/decorators.js';
import { Access, On } from '../auth/access.js';
import { CreateStocktakeDto, ForceBarrierDto, RecountRequestDto, SetReasonsDto } from './stocktake.dto.js';
import { StocktakeService } from './stocktake.service.js';

const Id = () => Param('id', new ParseUUIDPipe());
const StoreId = () => Param('storeId', new ParseUUIDPipe());

@ApiTags('stocktake')
@Controller('api/stocktakes')
export class StocktakeController {
  constructor(private readonly stocktakes: StocktakeService) {}

  @Access.read(On.chain())
  @Get()
  list(@Actor() actor: UserActor): Promise<StocktakeDto[]> {
    return this.stocktakes.list(actor);
  }

  @Access.write(On.newStocktake())
  @Post()
  create(@Body() body: CreateStocktakeDto, @Actor() actor: UserActor): Promise<StocktakeDto> {
    return this.stocktakes.create(body, actor);
  }

  @Access.read(On.stocktake())
  @Get(':id')
  get(@Id() id: string, @Actor() actor: UserActor): Promise<StocktakeDto> {
    return this.stocktakes.get(id, actor);
  }

  @Access.write(On.stocktake())
  @Post(':id/start')
  @HttpCode(200)
  start(@Id() id: string, @Actor() actor: UserActor): Promise<StocktakeDto> {
    return this.stocktakes.start(id, actor);
  }

  @Access.write(On.stocktake())
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Id() id: string, @Actor() actor: UserActor): Promise<StocktakeDto> {
    return this.stocktakes.cancel(id, actor);
  }

  @Access.write(On.stocktakeStore())
  @Post(':id/stores/:storeId/force')
  @HttpCode(200)
  force(@Id() id: string, @StoreId() storeId: string, @Body() body: ForceBarrierDto, @Actor() actor: UserActor) {
    return this.stocktakes.forceBarrier(id, storeId, body, actor);
  }

  @Access.write(On.stocktakeStore())
  @Post(':id/stores/:storeId/close')
  @HttpCode(200)
  close(@Id() id: string, @StoreId() storeId: string, @Actor() actor: UserActor) {
    return this.stocktakes.closeCounting(id, storeId, actor);
  }

  @Access.read(On.stocktakeStore())
  @Get(':id/stores/:storeId/variance')
  variance(@Id() id: string, @StoreId() storeId: string, @Actor() actor: UserActor): Promise<VarianceReportDto> {
    return this.stocktakes.varianceReport(id, storeId, actor);
  }

  @Access.write(On.stocktakeStore())
  @Post(':id/stores/:storeId/recounts')
  @HttpCode(200)
  recount(@Id() id: string, @StoreId() storeId: string, @Body() body: RecountRequestDto, @Actor() actor: UserActor) {
    return this.stocktakes.requestRecount(id, storeId, body, actor);
  }

  @Access.write(On.stocktakeStore())
  @Post(':id/stores/:storeId/reasons')
  @HttpCode(200)
  reasons(@Id() id: string, @StoreId() storeId: string, @Body() body: SetReasonsDto, @Actor() actor: UserActor) {
    return this.stocktakes.setReasons(id, storeId, body.lines, actor);
  }

  @Access.write(On.stocktakeStore())
  @Post(':id/stores/:storeId/approve')
  @HttpCode(200)
  approve(@Id() id: string, @StoreId() storeId: string, @Actor() actor: UserActor) {
    return this.stocktakes.approve(id, storeId, actor);
  }

  @Access.write(On.stocktakeStore())
  @Post(':id/stores/:storeId/cancel')
  @HttpCode(200)
  cancelStore(@Id() id: string, @StoreId() storeId: string, @Actor() actor: UserActor) {
    return this.stocktakes.cancelStore(id, storeId, actor);
  }
}
