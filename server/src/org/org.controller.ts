import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateStaffSchema, type StaffDto, type StoreDto } from '@stockfleet/shared';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { UserActor } from '../common/actor.js';
import { Actor } from '../common/decorators.js';
import { Access, On } from '../auth/access.js';
import { OrgService } from './org.service.js';

class CreateStaffDto extends createZodDto(CreateStaffSchema) {}
class StaffQueryDto extends createZodDto(z.object({ storeId: z.uuid() })) {}

@ApiTags('stores')
@Controller('api')
export class OrgController {
  constructor(private readonly org: OrgService) {}

  @Access.read(On.chain())
  @Get('stores')
  stores(@Actor() actor: UserActor): Promise<StoreDto[]> {
    return this.org.stores(actor);
  }

  @Access.read(On.named('query.storeId'))
  @Get('staff')
  staff(@Query() q: StaffQueryDto): Promise<StaffDto[]> {
    return this.org.staff(q.storeId);
  }

  @Access.write(On.named('body.storeId'))
  @Post('staff')
  createStaff(@Body() body: CreateStaffDto, @Actor() actor: UserActor): Promise<StaffDto> {
    return this.org.createStaff(body, actor);
  }
}
