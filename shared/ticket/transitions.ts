/**
 * The ticket lifecycle as one explicit table (SPEC "Process", issue 5). Every status change goes
 * through decideTransition: it finds the row for (status, action), checks who may do it, what it
 * needs (a reason, a transfer target) and its guard, and returns the next status plus the timeline
 * entry to record — or a refusal with a zh/en reason that chat and API show as is.
 *
 * A ticket is filed straight into `triage` (the HQ sorting centre); "new" is that filing, not a
 * status. Time windows are calendar months in Asia/Shanghai (UTC+8, no DST), computed on UTC
 * instants without reading the process time zone.
 *
 * Decisions:
 * - transfer changes the assignee, never the owner (首问负责制). From assigned / in progress /
 *   reopened it lands in `assigned`: the new assignee has not taken the ticket up until they claim
 *   it (接单). While waiting for the customer or for their confirmation it keeps the status, so the
 *   customer pause and the auto-close clock are not disturbed by an internal hand-over.
 * - A customer's message while a solution is proposed keeps the status (the engineer sees it) and
 *   restarts the auto-close clock: the agreement closes only after a month with neither a
 *   confirmation nor a reply.
 * - Windows end at the same wall-clock time one calendar month later, clamped to the last day of a
 *   shorter month: 2026-01-31 10:00 → 2026-02-28 10:00. An action that waits for a window is
 *   allowed from that instant on (a sweep comparing a stored due-at with now agrees); the reopen
 *   window is open strictly before it, so reopen and final closure never overlap.
 */
import { z } from 'zod';
import { DomainError, type ErrorCode } from '../errors.ts';
import type { StaffRole } from '../schemas/directory-import.ts';
import { statusNames, type TicketStatus, ticketStatuses } from './status.ts';

type Bilingual = { zh: string; en: string };

/** Status of a freshly filed ticket: every channel files into the sorting centre's queue. */
export const initialTicketStatus: TicketStatus = 'triage';

export const transitionActions = [
  'dispatch',
  'claim',
  'transfer',
  'askCustomer',
  'customerReplied',
  'proposeSolution',
  'customerConfirmed',
  'customerRejected',
  'autoClose',
  'reopen',
  'startWork',
  'finalClose',
] as const;
export type TransitionAction = (typeof transitionActions)[number];

/** Button and timeline labels. */
export const actionNames: Record<TransitionAction, Bilingual> = {
  dispatch: { zh: '分派', en: 'Dispatch' },
  claim: { zh: '接单', en: 'Claim' },
  transfer: { zh: '转派', en: 'Transfer' },
  askCustomer: { zh: '请客户补充信息', en: 'Ask the customer' },
  customerReplied: { zh: '客户已回复', en: 'Customer replied' },
  proposeSolution: { zh: '提交解决方案', en: 'Propose a solution' },
  customerConfirmed: { zh: '已解决', en: 'Resolved' },
  customerRejected: { zh: '未解决', en: 'Not resolved' },
  autoClose: { zh: '自动关闭', en: 'Auto-close' },
  reopen: { zh: '重新打开', en: 'Reopen' },
  startWork: { zh: '开始处理', en: 'Start work' },
  finalClose: { zh: '正式结束', en: 'End' },
};

export const transitionActionSchema = z.enum(transitionActions, '未知的工单操作');

/** Who may perform a row: a customer, the system (sweeps), or staff holding one of the roles. */
export type ActorClass = 'customer' | 'system' | StaffRole;

export const actorClassNames: Record<ActorClass, Bilingual> = {
  customer: { zh: '客户', en: 'the customer' },
  system: { zh: '系统', en: 'the system' },
  engineer: { zh: '服务工程师', en: 'engineers' },
  dispatcher: { zh: '分拣中心调度', en: 'dispatchers' },
  teamLead: { zh: '组长', en: 'team leads' },
  productCentre: { zh: '产品中心', en: 'the product centre' },
  admin: { zh: '管理员', en: 'admins' },
};

export type TransitionActor =
  | { kind: 'customer'; userId: string; name: string }
  | { kind: 'staff'; userId: string; name: string; roles: readonly StaffRole[] }
  | { kind: 'system'; name: string };

export const timelineChannels = ['dingtalk', 'miniapp', 'hotline', 'email', 'api', 'system'] as const;
export type TimelineChannel = (typeof timelineChannels)[number];

export interface TransferTarget {
  kind: 'team' | 'person';
  id: string;
  name?: string;
}

/**
 * What the service does after saving a row's transition (the table only names them). Not listed
 * because they hold for every row: the owner is told of each status change, the group card is
 * updated in place.
 */
export type TransitionEffect =
  /** assignee := the target (a team or a person); the owner is kept. */
  | 'assignTarget'
  /** assignee := the actor. */
  | 'assignActor'
  /** 首问负责制: the actor becomes the accountable owner if the ticket has none yet. */
  | 'ownIfUnowned'
  /** assignee := the owner (a reopened ticket goes back to the same owner). */
  | 'assignOwner'
  /** The customer gets the 已解决 / 未解决 card. */
  | 'sendSolutionCard'
  /** The customer is asked for a CSAT rating (1–5 and a comment). */
  | 'requestCsat'
  /** The customer is told by email and in DingTalk, with the way to reopen. */
  | 'noticeAutoClosed';

export type TransitionGuardName = 'autoCloseDue' | 'withinReopenWindow' | 'reopenWindowOver';

export interface TransitionRule {
  action: TransitionAction;
  from: TicketStatus;
  to: TicketStatus;
  actors: readonly ActorClass[];
  /** Present when a reason is required; the text asks for it (bot prompt, refusal). */
  requiresReason?: Bilingual;
  /** A transfer target (team or person) is required. */
  requiresTarget?: true;
  guard?: TransitionGuardName;
  effects: readonly TransitionEffect[];
}

const routers: readonly ActorClass[] = ['dispatcher', 'teamLead', 'admin'];
/** Staff who work tickets. The product centre works suggestions routed to it. */
const workers: readonly ActorClass[] = ['engineer', 'teamLead', 'productCentre', 'admin'];
const anyStaff: readonly ActorClass[] = ['engineer', 'dispatcher', 'teamLead', 'productCentre', 'admin'];

/** The lifecycle. Order is the diagram's order; (from, action) is unique. */
export const ticketTransitions: readonly TransitionRule[] = [
  // The sorting centre confirms or overrides the suggested type and routes to a team or person.
  {
    action: 'dispatch',
    from: 'triage',
    to: 'assigned',
    actors: routers,
    requiresTarget: true,
    effects: ['assignTarget'],
  },
  {
    action: 'claim',
    from: 'assigned',
    to: 'inProgress',
    actors: workers,
    effects: ['assignActor', 'ownIfUnowned'],
  },
  {
    action: 'transfer',
    from: 'assigned',
    to: 'assigned',
    actors: anyStaff,
    requiresTarget: true,
    effects: ['assignTarget'],
  },
  {
    action: 'transfer',
    from: 'inProgress',
    to: 'assigned',
    actors: anyStaff,
    requiresTarget: true,
    effects: ['assignTarget'],
  },
  {
    action: 'askCustomer',
    from: 'inProgress',
    to: 'waitingCustomer',
    actors: workers,
    requiresReason: { zh: '请写明需要客户补充的信息', en: 'Say what the customer should provide' },
    effects: ['ownIfUnowned'],
  },
  {
    action: 'proposeSolution',
    from: 'inProgress',
    to: 'solutionProposed',
    actors: workers,
    requiresReason: { zh: '请写明解决方案', en: 'Describe the solution' },
    effects: ['ownIfUnowned', 'sendSolutionCard'],
  },
  // Staff may record a reply that came by phone or email.
  {
    action: 'customerReplied',
    from: 'waitingCustomer',
    to: 'inProgress',
    actors: ['customer', ...workers],
    effects: [],
  },
  {
    action: 'transfer',
    from: 'waitingCustomer',
    to: 'waitingCustomer',
    actors: anyStaff,
    requiresTarget: true,
    effects: ['assignTarget'],
  },
  // Only the customer closes (SPEC: it closes only when the customer confirms).
  {
    action: 'customerConfirmed',
    from: 'solutionProposed',
    to: 'closed',
    actors: ['customer'],
    effects: ['requestCsat'],
  },
  {
    action: 'customerRejected',
    from: 'solutionProposed',
    to: 'inProgress',
    actors: ['customer'],
    requiresReason: { zh: '请说明未解决的原因', en: 'Say why it is not resolved' },
    effects: [],
  },
  {
    action: 'transfer',
    from: 'solutionProposed',
    to: 'solutionProposed',
    actors: anyStaff,
    requiresTarget: true,
    effects: ['assignTarget'],
  },
  {
    action: 'autoClose',
    from: 'solutionProposed',
    to: 'autoClosed',
    actors: ['system'],
    guard: 'autoCloseDue',
    effects: ['noticeAutoClosed'],
  },
  // The customer asks (bot command or card); staff may record a request made by phone or email.
  {
    action: 'reopen',
    from: 'autoClosed',
    to: 'reopened',
    actors: ['customer', ...workers],
    guard: 'withinReopenWindow',
    effects: ['assignOwner'],
  },
  {
    action: 'finalClose',
    from: 'autoClosed',
    to: 'ended',
    actors: ['system'],
    guard: 'reopenWindowOver',
    effects: [],
  },
  { action: 'startWork', from: 'reopened', to: 'inProgress', actors: workers, effects: ['assignActor'] },
  {
    action: 'transfer',
    from: 'reopened',
    to: 'assigned',
    actors: anyStaff,
    requiresTarget: true,
    effects: ['assignTarget'],
  },
];

// ---------------------------------------------------------------------------------------------
// Windows (Asia/Shanghai calendar months on UTC instants)

export interface LifecycleWindows {
  /** Months after the solution (or the customer's last reply to it) before auto-closure. */
  autoCloseMonths: number;
  /** Days before auto-closure that the customer is reminded. */
  autoCloseReminderDays: number;
  /** Months after auto-closure in which the customer may reopen; then the ticket is ended. */
  reopenWindowMonths: number;
}

export const defaultLifecycleWindows: LifecycleWindows = {
  autoCloseMonths: 1,
  autoCloseReminderDays: 7,
  reopenWindowMonths: 1,
};

const monthsSchema = z.int('应为整数').min(1, '至少 1 个月').max(24, '最多 24 个月');

/** Configuration of the windows (all optional, defaults from the agreement). */
export const lifecycleWindowsSchema = z.strictObject({
  autoCloseMonths: monthsSchema.default(defaultLifecycleWindows.autoCloseMonths),
  autoCloseReminderDays: z
    .int('应为整数')
    .min(0, '不能为负数')
    .max(27, '最多提前 27 天（须早于自动关闭）')
    .default(defaultLifecycleWindows.autoCloseReminderDays),
  reopenWindowMonths: monthsSchema.default(defaultLifecycleWindows.reopenWindowMonths),
});

const SHANGHAI_OFFSET_MS = 8 * 3_600_000; // China has no DST
const MS_PER_DAY = 86_400_000;

function instantOf(at: Date, what: string): number {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new DomainError('validation', `${what}不是有效的时间`);
  return ms;
}

function checkMonths(months: number): void {
  if (!Number.isInteger(months) || months < 1) {
    throw new DomainError('validation', `月数应为正整数，收到 ${months}`);
  }
}

/**
 * The same Asia/Shanghai wall-clock time `months` calendar months later, clamped to the last day of
 * the target month: 2026-01-31 10:00 + 1 → 2026-02-28 10:00; 2026-03-31 10:00 + 1 → 2026-04-30 10:00.
 */
export function addShanghaiMonths(at: Date, months: number): Date {
  checkMonths(months);
  const local = new Date(instantOf(at, '起始时间') + SHANGHAI_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + months; // Date.UTC carries overflow into the year
  const lastDayOfTarget = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(local.getUTCDate(), lastDayOfTarget);
  const timeOfDay = local.getTime() - Date.UTC(year, local.getUTCMonth(), local.getUTCDate());
  return new Date(Date.UTC(year, month, day) + timeOfDay - SHANGHAI_OFFSET_MS);
}

/** Auto-closure counts from the solution, or from the customer's last message after it. */
export function autoCloseClockStart(solutionProposedAt: Date, lastCustomerMessageAt?: Date): Date {
  const proposed = instantOf(solutionProposedAt, '方案提出时间');
  const replied = lastCustomerMessageAt ? instantOf(lastCustomerMessageAt, '客户最后回复时间') : proposed;
  return new Date(Math.max(proposed, replied));
}

/**
 * From this instant a proposed solution without confirmation or reply may be auto-closed. Pass the
 * clock start (autoCloseClockStart) when the customer has written since the solution.
 */
export function autoCloseDueAt(proposedAt: Date, months = defaultLifecycleWindows.autoCloseMonths): Date {
  return addShanghaiMonths(proposedAt, months);
}

/** When the customer is reminded of the coming auto-closure; never before the solution itself. */
export function autoCloseReminderAt(
  proposedAt: Date,
  months = defaultLifecycleWindows.autoCloseMonths,
  daysBefore = defaultLifecycleWindows.autoCloseReminderDays,
): Date {
  if (!Number.isFinite(daysBefore) || daysBefore < 0) {
    throw new DomainError('validation', `提前提醒天数应为非负数，收到 ${daysBefore}`);
  }
  const due = autoCloseDueAt(proposedAt, months).getTime();
  // Whole days of 24 h: Asia/Shanghai has no DST, so this is also calendar days.
  return new Date(Math.max(proposedAt.getTime(), due - daysBefore * MS_PER_DAY));
}

/** The reopen window is open strictly before this instant. */
export function reopenWindowEndsAt(
  autoClosedAt: Date,
  months = defaultLifecycleWindows.reopenWindowMonths,
): Date {
  return addShanghaiMonths(autoClosedAt, months);
}

/** From this instant an auto-closed ticket is ended: the end of the reopen window, by definition. */
export function finalCloseDueAt(
  autoClosedAt: Date,
  months = defaultLifecycleWindows.reopenWindowMonths,
): Date {
  return reopenWindowEndsAt(autoClosedAt, months);
}

/** '2026-02-28 10:00' in Asia/Shanghai, for messages. */
export function formatShanghaiTime(at: Date): string {
  const iso = new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

// ---------------------------------------------------------------------------------------------
// Deciding

/** What a guard may look at, besides the clock. */
export interface GuardFacts {
  now: Date;
  /** When the current solution was proposed (autoClose). */
  solutionProposedAt?: Date;
  /** The customer's last message, if any (autoClose: a reply restarts the clock). */
  lastCustomerMessageAt?: Date;
  /** When the ticket was auto-closed (reopen, finalClose). */
  autoClosedAt?: Date;
  windows?: Partial<LifecycleWindows>;
}

export interface TransitionInput extends GuardFacts {
  status: TicketStatus;
  /** A TransitionAction; a string from a card callback is checked here. */
  action: string;
  actor: TransitionActor;
  channel: TimelineChannel;
  reason?: string;
  target?: TransferTarget;
}

/** The status part of a ticket's timeline: who, when, where, why, from, to. */
export interface TransitionTimelineEntry {
  kind: 'status';
  at: Date;
  by: { kind: TransitionActor['kind']; userId?: string; name: string };
  channel: TimelineChannel;
  action: TransitionAction;
  from: TicketStatus;
  to: TicketStatus;
  reason?: string;
  target?: TransferTarget;
}

export type TransitionRefusalCode = Extract<ErrorCode, 'invalidTransition' | 'forbidden' | 'validation'>;

export type TransitionDecision =
  | { ok: true; to: TicketStatus; rule: TransitionRule; entry: TransitionTimelineEntry }
  | {
      ok: false;
      code: TransitionRefusalCode;
      reason: Bilingual;
      /** The reply should offer a new ticket linked to this one (reopen after the window). */
      offer?: 'newLinkedTicket';
    };

type Refusal = Extract<TransitionDecision, { ok: false }>;

export const maxReasonLength = 2000;

/** Decides one transition; pure (the clock is `now`). */
export function decideTransition(input: TransitionInput): TransitionDecision {
  const { status, actor } = input;
  if (!(ticketStatuses as readonly string[]).includes(status)) {
    return refuse(
      'validation',
      `未知的工单状态：${String(status)}`,
      `Unknown ticket status: ${String(status)}`,
    );
  }
  const parsedAction = transitionActionSchema.safeParse(input.action);
  if (!parsedAction.success) {
    return refuse('validation', `未知的工单操作：${input.action}`, `Unknown ticket action: ${input.action}`);
  }
  const action = parsedAction.data;
  if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) {
    return refuse('validation', '当前时间无效', 'The current time is not a valid date');
  }

  const rule = ticketTransitions.find((r) => r.from === status && r.action === action);
  if (!rule) return statusRefusal(status, action);
  if (!rule.actors.some((c) => actorIs(actor, c))) return actorRefusal(rule);

  const reason = input.reason?.trim() || undefined;
  if (rule.requiresReason && !reason) {
    const name = actionNames[action];
    return refuse(
      'validation',
      `「${name.zh}」需要填写原因：${rule.requiresReason.zh}`,
      `"${name.en}" needs a reason: ${rule.requiresReason.en}`,
    );
  }
  if (reason && reason.length > maxReasonLength) {
    return refuse(
      'validation',
      `原因最长 ${maxReasonLength} 个字符`,
      `The reason may be at most ${maxReasonLength} characters`,
    );
  }
  const target = input.target;
  if (rule.requiresTarget && !target?.id.trim()) {
    const name = actionNames[action];
    return refuse(
      'validation',
      `「${name.zh}」需要指定对象（人员或团队）`,
      `"${name.en}" needs a target (a person or a team)`,
    );
  }

  if (rule.guard) {
    const refusal = checkGuard(rule.guard, input);
    if (refusal) return refusal;
  }

  const entry: TransitionTimelineEntry = {
    kind: 'status',
    at: input.now,
    by: actor.kind === 'system' ? { kind: 'system', name: actor.name } : pick(actor),
    channel: input.channel,
    action,
    from: status,
    to: rule.to,
    ...(reason ? { reason } : {}),
    ...(rule.requiresTarget && target ? { target } : {}),
  };
  return { ok: true, to: rule.to, rule, entry };
}

/** decideTransition for services: the decision, or a DomainError carrying the refusal. */
export function transitionOrThrow(input: TransitionInput): Extract<TransitionDecision, { ok: true }> {
  const decision = decideTransition(input);
  if (decision.ok) return decision;
  throw new DomainError(decision.code, decision.reason.zh, {
    details: {
      reasonEn: decision.reason.en,
      status: input.status,
      action: input.action,
      ...(decision.offer ? { offer: decision.offer } : {}),
    },
  });
}

/**
 * The actions this actor may take from this status, in table order — for card buttons and menus.
 * With guard facts, guarded actions are offered only when their guard passes now (no 重新打开
 * button after the reopen window); without them, guards are not evaluated.
 */
export function allowedActions(
  status: TicketStatus,
  actor: TransitionActor,
  facts?: GuardFacts,
): TransitionAction[] {
  return ticketTransitions
    .filter((r) => r.from === status && r.actors.some((c) => actorIs(actor, c)))
    .filter((r) => !(facts && r.guard && checkGuard(r.guard, facts)))
    .map((r) => r.action);
}

/** The row for (status, action), if the table has one. */
export function transitionRule(status: TicketStatus, action: TransitionAction): TransitionRule | undefined {
  return ticketTransitions.find((r) => r.from === status && r.action === action);
}

function actorIs(actor: TransitionActor, actorClass: ActorClass): boolean {
  switch (actor.kind) {
    case 'customer':
    case 'system':
      return actor.kind === actorClass;
    case 'staff':
      return (actor.roles as readonly string[]).includes(actorClass);
    default:
      return assertNever(actor);
  }
}

function pick(actor: Extract<TransitionActor, { userId: string }>): TransitionTimelineEntry['by'] {
  return { kind: actor.kind, userId: actor.userId, name: actor.name };
}

function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

function refuse(code: TransitionRefusalCode, zh: string, en: string, offer?: 'newLinkedTicket'): Refusal {
  return { ok: false, code, reason: { zh, en }, ...(offer ? { offer } : {}) };
}

/** Refusals that deserve more than the generic sentence. */
const statusRefusalHints: Partial<Record<`${TicketStatus}:${TransitionAction}`, Refusal>> = {
  'closed:reopen': refuse(
    'invalidTransition',
    '工单已关闭（客户已确认解决），不能重新打开；如问题再次出现，请新建工单并关联本工单。',
    'Reopen is not possible: the customer confirmed the ticket as resolved (Closed). If the problem comes back, open a new ticket linked to this one.',
    'newLinkedTicket',
  ),
  'ended:reopen': refuse(
    'invalidTransition',
    '工单已结束（自动关闭后超过重新打开期限），不能重新打开；可以新建工单并关联本工单。',
    'Reopen is not possible: the reopen window after auto-closure has passed and the ticket has Ended. Open a new ticket linked to this one instead.',
    'newLinkedTicket',
  ),
};

function statusRefusal(status: TicketStatus, action: TransitionAction): Refusal {
  const hint = statusRefusalHints[`${status}:${action}`];
  if (hint) return hint;
  const name = actionNames[action];
  const froms = [...new Set(ticketTransitions.filter((r) => r.action === action).map((r) => r.from))];
  const where = {
    zh: froms.map((s) => `「${statusNames[s].zh}」`).join(''),
    en: froms.map((s) => statusNames[s].en).join(', '),
  };
  return refuse(
    'invalidTransition',
    `工单当前状态为「${statusNames[status].zh}」，不能执行「${name.zh}」（仅在${where.zh}状态下可以）。`,
    `The ticket is ${statusNames[status].en}; "${name.en}" is only possible when it is ${where.en}.`,
  );
}

function actorRefusal(rule: TransitionRule): Refusal {
  const name = actionNames[rule.action];
  return refuse(
    'forbidden',
    `「${name.zh}」只能由${rule.actors.map((c) => actorClassNames[c].zh).join('、')}执行。`,
    `"${name.en}" may only be done by ${rule.actors.map((c) => actorClassNames[c].en).join(', ')}.`,
  );
}

function windowsOf(facts: GuardFacts): LifecycleWindows | Refusal {
  const parsed = lifecycleWindowsSchema.safeParse(facts.windows ?? {});
  if (parsed.success) return parsed.data;
  const text = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('；');
  return refuse('validation', `时限配置无效：${text}`, `Invalid lifecycle windows: ${text}`);
}

function missing(zh: string, en: string): Refusal {
  return refuse('validation', `缺少${zh}，无法判断时限`, `The ${en} is needed to check the time window`);
}

function validDate(at: Date | undefined): at is Date {
  return at instanceof Date && !Number.isNaN(at.getTime());
}

/** undefined when the guard passes. */
function checkGuard(guard: TransitionGuardName, facts: GuardFacts): Refusal | undefined {
  const windows = windowsOf(facts);
  if ('ok' in windows) return windows;
  const now = facts.now.getTime();
  switch (guard) {
    case 'autoCloseDue': {
      if (!validDate(facts.solutionProposedAt)) return missing('方案提出时间', 'solution time');
      if (facts.lastCustomerMessageAt !== undefined && !validDate(facts.lastCustomerMessageAt)) {
        return missing('有效的客户最后回复时间', 'customer’s last message time');
      }
      const start = autoCloseClockStart(facts.solutionProposedAt, facts.lastCustomerMessageAt);
      const due = autoCloseDueAt(start, windows.autoCloseMonths);
      if (now >= due.getTime()) return undefined;
      return refuse(
        'invalidTransition',
        `方案提出（或客户最后回复）后未满 ${windows.autoCloseMonths} 个月，${formatShanghaiTime(due)} 起才能自动关闭。`,
        `Less than ${windows.autoCloseMonths} month(s) since the solution or the customer's last reply; auto-closure is possible from ${formatShanghaiTime(due)} (Asia/Shanghai).`,
      );
    }
    case 'withinReopenWindow': {
      if (!validDate(facts.autoClosedAt)) return missing('自动关闭时间', 'auto-closure time');
      const ends = reopenWindowEndsAt(facts.autoClosedAt, windows.reopenWindowMonths);
      if (now < ends.getTime()) return undefined;
      return refuse(
        'invalidTransition',
        `自动关闭后 ${windows.reopenWindowMonths} 个月内可以重新打开，期限已于 ${formatShanghaiTime(ends)} 结束，工单已正式结束；可以新建工单并关联本工单。`,
        `Reopening was possible for ${windows.reopenWindowMonths} month(s) after auto-closure, until ${formatShanghaiTime(ends)} (Asia/Shanghai); open a new ticket linked to this one instead.`,
        'newLinkedTicket',
      );
    }
    case 'reopenWindowOver': {
      if (!validDate(facts.autoClosedAt)) return missing('自动关闭时间', 'auto-closure time');
      const due = finalCloseDueAt(facts.autoClosedAt, windows.reopenWindowMonths);
      if (now >= due.getTime()) return undefined;
      return refuse(
        'invalidTransition',
        `重新打开期限未过，${formatShanghaiTime(due)} 起才能正式结束。`,
        `The reopen window is still open; the ticket can be ended from ${formatShanghaiTime(due)} (Asia/Shanghai).`,
      );
    }
    default:
      return assertNever(guard);
  }
}

/** Guard labels for the state diagram and documentation (with the default windows). */
export const guardNames: Record<TransitionGuardName, Bilingual> = {
  autoCloseDue: { zh: '方案提出后满一个月无确认或回复', en: 'a month without confirmation or reply' },
  withinReopenWindow: { zh: '自动关闭后一个月内', en: 'within a month of auto-closure' },
  reopenWindowOver: { zh: '自动关闭满一个月未重新打开', en: 'a month after auto-closure' },
};
