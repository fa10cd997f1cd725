import { z } from 'zod';
import { zhCN } from 'zod/locales';
import { levelCatalog, type ResponseLevel } from '../catalog.ts';
import { DomainError, type ErrorIssue, issuesFromZod } from '../errors.ts';
import { isOpenStatus, type TicketStatus, ticketStatuses } from '../ticket/status.ts';

/**
 * An SLA policy: the targets of each response level, the at-risk threshold and the statuses that
 * pause the clock. One policy has no `tier` and is the default; others apply to customers whose
 * contract tier (organisation.contractTier, e.g. 'gold') they name. See README.md for how the
 * clocks use each field.
 *
 * Budgets are whole working minutes of the support calendar, except the on-site promise, which is in
 * calendar hours (the agreement: "48 小时内到达现场").
 */

/** Longest budget accepted: 525,600 minutes (a year of minutes) — a typo guard, not a business rule. */
export const maxBudgetMinutes = 525_600;
export const maxOnSiteCalendarHours = 720;

/** Statuses in which the ticket is finished: they stop every clock (not configurable, see README). */
export const stoppingStatuses: readonly TicketStatus[] = ticketStatuses.filter((s) => !isOpenStatus(s));
/** Statuses a policy may pause on: the open ones. */
const pausableStatuses = ticketStatuses.filter(isOpenStatus) as [TicketStatus, ...TicketStatus[]];

export const defaultPausedStatuses: readonly TicketStatus[] = ['waitingCustomer', 'solutionProposed'];
export const defaultAtRiskRatio = 0.75;
export const defaultOnSiteCalendarHours = 48;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$/;

/** A message for a value that is not an object; other issues (unknown keys) keep their own message. */
function notAnObject(message: string) {
  return { error: (issue: z.core.$ZodRawIssue) => (issue.code === 'invalid_type' ? message : undefined) };
}

function budget(label: string, field: string) {
  const message = `${label}（${field}）应为 1–${maxBudgetMinutes} 之间的整数，单位为工作分钟`;
  return z.number(message).int(message).min(1, message).max(maxBudgetMinutes, message);
}

function levelTargetsSchema(level: ResponseLevel) {
  const name = levelCatalog[level].nameZh;
  const field = (key: string) => `levels.${level}.${key}`;
  return z
    .strictObject(
      {
        firstResponseMinutes: budget(`${name}首次响应时限`, field('firstResponseMinutes')).default(
          levelCatalog[level].firstResponseHours * 60,
        ),
        nextUpdateMinutes: budget(`${name}进展更新间隔`, field('nextUpdateMinutes')).optional(),
        resolutionMinutes: budget(`${name}解决时限`, field('resolutionMinutes')).optional(),
      },
      notAnObject(`${name}的时限（levels.${level}）应为对象，如 { "firstResponseMinutes": 60 }`),
    )
    .refine((t) => t.resolutionMinutes === undefined || t.resolutionMinutes >= t.firstResponseMinutes, {
      path: ['resolutionMinutes'],
      error: (issue) => {
        const t = issue.input as { firstResponseMinutes: number };
        return `${name}解决时限（${field('resolutionMinutes')}）不能短于首次响应时限（${t.firstResponseMinutes} 工作分钟）`;
      },
    })
    .prefault({});
}

const pausedStatusMessage = `暂停计时状态（pausedStatuses）只能是未结束的工单状态：${pausableStatuses.join('、')}（结束状态 ${stoppingStatuses.join('、')} 本来就停止计时）`;

export const slaPolicySchema = z.strictObject(
  {
    id: z
      .string('策略编号（id）必填')
      .trim()
      .regex(ID, '策略编号（id）只能包含字母、数字和 _ . : @ -，以字母或数字开头，最长 64 个字符'),
    name: z
      .string('策略名称（name）必填')
      .trim()
      .min(1, '策略名称（name）不能为空')
      .max(60, '策略名称（name）最长 60 个字符'),
    /** Contract tier this policy applies to; absent on the default policy. */
    tier: z
      .string('合同等级（tier）应为文本，如 "gold"；默认策略不填')
      .trim()
      .min(1, '合同等级（tier）不能为空；默认策略请不要填写 tier')
      .max(40, '合同等级（tier）最长 40 个字符')
      .optional(),
    levels: z
      .strictObject(
        {
          1: levelTargetsSchema(1),
          2: levelTargetsSchema(2),
          3: levelTargetsSchema(3),
          4: levelTargetsSchema(4),
          5: levelTargetsSchema(5),
        },
        notAnObject('各级时限（levels）应为对象，键为级别 1–5'),
      )
      .prefault({}),
    /** Share of a budget after which the target is at risk. */
    atRiskRatio: z
      .number('预警比例（atRiskRatio）应为大于 0、小于 1 的小数，如 0.75')
      .gt(0, '预警比例（atRiskRatio）应为大于 0、小于 1 的小数，如 0.75')
      .lt(1, '预警比例（atRiskRatio）应为大于 0、小于 1 的小数，如 0.75')
      .default(defaultAtRiskRatio),
    /** Statuses during which next-update and resolution clocks stop (not first response, see README). */
    pausedStatuses: z
      .array(z.enum(pausableStatuses, pausedStatusMessage), pausedStatusMessage)
      .default([...defaultPausedStatuses])
      .transform((list) => [...new Set(list)]),
    /** Level 1: on-site arrival deadline in calendar hours once remote work cannot fix the problem. */
    onSiteCalendarHours: z
      .number(
        `一级现场到达时限（onSiteCalendarHours）应为 1–${maxOnSiteCalendarHours} 之间的整数，单位为日历小时`,
      )
      .int(
        `一级现场到达时限（onSiteCalendarHours）应为 1–${maxOnSiteCalendarHours} 之间的整数，单位为日历小时`,
      )
      .min(
        1,
        `一级现场到达时限（onSiteCalendarHours）应为 1–${maxOnSiteCalendarHours} 之间的整数，单位为日历小时`,
      )
      .max(
        maxOnSiteCalendarHours,
        `一级现场到达时限（onSiteCalendarHours）应为 1–${maxOnSiteCalendarHours} 之间的整数，单位为日历小时`,
      )
      .default(defaultOnSiteCalendarHours),
  },
  notAnObject('SLA 策略应为对象，如 { "id": "default", "name": "标准服务协议" }'),
);

export type SlaPolicy = z.output<typeof slaPolicySchema>;
export type SlaPolicyInput = z.input<typeof slaPolicySchema>;
export type LevelTargets = SlaPolicy['levels'][ResponseLevel];

/** Several policies: unique ids, unique tiers, exactly one default (without tier). */
export const slaPolicySetSchema = z
  .array(slaPolicySchema, 'SLA 策略列表应为数组')
  .min(1, '至少需要一个 SLA 策略（默认策略，不填 tier）')
  .superRefine((policies, ctx) => {
    const ids = new Map<string, number>();
    const tiers = new Map<string, string>();
    let defaultId: string | undefined;
    policies.forEach((policy, i) => {
      if (ids.has(policy.id)) {
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `策略编号（id）${policy.id} 重复` });
      }
      ids.set(policy.id, i);
      if (policy.tier === undefined) {
        if (defaultId !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'tier'],
            message: `只能有一个默认策略（不填 tier）：${defaultId} 和 ${policy.id} 都没有填合同等级（tier）`,
          });
        }
        defaultId ??= policy.id;
        return;
      }
      const other = tiers.get(policy.tier);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'tier'],
          message: `合同等级（tier）${policy.tier} 已由策略 ${other} 使用，每个等级只能有一个策略`,
        });
      }
      tiers.set(policy.tier, policy.id);
    });
    if (policies.length > 0 && defaultId === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: '缺少默认策略：需要一个不填合同等级（tier）的策略' });
    }
  });

/** The agreement's targets: first response within 1/8/12/16/24 working hours, no other target. */
export const defaultSlaPolicy: SlaPolicy = {
  id: 'default',
  name: '标准服务协议',
  levels: {
    1: { firstResponseMinutes: 60 },
    2: { firstResponseMinutes: 480 },
    3: { firstResponseMinutes: 720 },
    4: { firstResponseMinutes: 960 },
    5: { firstResponseMinutes: 1440 },
  },
  atRiskRatio: defaultAtRiskRatio,
  pausedStatuses: [...defaultPausedStatuses],
  onSiteCalendarHours: defaultOnSiteCalendarHours,
};

/** One policy from the API, the CLI or a config file; a DomainError('validation') naming each bad field. */
export function parseSlaPolicy(input: unknown): SlaPolicy {
  return parseOrThrow(slaPolicySchema, input, 'SLA 策略不正确');
}

/** A deployment's policies (see slaPolicySetSchema). */
export function parseSlaPolicies(input: unknown): SlaPolicy[] {
  return parseOrThrow(slaPolicySetSchema, input, 'SLA 策略配置不正确');
}

/**
 * The policy for a customer's contract tier: the one naming that tier, else the default one (no
 * tier), else the built-in defaultSlaPolicy (a list validated by slaPolicySetSchema always has a
 * default). Tiers are compared exactly, after trimming the customer's tier.
 */
export function selectPolicy(policies: readonly SlaPolicy[], tier: string | undefined): SlaPolicy {
  const wanted = tier?.trim();
  if (wanted) {
    const match = policies.find((p) => p.tier === wanted);
    if (match) return match;
  }
  return policies.find((p) => p.tier === undefined) ?? defaultSlaPolicy;
}

const zhLocale = zhCN().localeError;
/** zod's zh-CN messages, with a plainer one for unknown keys (typos such as "firstResponse"). */
const zhErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'unrecognized_keys') return `未知的字段 ${issue.keys.join('、')}（拼写错误？）`;
  return zhLocale(issue);
};

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, title: string): T {
  const parsed = schema.safeParse(input, { error: zhErrors });
  if (parsed.success) return parsed.data;
  const issues: ErrorIssue[] = issuesFromZod(parsed.error.issues);
  const lines = issues.map((i) => (i.path === '(root)' ? i.message : `${i.path}: ${i.message}`));
  throw new DomainError('validation', `${title}：${lines.join('；')}`, { issues });
}
