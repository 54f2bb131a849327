import { Module } from '@nestjs/common';
import { ReportBuilder } from './report-builder.js';
import { ReportEvents } from './report-events.js';
import { ReportsController } from './reports.controller.js';
import { ReportsProcessor } from './reports.processor.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

/** Reports: requests and downloads (HTTP), and the BullMQ jobs that build the files (any process with workers). */
@Module({
  controllers: [ReportsController],
  providers: [ReportsRepository, ReportEvents, ReportBuilder, ReportsService, ReportsProcessor],
  exports: [ReportsService, ReportEvents],
})
export class ReportsModule {}
