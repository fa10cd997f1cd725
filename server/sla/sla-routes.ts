import { z } from 'zod';
import { auditHistory, recordAudit } from '../audit/audit-log.ts';
import { callerOf } from '../auth/caller.ts';
import { anyRole } from '../auth/roles.ts';
import type { ApiRouter } from '../auth/route-policy.ts';
import type { CalendarService } from '../calendar/calendar-service.ts';
import type { Db } from '../db/mongo.ts';
import { readJson } from '../http/body.ts';
import { parseWith } from '../http/errors.ts';
import type { Notice } from '../notifications/outbox.ts';
import { contactsChanged, getRoster, noticesForRosterChange, setRoster } from '../oncall/oncall-service.ts';
import { getTicketFor } from '../tickets/ticket-service.ts';
import type { SlaPolicyService } from './sla-policy-service.ts';
import type { SlaService } from './sla-service.ts';

/**
 * Admin configuration of the service-level engine over HTTP (the mini-app's
 * screens and scripts): SLA policies, the working calendar, branch on-call
 * rosters, each change audited; and a ticket's clocks for whoever may see
 * the ticket. Thin: parse, call the service, render.
 */
export interface SlaRouteDeps {
  db: Db;
  sla: SlaService;
  policies: SlaPolicyService;
  calendars: CalendarService;
  notify: (items: Array<{ key: string; notice: Notice }>) => Promise<void>;
  now: () => Date;
}

const admin = { allow: ['admin'] } as const;
const staffAndAdmin = { allow: ['admin', 'teamLead', 'dispatcher', 'engineer', 'productCentre'] } as const;

export function addSlaRoutes(router: ApiRouter, deps: SlaRouteDeps): void {
  const { db } = deps;
  const audit = async (by: string, subject: string, action: string, before: unknown, after: unknown) =>
    recordAudit(db, { at: deps.now(), by, subject, action, before, after });

  router.get('/api/sla/policies', staffAndAdmin, async (ctx) => {
    ctx.body = await deps.policies.list();
  });
  router.put('/api/sla/policies', admin, async (ctx) => {
    const caller = callerOf(ctx);
    const before = (await deps.policies.list()).policies;
    const policies = await deps.policies.replaceAll(await readJson(ctx), caller.userId, deps.now());
    await audit(caller.userId, 'sla-policies', 'replace', before, policies);
    ctx.body = { policies };
  });

  router.get('/api/calendar', staffAndAdmin, async (ctx) => {
    const [settings, coverage] = await Promise.all([deps.calendars.settings(), deps.calendars.coverage()]);
    ctx.body = { settings, coverage };
  });
  router.put('/api/calendar/weekly', admin, async (ctx) => {
    const caller = callerOf(ctx);
    const before = (await deps.calendars.settings()).config;
    const saved = await deps.calendars.setConfig(await readJson(ctx), caller.userId);
    await audit(caller.userId, 'calendar', 'weekly', before, saved.config);
    ctx.body = { settings: saved };
  });
  router.put('/api/calendar/overrides', admin, async (ctx) => {
    const caller = callerOf(ctx);
    const before = (await deps.calendars.settings()).overrides;
    const saved = await deps.calendars.setOverrides(await readJson(ctx), caller.userId);
    await audit(caller.userId, 'calendar', 'overrides', before, saved.overrides);
    ctx.body = { settings: saved };
  });
  router.post('/api/calendar/holidays', admin, async (ctx) => {
    const caller = callerOf(ctx);
    const before = (await deps.calendars.settings()).importedSchedules;
    const saved = await deps.calendars.importSchedule(await readJson(ctx), caller.userId);
    await audit(caller.userId, 'calendar', 'import-holidays', before, saved.importedSchedules);
    ctx.body = { settings: saved };
  });

  router.get('/api/oncall/:branch', staffAndAdmin, async (ctx) => {
    const branch = parseWith(z.string().min(1).max(60), ctx.params.branch);
    ctx.body = { roster: await getRoster(db, branch) };
  });
  router.put('/api/oncall', admin, async (ctx) => {
    const caller = callerOf(ctx);
    const { roster, previous } = await setRoster(db, await readJson(ctx), caller.userId, deps.now());
    await audit(caller.userId, `oncall:${roster._id}`, 'replace', previous?.entries ?? null, roster.entries);
    if (contactsChanged(previous, roster)) await deps.notify(await noticesForRosterChange(db, roster));
    ctx.body = { roster };
  });

  router.get('/api/audit', admin, async (ctx) => {
    const subject = parseWith(z.string().max(80).default(''), ctx.query.subject);
    ctx.body = { entries: await auditHistory(db, subject) };
  });

  // A ticket's clocks as of now; a customer sees only their organisation's tickets.
  router.get('/api/tickets/:no/sla', { allow: anyRole }, async (ctx) => {
    const caller = callerOf(ctx);
    const ticketNo = parseWith(z.string().min(1).max(40), ctx.params.no);
    const ticket = await getTicketFor(
      db,
      ticketNo,
      caller.kind === 'customer' ? { kind: 'contact', orgId: caller.orgId } : { kind: 'staff' },
    );
    ctx.body = { ticketNo, clocks: await deps.sla.clocksOf(ticket, deps.now()) };
  });
}
