import { z } from 'zod';
import { isIsoDate } from '../../shared/schemas/iso-date.ts';
import type { ApiRouter } from '../auth/route-policy.ts';
import type { Db } from '../db/mongo.ts';
import { listTeams } from '../directory/directory-service.ts';
import { parseWith } from '../http/errors.ts';
import { type Ticket, ticketModel } from '../tickets/ticket-model.ts';
import { slaReportCsv } from './report-csv.ts';
import { buildSlaReport, type ReportRange, type ReportTicket, rangeInstants } from './sla-report.ts';

/**
 *   GET /api/reports/sla?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]
 *
 * The service report for team leads, dispatchers and admins: JSON for the
 * mini-app's charts, or the same figures as CSV (Excel). Without dates: the
 * last six calendar months up to today (Asia/Shanghai). Reads the tickets
 * filed in the range (a scan on the embedded database, at most
 * `maxTickets`) and the open ones for the backlog.
 */
export interface ReportRouteDeps {
  db: Db;
  now: () => Date;
}

export const maxTickets = 20_000;
const maxDays = 731;

const date = (label: string) =>
  z.string().refine(isIsoDate, `${label}应为真实存在的日期，格式 YYYY-MM-DD`).optional();

const querySchema = z.object({
  from: date('开始日期（from）'),
  to: date('结束日期（to）'),
  format: z.enum(['json', 'csv'], '格式（format）只能是 json 或 csv').default('json'),
});

/** The range with defaults filled in must run forwards and stay within `maxDays`. */
const rangeSchema = z.object({ from: z.string(), to: z.string() }).superRefine((r, ctx) => {
  if (r.from > r.to)
    ctx.addIssue({ code: 'custom', path: ['to'], message: '结束日期（to）不能早于开始日期（from）' });
  else if ((Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 + 1 > maxDays)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `报表区间最长 ${maxDays} 天` });
});

export function addReportRoutes(router: ApiRouter, deps: ReportRouteDeps): void {
  router.get('/api/reports/sla', { allow: ['teamLead', 'dispatcher', 'admin'] }, async (ctx) => {
    const query = parseWith(querySchema, ctx.query);
    const now = deps.now();
    const range = parseWith(rangeSchema, resolveRange(query, now));
    const report = await loadSlaReport(deps.db, range, now);
    if (query.format === 'csv') {
      ctx.set('Content-Type', 'text/csv; charset=utf-8');
      ctx.set(
        'Content-Disposition',
        `attachment; filename="sla-report_${range.from}_${range.to}.csv"; filename*=UTF-8''${encodeURIComponent(`服务报表_${range.from}_${range.to}.csv`)}`,
      );
      ctx.set('Cache-Control', 'no-store');
      ctx.body = slaReportCsv(report);
      return;
    }
    ctx.body = report;
  });
}

function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Missing ends: `to` = today, `from` = the first day of the month five months before `to`. */
export function resolveRange(
  q: { from?: string | undefined; to?: string | undefined },
  now: Date,
): ReportRange {
  const to = q.to ?? shanghaiDate(now);
  if (q.from) return { from: q.from, to };
  const [y, m] = to.split('-').map(Number) as [number, number];
  const back = new Date(Date.UTC(y, m - 1 - 5, 1));
  return { from: back.toISOString().slice(0, 10), to };
}

export async function loadSlaReport(db: Db, range: ReportRange, now: Date) {
  const { start, end } = rangeInstants(range);
  const Tickets = ticketModel(db);
  const [filed, open, teams] = await Promise.all([
    Tickets.find(
      { createdAt: { $gte: start, $lt: end } },
      {
        level: 1,
        teamId: 1,
        ownerUserId: 1,
        triagedAt: 1,
        createdAt: 1,
        open: 1,
        status: 1,
        sla: 1,
        csat: 1,
        timeline: 1,
      },
    )
      .sort({ createdAt: 1 })
      .limit(maxTickets + 1)
      .lean(),
    Tickets.find({ open: true }, { level: 1, createdAt: 1 })
      .limit(maxTickets + 1)
      .lean(),
    listTeams(db),
  ]);
  const tickets = (filed as ReportTicket[]).slice(0, maxTickets);
  return buildSlaReport({
    range,
    tickets,
    backlog: (open as Array<Pick<Ticket, 'level' | 'createdAt'>>).slice(0, maxTickets),
    teamNames: new Map(teams.map((t) => [t.id, t.name])),
    now,
    truncated: filed.length > maxTickets || open.length > maxTickets,
  });
}
