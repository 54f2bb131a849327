import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ErrorCode } from '@stockfleet/shared';
import type express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { SESSION_COOKIE } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { JobsService } from './jobs.service.js';

export const BULL_BOARD_PATH = '/api/admin/queues';

/** bull-board for head-office admins only: the session cookie is checked on every request, page and API alike. */
export function mountBullBoard(app: NestExpressApplication) {
  const jobs = app.get(JobsService);
  const auth = app.get(AuthService);
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: Object.values(jobs.queues).map((q) => new BullMQAdapter(q)), serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Stockfleet jobs' } } });
  const onlyAdmins = async (req: Request, res: Response, next: NextFunction) => {
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const session = token ? await auth.actorFromToken(token, req.ip ?? null).catch(() => null) : null;
    if (!session) return void res.status(401).json({ error: { code: ErrorCode.Unauthenticated, message: 'Sign in first' } });
    if (session.actor.role !== 'admin') return void res.status(403).json({ error: { code: ErrorCode.Forbidden, message: 'The job dashboard is for admins' } });
    next();
  };
  const board = adapter.getRouter() as express.Express;
  // bull-board is an express app of its own: it would announce itself again under the hub's headers.
  board.disable('x-powered-by');
  app.use(BULL_BOARD_PATH, onlyAdmins, board);
}
