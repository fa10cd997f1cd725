import { z } from 'zod';
import { api } from '../../api.ts';

/** The service report (server/reports/report-routes.ts): GET /api/reports/sla?from&to[&format=csv]. */
const figuresSchema = z.object({
  key: z.string(),
  label: z.string(),
  tickets: z.number(),
  inSla: z.number(),
  met: z.number(),
  missed: z.number(),
  pending: z.number(),
  complianceRate: z.number().nullable(),
  firstResponse: z.object({
    count: z.number(),
    avgMinutes: z.number().nullable(),
    medianMinutes: z.number().nullable(),
  }),
  resolution: z.object({
    count: z.number(),
    avgHours: z.number().nullable(),
    medianHours: z.number().nullable(),
  }),
  csat: z.object({ count: z.number(), avg: z.number().nullable() }),
});
export type Figures = z.infer<typeof figuresSchema>;

const reportSchema = z.object({
  range: z.object({ from: z.string(), to: z.string() }),
  generatedAt: z.string(),
  total: figuresSchema,
  byLevel: z.array(figuresSchema),
  byTeam: z.array(figuresSchema),
  byMonth: z.array(figuresSchema),
  outOfSla: z.number(),
  backlog: z.object({
    total: z.number(),
    buckets: z.array(
      z.object({
        key: z.string(),
        zh: z.string(),
        en: z.string(),
        count: z.number(),
        byLevel: z.record(z.string(), z.number()),
      }),
    ),
  }),
  truncated: z.boolean(),
});
export type SlaReport = z.infer<typeof reportSchema>;

function query(range: { from?: string; to?: string }): string {
  const p = new URLSearchParams();
  if (range.from) p.set('from', range.from);
  if (range.to) p.set('to', range.to);
  return p.toString();
}

export const getSlaReport = (range: { from?: string; to?: string }) =>
  api(`/api/reports/sla?${query(range)}`, reportSchema);

export const csvUrl = (range: { from: string; to: string }) => `/api/reports/sla?${query(range)}&format=csv`;
