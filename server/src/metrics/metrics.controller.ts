import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../auth/access.js';
import { MetricsGuard } from './metrics.guard.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('metrics')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /**
   * Prometheus text exposition (version 0.0.4). Admins (session) or the METRICS_TOKEN (bearer): the
   * route's policy lets the request past the hub's guard and MetricsGuard decides, since a bearer token
   * that is not a till's is no principal the hub's guard knows.
   */
  @Access.anyone()
  @UseGuards(MetricsGuard)
  @Get('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format', schema: { type: 'string' } })
  async scrape(@Res() res: Response): Promise<void> {
    const body = await this.metrics.render();
    // As bytes: express would re-serialise a string's content type (charset first), and scrapers look for `text/plain; version=0.0.4`.
    res.status(200).setHeader('Content-Type', this.metrics.contentType).setHeader('Cache-Control', 'no-store').send(Buffer.from(body, 'utf8'));
  }
}
