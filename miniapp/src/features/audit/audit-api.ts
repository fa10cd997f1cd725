import { z } from 'zod';
import { api } from '../../api.ts';

/** The change history (server/sla/sla-routes.ts): GET /api/audit?subject=<prefix>, newest first. */
const entrySchema = z.object({
  _id: z.string(),
  at: z.string(),
  by: z.string(),
  subject: z.string(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof entrySchema>;

export const getAudit = (subject: string) =>
  api(`/api/audit?subject=${encodeURIComponent(subject)}`, z.object({ entries: z.array(entrySchema) }));
