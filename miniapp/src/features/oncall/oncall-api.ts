import { z } from 'zod';
import { api } from '../../api.ts';

/** Branch on-call rosters (server/sla/sla-routes.ts): GET /api/oncall/:branch, PUT /api/oncall. */
const entrySchema = z.object({
  userId: z.string(),
  name: z.string(),
  phone: z.string(),
  email: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});
export type RosterEntry = z.infer<typeof entrySchema>;

const rosterSchema = z.object({
  _id: z.string(),
  entries: z.array(entrySchema),
  version: z.number(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
export type Roster = z.infer<typeof rosterSchema>;

const answerSchema = z.object({ roster: rosterSchema.nullable() });

export const getRoster = (branch: string) => api(`/api/oncall/${encodeURIComponent(branch)}`, answerSchema);
export const putRoster = (branch: string, entries: RosterEntry[]) =>
  api('/api/oncall', z.object({ roster: rosterSchema }), { method: 'PUT', body: { branch, entries } });
