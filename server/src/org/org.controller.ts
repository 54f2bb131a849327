import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateStaffSchema, type StaffDto, type StoreDto } from '@stockfleet/shared';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { UserActor } from '../common/actor.js';
import { Actor } from '../common/decorators.js';
import { OrgService } from './org.service.js';

class CreateStaffDto extends createZodDto(CreateStaffSchema) {}
class StaffQueryDto extends createZodDto(z.object({ storeId: z.uuid() })) {}

@ApiTags('stores')
@Controller('api')
export class OrgController {
  constructor(private readonly org: OrgService) {}

  @Get('stores')
  stores(@Actor() actor: UserActor): Promise<StoreDto[]> {
    return this.org.stores(actor);
  }

  @Get('staff')
  staff(@Query() q: StaffQueryDto): Promise<StaffDto[]> {
    return this.org.staff(q.storeId);
  }

  @Post('staff')
  createStaff(@Body() body: CreateStaffDto, @Actor() actor: UserActor): Promise<StaffDto> {
    return this.org.createStaff(body, actor);
  }
}
