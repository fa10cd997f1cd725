import { z } from 'zod';
import { api } from '../../api.ts';

/** SLA policies (server/sla/sla-routes.ts): GET and PUT /api/sla/policies, the whole set at once. */
const targetsSchema = z.object({
  firstResponseMinutes: z.number(),
  nextUpdateMinutes: z.number().optional(),
  resolutionMinutes: z.number().optional(),
});
export type LevelTargets = z.infer<typeof targetsSchema>;

export const levelKeys = ['1', '2', '3', '4', '5'] as const;
export type LevelKey = (typeof levelKeys)[number];

const policySchema = z.object({
  id: z.string(),
  name: z.string(),
  tier: z.string().optional(),
  levels: z.object({
    1: targetsSchema,
    2: targetsSchema,
    3: targetsSchema,
    4: targetsSchema,
    5: targetsSchema,
  }),
  atRiskRatio: z.number(),
  pausedStatuses: z.array(z.string()),
  onSiteCalendarHours: z.number(),
});
export type SlaPolicy = z.infer<typeof policySchema>;

const listSchema = z.object({ policies: z.array(policySchema), version: z.number().optional() });

export const getPolicies = () => api('/api/sla/policies', listSchema);
export const putPolicies = (policies: SlaPolicy[]) =>
  api('/api/sla/policies', listSchema, { method: 'PUT', body: policies });
