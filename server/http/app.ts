import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { levelCatalog } from '../../shared/catalog.ts';
import { type Db, pingDb } from '../db/mongo.ts';
import { importDirectory } from '../directory/import-directory.ts';
import type { Logger } from '../log.ts';
import { readJson } from './body.ts';
import { errorMiddleware } from './errors.ts';

/**
 * The Koa app: request id and log line per request, errors mapped once
 * (errors.ts), then the routes. Capability routes stay thin: parse, call a
 * service, render.
 */
export interface HttpDeps {
  db: Db;
  logger: Logger;
  productLines: readonly string[];
}

export function createHttpApp(deps: HttpDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  app.silent = true; // errors are logged by our middleware, with the request id

  app.use(async (ctx, next) => {
    const requestId = ctx.get('x-request-id').slice(0, 100) || randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = deps.logger.child({ requestId });
    ctx.set('x-request-id', requestId);
    const started = performance.now();
    await next();
    ctx.state.log.info(
      { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  app.use(errorMiddleware);

  const router = new Router();
  router.get('/healthz', async (ctx) => {
    try {
      await pingDb(deps.db);
      ctx.body = { status: 'ok', db: 'ok' };
    } catch {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', db: 'unreachable' };
    }
  });
  router.get('/api/levels', (ctx) => {
    ctx.body = { levels: Object.values(levelCatalog) };
  });
  // Dry run of the directory import: the same checks as `npm run desk -- validate`.
  router.post('/api/directory/validate', async (ctx) => {
    const result = await importDirectory(deps.db, await readJson(ctx), {
      dryRun: true,
      productLines: deps.productLines,
    });
    ctx.status = result.ok ? 200 : 422;
    ctx.body = result;
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

export function listen(app: Koa, host: string, port: number): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const addr = server.address();
      const actualPort = typeof addr === 'object' && addr ? addr.port : port;
      resolve({ server, url: `http://${host}:${actualPort}` });
    });
  });
}
