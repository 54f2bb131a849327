import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type ImportResultDto, type Page, type ProductDto } from '@stockfleet/shared';
import type { Request } from 'express';
import { createZodDto } from 'nestjs-zod';
import { BarcodeInputSchema } from '@stockfleet/shared';
import type { UserActor } from '../common/actor.js';
import { Actor } from '../common/decorators.js';
import { Access, On } from '../auth/access.js';
import { DomainException } from '../common/domain-exception.js';
import { InventoryService } from '../inventory/inventory.service.js';
import { CatalogImportService } from './catalog-import.service.js';
import { CreateProductDto, ProductQueryDto, UpdateProductDto } from './catalog.dto.js';
import { CatalogService } from './catalog.service.js';

class BarcodeDto extends createZodDto(BarcodeInputSchema) {}

@ApiTags('catalog')
@Controller('api')
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly importer: CatalogImportService,
    private readonly inventory: InventoryService,
  ) {}

  @Access.read(On.chain())
  @Get('products')
  list(@Query() q: ProductQueryDto): Promise<Page<ProductDto>> {
    return this.catalog.list(q);
  }

  @Access.read(On.chain())
  @Get('products/categories')
  categories(): Promise<string[]> {
    return this.catalog.categories();
  }

  @Access.read(On.chain())
  @Get('products/:id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ProductDto> {
    return this.catalog.get(id);
  }

  @Access.read(On.chain())
  @Get('products/:id/balances')
  balances(@Param('id', new ParseUUIDPipe()) id: string, @Actor() actor: UserActor) {
    return this.inventory.productBalances(id, actor);
  }

  @Access.write(On.chain(), { roles: ['admin'] })
  @Post('products')
  create(@Body() body: CreateProductDto, @Actor() actor: UserActor): Promise<ProductDto> {
    return this.catalog.create(body, actor);
  }

  @Access.write(On.chain(), { roles: ['admin'] })
  @Patch('products/:id')
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: UpdateProductDto, @Actor() actor: UserActor): Promise<ProductDto> {
    return this.catalog.update(id, body, actor);
  }

  @Access.write(On.chain(), { roles: ['admin'] })
  @Post('products/:id/barcodes')
  addBarcode(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: BarcodeDto, @Actor() actor: UserActor): Promise<ProductDto> {
    return this.catalog.addBarcode(id, body, actor);
  }

  @Access.write(On.chain(), { roles: ['admin'] })
  @Post('catalog/import')
  @ApiConsumes('text/csv')
  async import(@Req() req: Request, @Actor() actor: UserActor): Promise<ImportResultDto> {
    if (!req.is('text/csv')) throw new DomainException(ErrorCode.ValidationFailed, 'Send the file as text/csv');
    return this.importer.import(req, actor);
  }
}
