import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReportFormatSchema, type ReportDto } from '@stockfleet/shared';
import type { Response } from 'express';
import { createZodDto } from 'nestjs-zod';
import { CreateReportSchema, ReportListQuerySchema } from '@stockfleet/shared';
import type { UserActor } from '../common/actor.js';
import { Actor } from '../common/decorators.js';
import { Access, On } from '../auth/access.js';
import { DomainException } from '../common/domain-exception.js';
import { ErrorCode } from '@stockfleet/shared';
import { ReportsService } from './reports.service.js';

class CreateReportDto extends createZodDto(CreateReportSchema as any) {}
class ReportListQueryDto extends createZodDto(ReportListQuerySchema) {}

const Id = () => Param('id', new ParseUUIDPipe());

@ApiTags('reports')
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** Auditors may ask for reports too: building one changes no business data. */
  @Post()
  @Access.write(On.reportRequest(), { roles: ['admin', 'manager', 'auditor'] })
  create(@Body() body: CreateReportDto, @Actor() actor: UserActor): Promise<ReportDto> {
    return this.reports.request(body as any, actor);
  }

  @Access.read(On.optional('query.storeId'))
  @Get()
  list(@Query() q: ReportListQueryDto, @Actor() actor: UserActor): Promise<ReportDto[]> {
    return this.reports.list(q, actor);
  }

  @Access.read(On.report(), { all: true })
  @Get(':id')
  get(@Id() id: string, @Actor() actor: UserActor): Promise<ReportDto> {
    return this.reports.get(id, actor);
  }

  @Post(':id/retry')
  @Access.write(On.report(), { roles: ['admin', 'manager', 'auditor'] })
  retry(@Id() id: string, @Actor() actor: UserActor): Promise<ReportDto> {
    return this.reports.retry(id, actor);
  }

  @Access.read(On.report(), { all: true })
  @Get(':id/files/:format')
  async download(@Id() id: string, @Param('format') format: string, @Actor() actor: UserActor, @Res() res: Response) {
    const parsed = ReportFormatSchema.safeParse(format);
    if (!parsed.success) throw new DomainException(ErrorCode.ValidationFailed, 'format is csv, xlsx or pdf', [{ path: 'format', message: 'csv, xlsx or pdf' }]);
    const f = await this.reports.download(id, parsed.data, actor);
    res.setHeader('Content-Type', f.contentType);
    res.setHeader('Content-Length', String(f.bytes));
    res.setHeader('Content-Disposition', `attachment; filename="${f.fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`);
    res.setHeader('X-Content-SHA256', f.sha256);
    res.setHeader('Digest', `sha-256=${Buffer.from(f.sha256, 'hex').toString('base64')}`);
    res.setHeader('Cache-Control', 'private, no-store');
    f.stream.pipe(res);
  }
}
