import { z } from 'zod';
import { api } from '../../api.ts';

/** GET /api/intake/options and POST /api/tickets (server/tickets/ticket-action-routes.ts). */
const optionsSchema = z.object({
  productLines: z.array(z.string()),
  levels: z.array(
    z.object({
      level: z.number(),
      nameZh: z.string(),
      nameEn: z.string(),
      symptomZh: z.string(),
      symptomEn: z.string(),
    }),
  ),
});
export type IntakeOptions = z.infer<typeof optionsSchema>;

const filedSchema = z.object({ ticketNo: z.string(), promise: z.string() });
export type Filed = z.infer<typeof filedSchema>;

export const getIntakeOptions = () => api('/api/intake/options', optionsSchema);

export function fileTicket(body: {
  productLine: string;
  level: number;
  description: string;
  sourceKey: string;
}): Promise<Filed> {
  return api('/api/tickets', filedSchema, { method: 'POST', body });
}
