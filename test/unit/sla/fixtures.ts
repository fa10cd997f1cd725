// Shared fixtures for the SLA tests: the default 5 × 8 Asia/Shanghai calendar with the statutory
// data, instants written as Shanghai wall-clock text, and a compact status history.
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { chinaHolidayData } from '../../../shared/calendar/china-holiday-data.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import type { ResponseLevel } from '../../../shared/catalog.ts';
import { computeSlaClocks, type SlaClockInput } from '../../../shared/sla/compute-sla-clocks.ts';
import { defaultSlaPolicy, type SlaPolicy } from '../../../shared/sla/policy.ts';
import type { TicketStatus } from '../../../shared/ticket/status.ts';
import { fmt, sh } from '../calendar/shanghai-time.ts';

export { fmt, sh };

export const calendar = compileCalendar(defaultCalendarConfig, chinaHolidayData, []);

/** ['2026-03-02 09:00', 'triage'], … → statusHistory. */
export function history(...entries: Array<[string, TicketStatus]>): SlaClockInput['statusHistory'] {
  return entries.map(([at, status]) => ({ at: sh(at), status }));
}

/** Clocks for a ticket created at `created` (initial status `triage` unless a history is given). */
export function clocksOf(opts: {
  level: ResponseLevel;
  created: string;
  now: string;
  policy?: SlaPolicy;
  statuses?: Array<[string, TicketStatus]>;
  firstResponse?: string;
  updates?: string[];
  resolved?: string;
  onSite?: { required: string; arrived?: string };
}) {
  return computeSlaClocks({
    calendar,
    policy: opts.policy ?? defaultSlaPolicy,
    level: opts.level,
    createdAt: sh(opts.created),
    statusHistory: history(...(opts.statuses ?? [[opts.created, 'triage']])),
    ...(opts.firstResponse && { firstResponseAt: sh(opts.firstResponse) }),
    ...(opts.updates && { vendorUpdates: opts.updates.map(sh) }),
    ...(opts.resolved && { resolvedAt: sh(opts.resolved) }),
    ...(opts.onSite && {
      onSite: {
        requiredAt: sh(opts.onSite.required),
        ...(opts.onSite.arrived && { arrivedAt: sh(opts.onSite.arrived) }),
      },
    }),
    now: sh(opts.now),
  });
}

/** '2026-03-02 10:00' or null. */
export const fmtOrNull = (d: Date | null | undefined) => (d ? fmt(d) : null);
