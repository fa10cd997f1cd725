import { recordAudit } from '../audit/audit-log.ts';
import { callerOf } from '../auth/caller.ts';
import type { ApiRouter } from '../auth/route-policy.ts';
import type { Db } from '../db/mongo.ts';
import { listTeams } from '../directory/directory-service.ts';
import { readJson } from '../http/body.ts';
import { type Ticket, ticketModel } from '../tickets/ticket-model.ts';
import { routingConfig, setRoutingConfig } from './triage-service.ts';

/** Routing rules (admin) and the product centre's review list of suggestions. */
export function addRoutingRoutes(router: ApiRouter, deps: { db: Db; now: () => Date }): void {
  const { db } = deps;
  router.get('/api/routing', { allow: ['admin', 'dispatcher', 'teamLead'] }, async (ctx) => {
    ctx.body = { config: await routingConfig(db, await listTeams(db)) };
  });
  router.put('/api/routing', { allow: ['admin'] }, async (ctx) => {
    const caller = callerOf(ctx);
    const { config, before } = await setRoutingConfig(
      db,
      await readJson(ctx),
      await listTeams(db),
      caller.userId,
      deps.now(),
    );
    await recordAudit(db, {
      at: deps.now(),
      by: caller.userId,
      subject: 'routing',
      action: 'replace',
      before,
      after: config,
    });
    ctx.body = { config };
  });
  // 产品中心评审清单: suggestions, newest first (a scan on the embedded database; a short list).
  router.get('/api/suggestions', { allow: ['productCentre', 'admin', 'teamLead'] }, async (ctx) => {
    const rows = (await ticketModel(db)
      .find({ type: 'suggestion' }, { timeline: 0 })
      .sort({ createdAt: -1 })
      .limit(200)
      .lean()) as unknown as Ticket[];
    ctx.body = {
      suggestions: rows.map((t) => ({
        ticketNo: t._id,
        orgName: t.orgName,
        productLine: t.productLine,
        title: t.title,
        status: t.status,
        createdAt: t.createdAt,
      })),
    };
  });
}
