import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { BalanceDto, MovementDto, MovementResultDto, Page } from '@stockfleet/shared';
import type { UserActor } from '../common/actor.js';
import { Actor } from '../common/decorators.js';
import { Access, On } from '../auth/access.js';
import { AdjustmentDto, BalanceQueryDto, LedgerQueryDto, ReceiptDto, TransferDto } from './inventory.dto.js';
import { InventoryService } from './inventory.service.js';

@ApiTags('stock')
@Controller('api/stock')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Access.write(On.named('body.storeId'))
  @Post('receipts')
  receipt(@Body() body: ReceiptDto, @Actor() actor: UserActor): Promise<MovementResultDto> {
    return this.inventory.receipt(body, actor);
  }

  @Access.write(On.named('body.fromStoreId', 'body.toStoreId'))
  @Post('transfers')
  transfer(@Body() body: TransferDto, @Actor() actor: UserActor): Promise<MovementResultDto> {
    return this.inventory.transfer(body, actor);
  }

  @Access.write(On.named('body.storeId'))
  @Post('adjustments')
  adjustment(@Body() body: AdjustmentDto, @Actor() actor: UserActor): Promise<MovementResultDto> {
    return this.inventory.adjustment(body, actor);
  }

  @Access.read(On.named('query.storeId'))
  @Get('balances')
  balances(@Query() q: BalanceQueryDto): Promise<Page<BalanceDto>> {
    return this.inventory.balances(q);
  }

  @Access.read(On.optional('query.storeId'))
  @Get('ledger/:productId')
  ledger(
    @Param('productId', new ParseUUIDPipe()) productId: string,
    @Query() q: LedgerQueryDto,
    @Actor() actor: UserActor,
  ): Promise<Page<MovementDto>> {
    return this.inventory.ledger(productId, q, actor);
  }
}
