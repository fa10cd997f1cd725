import { z } from 'zod';
import { api } from '../../api.ts';
import { detailSchema } from './tickets-api.ts';

/** POST /api/tickets/:no/actions and GET …/actions (server/tickets/ticket-action-routes.ts). */
const actionsSchema = z.object({ ticketNo: z.string(), actions: z.array(z.string()) });

export const actedSchema = detailSchema.extend({ actions: z.array(z.string()) });
export type Acted = z.infer<typeof actedSchema>;

export interface ActionBody {
  action: string;
  reason?: string;
  text?: string;
  target?: { kind: 'team' | 'person'; id: string };
  level?: number;
  mode?: 'phone' | 'video' | 'remoteControl';
  minutes?: number;
  rating?: number;
  comment?: string;
}

export function getActions(ticketNo: string): Promise<string[]> {
  return api(`/api/tickets/${encodeURIComponent(ticketNo)}/actions`, actionsSchema).then((a) => a.actions);
}

export function postAction(ticketNo: string, body: ActionBody): Promise<Acted> {
  return api(`/api/tickets/${encodeURIComponent(ticketNo)}/actions`, actedSchema, { method: 'POST', body });
}

const teamsSchema = z.object({
  teams: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.string(),
      productLines: z.array(z.string()).default([]),
      regions: z.array(z.string()).default([]),
      groupConversationId: z.string().optional(),
      leadUserId: z.string().optional(),
      branch: z.string().optional(),
    }),
  ),
});
export type TeamRow = z.infer<typeof teamsSchema>['teams'][number];

export function getTeams(): Promise<TeamRow[]> {
  return api('/api/teams', teamsSchema).then((a) => a.teams);
}
