import { z } from 'zod';
import { levelCatalog, type ResponseLevel } from '../../shared/catalog.ts';
import { DomainError } from '../../shared/errors.ts';
import {
  allowedActions,
  type TransferTarget,
  type TransitionAction,
  transitionActions,
} from '../../shared/ticket/transitions.ts';
import { type Caller, callerOf } from '../auth/caller.ts';
import { anyRole } from '../auth/roles.ts';
import type { ApiRouter } from '../auth/route-policy.ts';
import type { Db } from '../db/mongo.ts';
import { listTeams } from '../directory/directory-service.ts';
import { staffModel } from '../directory/staff-model.ts';
import { readJson } from '../http/body.ts';
import { parseWith } from '../http/errors.ts';
import type { LifecycleActor, LifecycleService } from './lifecycle-service.ts';
import type { Ticket } from './ticket-model.ts';
import { ticketDetail } from './ticket-routes.ts';
import { getTicketFor } from './ticket-service.ts';

/**
 * What the group-chat cards and commands do, from the mini-app:
 *
 *   GET  /api/tickets/:no/actions   what the caller may do with the ticket now
 *   POST /api/tickets/:no/actions   { action, reason?, target?, level?, text?, mode?, minutes?, rating?, comment? }
 *   GET  /api/intake/options        the new-ticket form's product lines and level texts (customers)
 *   POST /api/tickets               a customer files a new ticket (IntakeService, idempotent on sourceKey)
 *
 * Staff: the lifecycle actions of the transition table (dispatch, claim, transfer, askCustomer,
 * proposeSolution, startWork, reopen, customerReplied) plus `reply`, `changeLevel`,
 * `remoteSession`, `onSiteRequired`, `onSiteArrived`. Customers: `customerConfirmed`,
 * `customerRejected`, `reopen` and `rate`, on their own organisation's tickets only (another's is
 * answered like a missing one: 404). Every change goes through LifecycleService with channel
 * `miniapp`, so the timeline, the SLA clocks, the cards and the chat notices are the same as from
 * DingTalk; refusals keep the service's DomainError codes (409 invalidTransition, 403, 400) and zh
 * reasons. The answer is the ticket detail (as GET /api/tickets/:no) with the next actions.
 */

/** The new-ticket intake (server/tickets/intake-service.ts), typed structurally here. */
export interface TicketIntake {
  file(input: {
    contactUserId: string;
    productLine: string;
    level: ResponseLevel;
    description: string;
    channel: 'miniapp';
    sourceKey: string;
    now: Date;
  }): Promise<{ ticket: Ticket; promise: string }>;
}

export interface TicketActionRouteDeps {
  db: Db;
  now: () => Date;
  lifecycle: LifecycleService;
  intake?: TicketIntake;
  productLines: readonly string[];
}

export const staffOperations = [
  'reply',
  'changeLevel',
  'remoteSession',
  'onSiteRequired',
  'onSiteArrived',
] as const;
export const customerOperations = ['customerConfirmed', 'customerRejected', 'reopen', 'rate'] as const;

const ticketNoSchema = z.string().trim().min(1).max(40);

const actionBodySchema = z.object({
  action: z.enum([...transitionActions, ...staffOperations, 'rate'], '未知的工单操作'),
  reason: z.string().trim().max(2000, '原因最长 2000 个字符').optional(),
  text: z.string().trim().max(4000, '内容最长 4000 个字符').optional(),
  target: z
    .object({
      kind: z.enum(['team', 'person'], '对象类型只能是 team 或 person'),
      id: z.string().trim().min(1, '请选择对象').max(64),
    })
    .optional(),
  level: z.coerce
    .number()
    .int('响应级别应为 1–5')
    .min(1, '响应级别应为 1–5')
    .max(5, '响应级别应为 1–5')
    .optional(),
  mode: z.enum(['phone', 'video', 'remoteControl'], '远程方式只能是电话、视频或远程控制').optional(),
  minutes: z.coerce
    .number()
    .int('时长应为整数分钟')
    .min(1, '时长至少 1 分钟')
    .max(24 * 60, '时长最多 1440 分钟')
    .optional(),
  rating: z.coerce.number().int('评分应为 1–5').min(1, '评分应为 1–5').max(5, '评分应为 1–5').optional(),
  comment: z.string().trim().max(500, '意见最长 500 个字符').optional(),
});
type ActionBody = z.output<typeof actionBodySchema>;

const newTicketSchema = z.object({
  productLine: z.string().trim().min(1, '请选择产品线'),
  level: z.coerce
    .number('请选择响应级别')
    .int('请选择响应级别')
    .min(1, '请选择响应级别')
    .max(5, '请选择响应级别'),
  description: z
    .string('请描述问题')
    .trim()
    .min(5, '请用至少 5 个字描述问题')
    .max(4000, '问题描述最长 4000 个字'),
  sourceKey: z
    .string('缺少提交编号')
    .regex(/^miniapp:[A-Za-z0-9-]{8,64}$/, '提交编号格式应为 miniapp:<uuid>'),
});

export function addTicketActionRoutes(router: ApiRouter, deps: TicketActionRouteDeps): void {
  router.get('/api/tickets/:no/actions', { allow: anyRole }, async (ctx) => {
    const caller = callerOf(ctx);
    const ticket = await visibleTicket(deps, caller, parseWith(ticketNoSchema, ctx.params.no));
    ctx.body = { ticketNo: ticket._id, actions: actionsFor(caller, ticket, deps.now()) };
  });

  router.post('/api/tickets/:no/actions', { allow: anyRole }, async (ctx) => {
    const caller = callerOf(ctx);
    const ticketNo = parseWith(ticketNoSchema, ctx.params.no);
    // scope first: another organisation's ticket is answered like a missing one, whatever the body
    await visibleTicket(deps, caller, ticketNo);
    const body = parseWith(actionBodySchema, await readJson(ctx));
    const now = deps.now();
    const after = await perform(deps, caller, ticketNo, body, now);
    ctx.body = {
      ...(await ticketDetail(deps.db, caller, after, now)),
      actions: actionsFor(caller, after, now),
    };
  });

  // What the new-ticket form offers: the product lines and the agreement's level texts.
  router.get('/api/intake/options', { allow: ['customer'] }, (ctx) => {
    ctx.body = { productLines: deps.productLines, levels: Object.values(levelCatalog) };
  });

  router.post('/api/tickets', { allow: ['customer'] }, async (ctx) => {
    const caller = callerOf(ctx);
    if (caller.kind !== 'customer')
      throw new DomainError('forbidden', '只有客户联系人可以在微应用中提交工单');
    const body = parseWith(newTicketSchema, await readJson(ctx));
    if (!deps.productLines.includes(body.productLine)) {
      throw new DomainError('validation', '请检查填写的内容', {
        issues: [{ path: 'productLine', message: `产品线只能是 ${deps.productLines.join('、')}` }],
      });
    }
    if (!deps.intake)
      throw new DomainError('unavailable', '新建工单服务暂不可用，请在钉钉中向机器人说“报障”');
    const { ticket, promise } = await deps.intake.file({
      contactUserId: caller.userId,
      productLine: body.productLine,
      level: body.level as ResponseLevel,
      description: body.description,
      channel: 'miniapp',
      sourceKey: body.sourceKey,
      now: deps.now(),
    });
    ctx.status = 201;
    ctx.body = { ticketNo: ticket._id, promise, ticket: { ticketNo: ticket._id, status: ticket.status } };
  });
}

async function visibleTicket(deps: TicketActionRouteDeps, caller: Caller, ticketNo: string): Promise<Ticket> {
  return getTicketFor(
    deps.db,
    ticketNo,
    caller.kind === 'customer' ? { kind: 'contact', orgId: caller.orgId } : { kind: 'staff' },
  );
}

function actorOf(caller: Caller): LifecycleActor {
  return caller.kind === 'customer'
    ? { kind: 'customer', userId: caller.userId, name: caller.name }
    : { kind: 'staff', userId: caller.userId, name: caller.name, roles: caller.roles };
}

/** What the caller may do now: the table's actions (guards checked with the default windows) and the other operations. */
export function actionsFor(caller: Caller, ticket: Ticket, now: Date): string[] {
  const facts = {
    now,
    ...(ticket.solutionProposedAt ? { solutionProposedAt: new Date(ticket.solutionProposedAt) } : {}),
    ...(ticket.lastCustomerMessageAt
      ? { lastCustomerMessageAt: new Date(ticket.lastCustomerMessageAt) }
      : {}),
    ...(ticket.autoClosedAt ? { autoClosedAt: new Date(ticket.autoClosedAt) } : {}),
  };
  const table = allowedActions(ticket.status, actorOf(caller), facts) as string[];
  const closed = ticket.status === 'closed' || ticket.status === 'autoClosed' || ticket.status === 'ended';
  if (caller.kind === 'customer') {
    const mine = table.filter((a) => (customerOperations as readonly string[]).includes(a));
    return closed && !ticket.csat ? [...mine, 'rate'] : mine;
  }
  const extra: string[] = [];
  if (ticket.open) {
    extra.push('reply', 'changeLevel', 'remoteSession');
    if (ticket.sla && ticket.level === 1 && !ticket.sla.onSite) extra.push('onSiteRequired');
    if (ticket.sla?.onSite && !ticket.sla.onSite.arrivedAt) extra.push('onSiteArrived');
  }
  return [...table, ...extra];
}

async function perform(
  deps: TicketActionRouteDeps,
  caller: Caller,
  ticketNo: string,
  body: ActionBody,
  now: Date,
): Promise<Ticket> {
  const { lifecycle } = deps;
  const actor = actorOf(caller);
  const missing = (path: string, message: string) =>
    new DomainError('validation', message, { issues: [{ path, message }] });

  if (actor.kind === 'customer') {
    if (!(customerOperations as readonly string[]).includes(body.action)) {
      throw new DomainError('forbidden', '客户只能确认已解决、反馈未解决、重新打开或评价工单');
    }
    if (body.action === 'rate') {
      if (body.rating === undefined) throw missing('rating', '请选择 1–5 分');
      return lifecycle.rate(ticketNo, actor, body.rating, body.comment || undefined, now);
    }
    return lifecycle.act({
      ticketNo,
      action: body.action,
      actor,
      channel: 'miniapp',
      now,
      ...(body.reason ? { reason: body.reason } : {}),
    });
  }

  if (actor.kind !== 'staff') throw new DomainError('forbidden', '无权操作');
  switch (body.action) {
    case 'reply':
      if (!body.text) throw missing('text', '请填写回复内容');
      return lifecycle.reply(ticketNo, actor, body.text, 'miniapp', now);
    case 'changeLevel':
      if (body.level === undefined) throw missing('level', '请选择新的响应级别');
      return lifecycle.changeLevel(ticketNo, actor, body.level, 'miniapp', now);
    case 'remoteSession':
      if (!body.mode) throw missing('mode', '请选择远程方式');
      if (body.minutes === undefined) throw missing('minutes', '请填写时长（分钟）');
      return lifecycle.remoteSession(
        ticketNo,
        actor,
        { mode: body.mode, minutes: body.minutes, ...(body.text ? { note: body.text } : {}) },
        'miniapp',
        now,
      );
    case 'onSiteRequired':
      return lifecycle.onSite(ticketNo, actor, 'required', 'miniapp', now);
    case 'onSiteArrived':
      return lifecycle.onSite(ticketNo, actor, 'arrived', 'miniapp', now);
    case 'rate':
      throw new DomainError('forbidden', '只有客户可以评价工单');
    default: {
      const action: TransitionAction = body.action;
      const target = body.target ? await namedTarget(deps.db, body.target) : undefined;
      return lifecycle.act({
        ticketNo,
        action,
        actor,
        channel: 'miniapp',
        now,
        ...(body.reason ? { reason: body.reason } : {}),
        ...(target ? { target } : {}),
      });
    }
  }
}

/** A transfer target with its name from the directory; an unknown one is a field error. */
async function namedTarget(db: Db, target: { kind: 'team' | 'person'; id: string }): Promise<TransferTarget> {
  if (target.kind === 'team') {
    const team = (await listTeams(db)).find((t) => t.id === target.id);
    if (!team)
      throw new DomainError('validation', `团队 ${target.id} 不存在`, {
        issues: [{ path: 'target.id', message: `团队 ${target.id} 不存在` }],
      });
    return { kind: 'team', id: team.id, name: team.name };
  }
  const person = (await staffModel(db).findById(target.id, { name: 1, active: 1 }).lean()) as {
    name: string;
    active?: boolean;
  } | null;
  if (!person || person.active === false)
    throw new DomainError('validation', `服务人员 ${target.id} 不存在`, {
      issues: [{ path: 'target.id', message: `服务人员 ${target.id} 不存在或已停用` }],
    });
  return { kind: 'person', id: target.id, name: person.name };
}
