/**
 * Routing from the sorting centre to a team: an ordered list of rules, the first whose conditions
 * all hold wins, and a required fallback team takes the rest. A condition left out means "any"; a
 * listed condition holds when the ticket's value is in the list (a ticket without a product line or
 * region never meets a condition on it). Validation refuses configurations with rules that can
 * never fire, so the order an admin sees is the order that decides.
 */
import { z } from 'zod';
import { zhCN } from 'zod/locales';
import { DomainError, issuesFromZod } from '../errors.ts';
import { type TicketType, ticketTypes } from './ticket-types.ts';

// Same id syntax as directory teams (shared/schemas/directory-import.ts).
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$/;
const idMessage = '只能包含字母、数字和 _ . : @ -，以字母或数字开头，最长 64 个字符';

const ruleId = z.string().trim().regex(ID, `规则 id ${idMessage}`);
const teamId = z.string().trim().regex(ID, `团队 id ${idMessage}`);

/** A listed condition: at least one value (leave it out for "any"), no repeats. */
function conditionList<T extends z.ZodType<string>>(item: T) {
  return z
    .array(item)
    .min(1, '条件列表不能为空；不限时请省略该条件')
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((value, i) => {
        if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [i], message: `重复的值：${value}` });
        seen.add(value);
      });
    })
    .optional();
}

export const routingMatchSchema = z.strictObject({
  types: conditionList(z.enum(ticketTypes, `工单类型应为 ${ticketTypes.join('、')} 之一`)),
  // Product lines compare case-insensitively: stored upper-case like the catalog (EKP).
  productLines: conditionList(z.string().trim().min(1, '产品线不能为空').max(10).toUpperCase()),
  regions: conditionList(z.string().trim().min(1, '区域不能为空').max(40, '最长 40 个字符')),
});
export type RoutingMatch = z.output<typeof routingMatchSchema>;

export const routingRuleSchema = z.strictObject({
  id: ruleId,
  name: z.string().trim().min(1, '规则名称不能为空').max(100, '最长 100 个字符'),
  match: routingMatchSchema,
  teamId,
});
export type RoutingRule = z.output<typeof routingRuleSchema>;

export const routingConfigSchema = z
  .strictObject({
    rules: z.array(routingRuleSchema).max(500, '最多 500 条规则'),
    fallbackTeamId: teamId,
  })
  .superRefine((config, ctx) => {
    const firstById = new Map<string, number>();
    config.rules.forEach((rule, j) => {
      const earlier = firstById.get(rule.id);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', j, 'id'],
          message: `规则 id "${rule.id}" 重复（第 ${earlier + 1} 条已使用）`,
        });
      } else {
        firstById.set(rule.id, j);
      }
    });

    const catchAll = config.rules.findIndex((rule) => isEmptyMatch(rule.match));
    if (catchAll >= 0 && catchAll < config.rules.length - 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['rules', catchAll, 'match'],
        message: `规则 "${config.rules[catchAll]!.id}" 没有条件、匹配所有工单，只能放在最后；其后的规则永远不会生效`,
      });
    }
    // Shadowed rules, once no catch-all explains it already.
    config.rules.forEach((rule, j) => {
      if (catchAll >= 0 && catchAll < j) return;
      const cover = config.rules.slice(0, j).find((earlier) => covers(earlier.match, rule.match));
      if (cover) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', j],
          message: `规则 "${rule.id}" 永远不会生效：前面的规则 "${cover.id}" 已包含它的全部条件`,
        });
      }
    });
  });
export type RoutingConfig = z.output<typeof routingConfigSchema>;

function isEmptyMatch(match: RoutingMatch): boolean {
  return !match.types && !match.productLines && !match.regions;
}

/** Whether every ticket matching `later` also matches `earlier`. */
function covers(earlier: RoutingMatch, later: RoutingMatch): boolean {
  const within = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
    !a || b?.every((v) => a.includes(v)) === true;
  return (
    within(earlier.types, later.types) &&
    within(earlier.productLines, later.productLines) &&
    within(earlier.regions, later.regions)
  );
}

const zhLocale = zhCN().localeError;
/** zod's zh-CN messages, with a plainer one for unknown keys (a misspelt "productLine"). */
const zhErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'unrecognized_keys') return `未知的字段 ${issue.keys.join('、')}（拼写错误？）`;
  return zhLocale(issue);
};

/**
 * Parses a routing configuration; with a context, also checks that product lines are configured
 * and teams exist. Throws DomainError('validation') listing every problem.
 */
export function parseRoutingConfig(
  input: unknown,
  context: { productLines?: readonly string[]; teamIds?: readonly string[] } = {},
): RoutingConfig {
  const parsed = routingConfigSchema.safeParse(input, { error: zhErrors });
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues);
    throw new DomainError(
      'validation',
      `路由规则无效：${issues.map((i) => `${i.path}: ${i.message}`).join('；')}`,
      {
        issues,
      },
    );
  }
  const config = parsed.data;
  const issues: { path: string; message: string }[] = [];
  const teams = context.teamIds && new Set(context.teamIds);
  const lines = context.productLines && new Set(context.productLines.map((l) => l.toUpperCase()));
  config.rules.forEach((rule, i) => {
    if (teams && !teams.has(rule.teamId)) {
      issues.push({ path: `rules[${i}].teamId`, message: `团队 ${rule.teamId} 不存在` });
    }
    rule.match.productLines?.forEach((line, k) => {
      if (lines && !lines.has(line)) {
        issues.push({
          path: `rules[${i}].match.productLines[${k}]`,
          message: `产品线 ${line} 未配置（已配置：${[...lines].join('、')}）`,
        });
      }
    });
  });
  if (teams && !teams.has(config.fallbackTeamId)) {
    issues.push({ path: 'fallbackTeamId', message: `兜底团队 ${config.fallbackTeamId} 不存在` });
  }
  if (issues.length > 0) {
    throw new DomainError(
      'validation',
      `路由规则无效：${issues.map((i) => `${i.path}: ${i.message}`).join('；')}`,
      {
        issues,
      },
    );
  }
  return config;
}

export interface RoutingInput {
  type: TicketType;
  productLine?: string;
  region?: string;
}

/** The team for a ticket: the first matching rule's, else the fallback team (ruleId null). */
export function routeTicket(
  config: RoutingConfig,
  ticket: RoutingInput,
): { teamId: string; ruleId: string | null } {
  const productLine = ticket.productLine?.trim().toUpperCase();
  const region = ticket.region?.trim();
  const holds = (list: readonly string[] | undefined, value: string | undefined) =>
    !list || (value !== undefined && list.includes(value));
  const rule = config.rules.find(
    (r) =>
      holds(r.match.types, ticket.type) &&
      holds(r.match.productLines, productLine) &&
      holds(r.match.regions, region),
  );
  return rule ? { teamId: rule.teamId, ruleId: rule.id } : { teamId: config.fallbackTeamId, ruleId: null };
}
