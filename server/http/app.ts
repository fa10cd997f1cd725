import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import Koa from 'koa';
import { levelCatalog } from '../../shared/catalog.ts';
import { addAuthRoutes } from '../auth/auth-routes.ts';
import { type AuthDeps, Authenticator } from '../auth/authenticator.ts';
import { anyRole } from '../auth/roles.ts';
import { ApiRouter, type DeclaredRoute } from '../auth/route-policy.ts';
import { addBookingRoutes } from '../bookings/booking-routes.ts';
import type { BookingService } from '../bookings/booking-service.ts';
import { type Db, pingDb } from '../db/mongo.ts';
import { addDirectoryRoutes } from '../directory/directory-routes.ts';
import { importDirectory } from '../directory/import-directory.ts';
import type { Logger } from '../log.ts';
import { addReportRoutes } from '../reports/report-routes.ts';
import { addRoutingRoutes } from '../routing/routing-routes.ts';
import { addSlaRoutes, type SlaRouteDeps } from '../sla/sla-routes.ts';
import type { LifecycleService } from '../tickets/lifecycle-service.ts';
import { addTicketActionRoutes, type TicketIntake } from '../tickets/ticket-action-routes.ts';
import { addTicketRoutes } from '../tickets/ticket-routes.ts';
import { readJson } from './body.ts';
import { errorMiddleware } from './errors.ts';
import { serveMiniApp } from './static.ts';

/**
 * The Koa app: request id and log line per request, errors mapped once
 * (errors.ts), then the routes. Capability routes stay thin: parse, call a
 * service, render. Every route declares who may call it (server/auth/
 * route-policy.ts: `router.get(path, { allow: [...roles] } | 'public', handler)`);
 * the built mini-app is served under /app/ (static.ts).
 */
export interface HttpDeps {
  db: Db;
  logger: Logger;
  productLines: readonly string[];
  /** 免登 and sessions. */
  auth: AuthDeps;
  /** The built mini-app; default miniapp/dist. */
  miniAppDir?: string;
  /** Service-level settings and clocks (server/sla/sla-routes.ts). */
  sla?: SlaRouteDeps;
  /** Ticket actions from the mini-app (server/tickets/ticket-action-routes.ts). */
  lifecycle?: LifecycleService;
  /** New tickets from the mini-app (server/tickets/intake-service.ts). */
  intake?: TicketIntake;
  /** 服务预约 on the mini-app (server/bookings/booking-routes.ts). */
  bookings?: BookingService;
}

const apiRouters = new WeakMap<Koa, ApiRouter>();

/** The API routes of an app with their access policies (the role-matrix test walks them). */
export function apiRoutesOf(app: Koa): readonly DeclaredRoute[] {
  return apiRouters.get(app)?.routes() ?? [];
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

  const auth = new Authenticator(deps.db, deps.auth);
  const router = new ApiRouter(auth);
  router.get('/healthz', 'public', async (ctx) => {
    try {
      await pingDb(deps.db);
      ctx.body = { status: 'ok', db: 'ok' };
    } catch {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', db: 'unreachable' };
    }
  });
  addAuthRoutes(router, deps.db, auth);
  router.get('/api/levels', { allow: anyRole }, (ctx) => {
    ctx.body = { levels: Object.values(levelCatalog) };
  });
  // Dry run of the directory import: the same checks as `npm run desk -- validate`.
  router.post('/api/directory/validate', { allow: ['admin'] }, async (ctx) => {
    const result = await importDirectory(deps.db, await readJson(ctx), {
      dryRun: true,
      productLines: deps.productLines,
    });
    ctx.status = result.ok ? 200 : 422;
    ctx.body = result;
  });
  if (deps.sla) addSlaRoutes(router, deps.sla);
  if (deps.sla) addRoutingRoutes(router, { db: deps.db, now: deps.sla.now });
  // Read-only queues, ticket detail and the service report (the mini-app's screens).
  const clock = deps.sla?.now ?? deps.auth.now;
  addTicketRoutes(router, { db: deps.db, now: clock });
  if (deps.lifecycle) {
    addTicketActionRoutes(router, {
      db: deps.db,
      now: clock,
      lifecycle: deps.lifecycle,
      productLines: deps.productLines,
      ...(deps.intake ? { intake: deps.intake } : {}),
    });
  }
  addDirectoryRoutes(router, { db: deps.db, now: clock, productLines: deps.productLines });
  addReportRoutes(router, { db: deps.db, now: clock });
  if (deps.bookings) addBookingRoutes(router, { db: deps.db, bookings: deps.bookings, now: clock });
  app.use(router.middleware());
  app.use(serveMiniApp(deps.miniAppDir ? { dir: deps.miniAppDir } : {}));
  apiRouters.set(app, router);
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
