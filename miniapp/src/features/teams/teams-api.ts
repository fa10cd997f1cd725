import { z } from 'zod';
import { api } from '../../api.ts';

/**
 * Teams and routing (server/directory/directory-routes.ts, server/routing/routing-routes.ts):
 * GET /api/teams; GET and PUT /api/routing, the whole configuration at once.
 */
const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  productLines: z.array(z.string()),
  regions: z.array(z.string()),
  groupConversationId: z.string().optional(),
  leadUserId: z.string().optional(),
  branch: z.string().optional(),
});
export type Team = z.infer<typeof teamSchema>;

const matchSchema = z.object({
  types: z.array(z.string()).optional(),
  productLines: z.array(z.string()).optional(),
  regions: z.array(z.string()).optional(),
});
export type RoutingMatch = z.infer<typeof matchSchema>;

const ruleSchema = z.object({ id: z.string(), name: z.string(), match: matchSchema, teamId: z.string() });
export type RoutingRule = z.infer<typeof ruleSchema>;

const configSchema = z.object({ rules: z.array(ruleSchema), fallbackTeamId: z.string() });
export type RoutingConfig = z.infer<typeof configSchema>;

const routingAnswer = z.object({ config: configSchema });

export const getTeams = () => api('/api/teams', z.object({ teams: z.array(teamSchema) }));
export const getRouting = () => api('/api/routing', routingAnswer);
export const putRouting = (config: RoutingConfig) =>
  api('/api/routing', routingAnswer, { method: 'PUT', body: config });

/** Both at once: the editor needs the teams to name targets. */
export const getTeamsAndRouting = async () => {
  const [t, r] = await Promise.all([getTeams(), getRouting()]);
  return { teams: t.teams, config: r.config };
};
