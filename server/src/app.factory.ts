import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule, type Runtime } from './app.module.js';
import type { AppConfig } from './config/config.js';
import { DomainException } from './common/domain-exception.js';
import { HubSocketAdapter } from './common/socket-adapter.js';
import { ClientAddress } from './common/client-address.js';
import { inlineScriptSources } from './common/csp.js';
import { originGuard, OriginPolicy } from './common/origin-policy.js';
import { mountBullBoard } from './jobs/bull-board.js';
import { ErrorCode } from '@stockfleet/shared';

/** Builds the hub application (not yet listening): used by main.ts and by the integration tests. */
export async function createApp(config: AppConfig, runtime: Runtime): Promise<NestExpressApplication> {
  const terminalDir = join(config.staticDir, 'terminal', 'build');
  const adminDir = join(config.staticDir, 'admin', 'build');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, runtime), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const origins = new OriginPolicy(config);
  app.useWebSocketAdapter(new HubSocketAdapter(app, runtime.redisUrl, config.socketStream, origins));
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  // TRUST_PROXY: req.ip (rate limits, audit) and the socket handshakes derive the client's address alike.
  app.set('trust proxy', app.get(ClientAddress).trust);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // The apps' inline bootstrap scripts by hash (see the apps' svelte.config.js), nothing else inline.
          scriptSrc: ["'self'", ...inlineScriptSources([join(terminalDir, 'index.html'), join(adminDir, 'index.html')])],
          // Svelte writes style attributes (transitions, style: directives); styles cannot run code.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          workerSrc: ["'self'"],
          upgradeInsecureRequests: null,
        },
      },
      crossOriginEmbedderPolicy: false,
      hsts: config.cookieSecure,
    }),
  );
  // Before parsing and routing: a foreign page's write is refused without touching anything.
  app.use(originGuard(origins));
  app.use(cookieParser());
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  // Nest would turn body-parser's errors into an untyped 400; name them here so clients get a code.
  app.use((err: { type?: string }, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
    if (err?.type === 'entity.parse.failed') return next(new DomainException(ErrorCode.MalformedJson, 'The body is not valid JSON'));
    if (err?.type === 'entity.too.large') return next(new DomainException(ErrorCode.PayloadTooLarge, 'The request body is larger than 1 MB'));
    next(err);
  });

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Stockfleet hub').setDescription('Till fleet and synchronised stocktake').setVersion('0.1.0').addCookieAuth('sf_session').build(),
  );
  SwaggerModule.setup('api/docs', app, cleanupOpenApiDoc(doc), { jsonDocumentUrl: 'api/docs/json' });

  mountBullBoard(app);
  serveApp(app, '/till', terminalDir);
  serveApp(app, '/', adminDir);
  return app;
}

/** Serves a built single-page app with an index.html fallback, never shadowing the API or sockets. */
function serveApp(app: NestExpressApplication, base: string, dir: string) {
  if (!existsSync(join(dir, 'index.html'))) return;
  const router = express.Router();
  router.use(express.static(dir, { index: false, maxAge: '1h', setHeaders: (res, path) => {
    if (path.endsWith('service-worker.js') || path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
  } }));
  router.use((req, res, next) => {
    if (req.method !== 'GET' || /^\/(api|socket\.io|healthz|readyz|metrics)(\/|$)/.test(req.originalUrl)) return next();
    if (base === '/' && req.originalUrl.startsWith('/till')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
  app.use(base, router);
}
