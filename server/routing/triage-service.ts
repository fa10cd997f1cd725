import mongoose from 'mongoose';
import { parseRoutingConfig, type RoutingConfig, routeTicket } from '../../shared/routing/routing-rules.ts';
import { suggestTriage, type TriageSuggestion } from '../../shared/routing/suggest-triage.ts';
import { type TicketType, ticketTypeHandling, ticketTypeNames } from '../../shared/routing/ticket-types.ts';
import { type Db, model } from '../db/mongo.ts';
import type { Team } from '../directory/team-model.ts';

/**
 * The sorting centre's help: a suggested type, product line, level and team
 * for every new ticket (rules in shared/routing), which the dispatcher
 * confirms or overrides from the card. Routing rules are configurable; until
 * an admin sets them they follow the directory: suggestions to the product
 * centre, otherwise the support team of the product line.
 */
interface RoutingDoc {
  _id: string;
  config: RoutingConfig;
  version: number;
  updatedAt: Date;
  updatedBy?: string;
}
const routingSchema = new mongoose.Schema<RoutingDoc>(
  { _id: String, config: mongoose.Schema.Types.Mixed, version: Number, updatedAt: Date, updatedBy: String },
  { versionKey: false, minimize: false },
);
export function routingModel(db: Db) {
  return model<RoutingDoc>(db, 'RoutingConfig', routingSchema);
}

/** Rules derived from the directory's teams. */
export function defaultRoutingConfig(teams: readonly Team[]): RoutingConfig {
  const rules: RoutingConfig['rules'] = [];
  const productCentre = teams.find((t) => t.kind === 'productCentre');
  if (productCentre)
    rules.push({
      id: 'suggestions',
      name: '建议 → 产品中心评审',
      match: { types: ['suggestion'] },
      teamId: productCentre.id,
    });
  for (const t of teams)
    if (t.kind === 'support' && t.productLines?.length)
      rules.push({
        id: `line-${t.id}`,
        name: `${t.productLines.join('/')} → ${t.name}`,
        match: { productLines: [...t.productLines] },
        teamId: t.id,
      });
  const fallback =
    teams.find((t) => t.kind === 'support') ?? teams.find((t) => t.kind === 'sorting') ?? teams[0];
  return { rules, fallbackTeamId: fallback?.id ?? 'sorting' };
}

/** Read on every new ticket: cached per connection for a few seconds (an admin change shows within them). */
const cached = new WeakMap<Db, { at: number; doc: Promise<RoutingDoc | null> }>();
const cacheMs = 5_000;

export async function routingConfig(db: Db, teams: readonly Team[]): Promise<RoutingConfig> {
  let hit = cached.get(db);
  if (!hit || Date.now() - hit.at > cacheMs) {
    hit = {
      at: Date.now(),
      doc: routingModel(db).findById('routing').lean().exec() as Promise<RoutingDoc | null>,
    };
    cached.set(db, hit);
  }
  const doc = await hit.doc;
  return (doc?.config as RoutingConfig | undefined) ?? defaultRoutingConfig(teams);
}

export async function setRoutingConfig(
  db: Db,
  input: unknown,
  teams: readonly Team[],
  by: string,
  now: Date,
) {
  const config = parseRoutingConfig(input, { teamIds: teams.map((t) => t.id) });
  const before = await routingModel(db).findById('routing').lean();
  await routingModel(db).replaceOne(
    { _id: 'routing' },
    { _id: 'routing', config, version: (before?.version ?? 0) + 1, updatedAt: now, updatedBy: by },
    { upsert: true },
  );
  cached.delete(db);
  return { config, before: before?.config ?? null };
}

export interface TriageInfo {
  suggestedType: TicketType;
  suggestedLevel: number;
  suggestedProductLine?: string;
  suggestedTeamId: string;
  reasons: string[];
}

/** The suggestion stored on a new ticket and shown on the sorting centre's card. */
export async function triageFor(
  db: Db,
  teams: readonly Team[],
  input: {
    description: string;
    productLine: string;
    region?: string | undefined;
    productLines: readonly string[];
  },
): Promise<{ info: TriageInfo; suggestion: TriageSuggestion }> {
  const suggestion = suggestTriage(input.description, { productLines: input.productLines });
  const route = routeTicket(await routingConfig(db, teams), {
    type: suggestion.type,
    productLine: input.productLine,
    ...(input.region ? { region: input.region } : {}),
  });
  return {
    suggestion,
    info: {
      suggestedType: suggestion.type,
      suggestedLevel: suggestion.level,
      ...(suggestion.productLine ? { suggestedProductLine: suggestion.productLine } : {}),
      suggestedTeamId: route.teamId,
      reasons: suggestion.reasons.map((r) => `${r.field}=${r.value}${r.keyword ? `（${r.keyword}）` : ''}`),
    },
  };
}

export function typeName(type: TicketType): string {
  return ticketTypeNames[type].zh;
}

export function handlingOf(type: TicketType) {
  return ticketTypeHandling[type];
}
