import { createHash } from 'node:crypto';
import type { ResponseLevel } from '../../shared/catalog.ts';
import { levelCatalog } from '../../shared/catalog.ts';
import { computeSlaClocks, type SlaClock, type SlaClocks } from '../../shared/sla/compute-sla-clocks.ts';
import {
  type EscalationEvent,
  type EscalationTicket,
  type Notice as PlannedNotice,
  planEscalation,
} from '../../shared/sla/escalation-plan.ts';
import { firedSlaEvents } from '../../shared/sla/fired-events.ts';
import { isAfterHours } from '../../shared/sla/is-after-hours.ts';
import { selectPolicy } from '../../shared/sla/policy.ts';
import { clockStatusLine, formatBeijingDateTime, promiseText } from '../../shared/sla/promise-text.ts';
import { slaTargetNames } from '../../shared/sla/targets.ts';
import { statusNames, type TicketStatus } from '../../shared/ticket/status.ts';
import type { CalendarService } from '../calendar/calendar-service.ts';
import type { Db } from '../db/mongo.ts';
import type { OutMessage } from '../dingtalk/message.ts';
import type { DirectoryCache } from '../directory/directory-cache.ts';
import type { Team } from '../directory/team-model.ts';
import type { Logger } from '../log.ts';
import type { Notice } from '../notifications/outbox.ts';
import { onCallNow } from '../oncall/oncall-service.ts';
import { type SlaClockSnapshot, type Ticket, type TicketSla, ticketModel } from '../tickets/ticket-model.ts';
import type { TicketTimer, TimerStore } from '../timers/timer-store.ts';
import type { SlaPolicyService } from './sla-policy-service.ts';

/**
 * The SLA engine's side effects: computes a ticket's clocks from its history
 * (pure code in shared/sla), keeps the ticket's snapshot and
 * `nextEscalationAt`, schedules the next timer, and turns escalation plans
 * into outbox notices. Everything here can run twice (redelivery, two
 * processes, a restart) with one effect: clocks are recomputed from the
 * ticket, and each notice's outbox key is derived from the event.
 */
export interface SlaDeps {
  db: Db;
  calendars: CalendarService;
  policies: SlaPolicyService;
  timers: TimerStore;
  directory: DirectoryCache;
  /** The outbox (enqueue + immediate delivery). */
  notify: (items: Array<{ key: string; notice: Notice }>) => Promise<void>;
  cardTemplateId: string;
  logger: Logger;
}

export const slaTimerKind = 'sla';

export interface SlaStart {
  sla: TicketSla;
  nextEscalationAt: Date | null;
  clocks: SlaClocks;
}

export class SlaService {
  constructor(private readonly deps: SlaDeps) {}

  /** The SLA fields of a new ticket (stored with its insert): no write here. */
  async start(input: { tier?: string; level: ResponseLevel; createdAt: Date }): Promise<SlaStart> {
    const [calendar, { policies }] = await Promise.all([
      this.deps.calendars.calendar(),
      this.deps.policies.list(),
    ]);
    const policy = selectPolicy(policies, input.tier);
    const clocks = computeSlaClocks({
      calendar,
      policy,
      level: input.level,
      createdAt: input.createdAt,
      statusHistory: [{ at: input.createdAt, status: 'triage' }],
      now: input.createdAt,
    });
    return {
      sla: {
        policyId: policy.id,
        afterHours: isAfterHours(calendar, input.createdAt),
        clocks: snapshot(clocks),
        evaluatedAt: input.createdAt,
      },
      nextEscalationAt: clocks.nextEscalation?.at ?? null,
      clocks,
    };
  }

  /**
   * After a ticket with a commitment was filed: its first timer, the level-1
   * coordination notice and the after-hours on-call notices. Returns the
   * notices for the caller to enqueue with its own (one outbox batch).
   */
  async afterFiled(ticket: Ticket, now: Date): Promise<Array<{ key: string; notice: Notice }>> {
    if (!ticket.sla) return [];
    const [notices] = await Promise.all([
      this.noticesFor(ticket, { kind: 'created', at: ticket.createdAt }),
      ticket.nextEscalationAt ? this.schedule(ticket._id, ticket.nextEscalationAt, now) : undefined,
    ]);
    return notices;
  }

  /** The customer's promise line for a new ticket, from its first-response clock. */
  promiseFor(ticket: Ticket, clocks: SlaClocks): string {
    const c = clocks.clocks.firstResponse;
    if (!c.dueAt) return '';
    return promiseText({
      target: 'firstResponse',
      level: ticket.level,
      dueAt: c.dueAt,
      budgetMinutes: c.budgetMinutes,
      unit: c.unit,
    });
  }

  /** Clocks as of now (for 查询, lists): computed, not stored. */
  async clocksOf(ticket: Ticket, now: Date): Promise<SlaClocks | null> {
    if (!ticket.sla) return null;
    const [calendar, policy] = await Promise.all([this.deps.calendars.calendar(), this.policyOf(ticket)]);
    return computeSlaClocks({ calendar, policy, level: ticket.level, ...clockInput(ticket), now });
  }

  /** Lines for 查询: each clock with time left or how it ended. */
  async statusLines(ticket: Ticket, now: Date): Promise<string[]> {
    const clocks = await this.clocksOf(ticket, now);
    if (!clocks) return [];
    return Object.values(clocks.clocks).map((c: SlaClock) => {
      const due =
        c.dueAt && (c.state === 'running' || c.state === 'breached')
          ? `（时限 ${formatBeijingDateTime(c.dueAt)}）`
          : '';
      return `${clockStatusLine(c)}${due}`;
    });
  }

  /** Timer handler: escalations that have happened, then the next timer. */
  handleTimer = async (timer: TicketTimer, now: Date): Promise<void> => {
    await this.evaluate(timer.ticketId, now);
  };

  /**
   * Recomputes a ticket's clocks (after a timer, a status change, a reply, a
   * level change), sends the escalations that have happened (each once),
   * stores the snapshot and schedules the next timer when it moved.
   */
  async evaluate(ticketId: string, now: Date, extra: EscalationEvent[] = []): Promise<SlaClocks | null> {
    const ticket = (await ticketModel(this.deps.db).findById(ticketId).lean()) as Ticket | null;
    if (!ticket?.sla) return null;
    const clocks = await this.clocksOf(ticket, now);
    if (!clocks) return null;
    const events: EscalationEvent[] = [
      ...firedSlaEvents(clocks).map((e) => ({ kind: e.kind, target: e.target, at: e.at })),
      ...extra,
    ];
    const notices = (await Promise.all(events.map((e) => this.noticesFor(ticket, e)))).flat();
    if (notices.length > 0) await this.deps.notify(notices);

    const next = clocks.nextEscalation?.at ?? null;
    const stored = ticket.nextEscalationAt ? new Date(ticket.nextEscalationAt).getTime() : null;
    const changed =
      (next?.getTime() ?? null) !== stored || stateKey(ticket.sla.clocks) !== stateKey(snapshot(clocks));
    if (next && next.getTime() !== stored) await this.schedule(ticket._id, next, now);
    if (changed) {
      await ticketModel(this.deps.db).updateOne(
        { _id: ticket._id },
        { $set: { 'sla.clocks': snapshot(clocks), 'sla.evaluatedAt': now, nextEscalationAt: next } },
      );
    }
    return clocks;
  }

  private schedule(ticketId: string, at: Date, now: Date): Promise<string> {
    return this.deps.timers.schedule({ at, ticketId, kind: slaTimerKind }, now);
  }

  private async policyOf(ticket: Ticket) {
    const byId = ticket.sla ? await this.deps.policies.byId(ticket.sla.policyId) : undefined;
    return byId ?? selectPolicy((await this.deps.policies.list()).policies, ticket.tier);
  }

  /** An escalation event → outbox notices, recipients resolved from the directory and rosters. */
  private async noticesFor(
    ticket: Ticket,
    event: EscalationEvent,
  ): Promise<Array<{ key: string; notice: Notice }>> {
    const [calendar, teams] = await Promise.all([
      this.deps.calendars.calendar(),
      this.deps.directory.listTeams(),
    ]);
    const sorting = teams.find((t) => t.kind === 'sorting');
    const team: Team | undefined = ticket.teamId ? teams.find((t) => t.id === ticket.teamId) : undefined;
    const branch = ticket.branch;
    // Who is on call matters only to notices that name them (level 1–2 reported or raised).
    const namesOnCall = (event.kind === 'created' || event.kind === 'levelRaised') && ticket.level <= 2;
    const onCall = branch && namesOnCall ? await onCallNow(this.deps.db, branch, event.at) : [];
    const escalationTicket: EscalationTicket = {
      ticketNo: ticket._id,
      level: ticket.level,
      ...(ticket.assigneeUserId ? { assigneeUserId: ticket.assigneeUserId } : {}),
      ...(team?.groupConversationId ? { teamGroupId: team.groupConversationId } : {}),
      ...((team ?? sorting)?.leadUserId ? { teamLeadUserId: (team ?? sorting)!.leadUserId! } : {}),
      ...(sorting?.groupConversationId ? { sortingCentreGroupId: sorting.groupConversationId } : {}),
      ...(branch ? { branch } : {}),
      customerRef: ticket.contactUserId,
      onCall: onCall.map((e) => ({ name: e.name, phone: e.phone, ...(e.email ? { email: e.email } : {}) })),
    };
    const plan = planEscalation({ event, ticket: escalationTicket, calendar });
    // Unassigned tickets fall back to the sorting centre: only a notice that reaches nobody is a problem.
    if (plan.unresolved.length > 0)
      (plan.notices.length === 0 ? this.deps.logger.warn : this.deps.logger.debug).call(
        this.deps.logger,
        { ticket: ticket._id, event: plan.eventKey, unresolved: plan.unresolved },
        'SLA notice recipients missing',
      );
    const branchTeam = teams.find((t) => t.kind === 'branch' && (t.branch ?? t.name) === (branch ?? ''));
    const out: Array<{ key: string; notice: Notice }> = [];
    for (const n of plan.notices) {
      const notice = this.render(ticket, event, n, {
        rosterUserIds: onCall.map((e) => e.userId),
        ...(branchTeam?.groupConversationId ? { branchGroupId: branchTeam.groupConversationId } : {}),
        ...(branchTeam?.leadUserId ? { branchLeadUserId: branchTeam.leadUserId } : {}),
      });
      if (notice) out.push({ key: n.key, notice });
    }
    return out;
  }

  private render(
    ticket: Ticket,
    event: EscalationEvent,
    n: PlannedNotice,
    branch: { rosterUserIds: string[]; branchGroupId?: string; branchLeadUserId?: string },
  ): Notice | null {
    const message = noticeMessage(ticket, event, n);
    switch (n.kind) {
      case 'user':
        if (n.channel === 'card') return this.card(ticket, n, { kind: 'user', userId: n.ref });
        return { kind: 'workNotice', userIds: [n.ref], message };
      case 'group':
        if (n.channel === 'card') return this.card(ticket, n, { kind: 'group', conversationId: n.ref });
        return { kind: 'group', conversationId: n.ref, message };
      case 'roster': {
        if (n.channel === 'groupMessage')
          return branch.branchGroupId
            ? { kind: 'group', conversationId: branch.branchGroupId, message }
            : null;
        // The coordination notice also goes to the branch lead; on-call notices to who is on call.
        const userIds = [
          ...new Set(
            n.template === 'sla.coordination' && branch.branchLeadUserId
              ? [branch.branchLeadUserId, ...branch.rosterUserIds]
              : branch.rosterUserIds,
          ),
        ];
        return userIds.length > 0 ? { kind: 'workNotice', userIds, message } : null;
      }
      case 'customer':
        return { kind: 'users', userIds: [n.ref], message };
    }
  }

  private card(
    ticket: Ticket,
    n: PlannedNotice,
    target: { kind: 'group'; conversationId: string } | { kind: 'user'; userId: string },
  ): Notice {
    const digest = createHash('sha256').update(n.key).digest('hex').slice(0, 16);
    return {
      kind: 'card',
      card: {
        outTrackId: `sla-${ticket._id}-${digest}`.slice(0, 64),
        templateId: this.deps.cardTemplateId,
        params: {
          title: `⚠️ 工单 ${ticket._id} 已超出服务时限`,
          markdown: [
            `**${ticket.orgName}** · ${ticket.contactName}`,
            `- 产品线：${ticket.productLine}`,
            `- 响应级别：${levelCatalog[ticket.level].nameZh}`,
            `- 问题：${ticket.description.slice(0, 200)}`,
            `- 状态：${statusNames[ticket.status].zh}`,
          ].join('\n'),
          ticketNo: ticket._id,
          status: statusNames[ticket.status].zh,
          level: String(ticket.level),
          buttons: '[]',
        },
        target,
      },
    };
  }
}

/** The status history and SLA facts of a stored ticket, as computeSlaClocks takes them. */
export function clockInput(ticket: Ticket) {
  const statusHistory: Array<{ at: Date; status: TicketStatus }> = [];
  for (const e of ticket.timeline) {
    if ((e.kind === 'created' || e.kind === 'status') && e.to)
      statusHistory.push({ at: new Date(e.at), status: e.to });
  }
  if (statusHistory.length === 0) statusHistory.push({ at: new Date(ticket.createdAt), status: 'triage' });
  const sla = ticket.sla!;
  return {
    createdAt: new Date(ticket.createdAt),
    statusHistory,
    ...(sla.firstResponseAt ? { firstResponseAt: new Date(sla.firstResponseAt) } : {}),
    ...(sla.vendorUpdates ? { vendorUpdates: sla.vendorUpdates.map((d) => new Date(d)) } : {}),
    ...(sla.resolvedAt ? { resolvedAt: new Date(sla.resolvedAt) } : {}),
    ...(sla.onSite
      ? {
          onSite: {
            requiredAt: new Date(sla.onSite.requiredAt),
            ...(sla.onSite.arrivedAt ? { arrivedAt: new Date(sla.onSite.arrivedAt) } : {}),
          },
        }
      : {}),
  };
}

export function snapshot(clocks: SlaClocks): SlaClockSnapshot[] {
  return Object.values(clocks.clocks).map((c: SlaClock) => ({
    target: c.target,
    state: c.state,
    unit: c.unit,
    budgetMinutes: c.budgetMinutes,
    elapsedMinutes: Math.round(c.elapsedMinutes * 100) / 100,
    dueAt: c.dueAt,
    atRiskAt: c.atRiskAt,
    ...(c.completedAt ? { completedAt: c.completedAt } : {}),
  }));
}

function stateKey(clocks: readonly SlaClockSnapshot[]): string {
  return clocks.map((c) => `${c.target}:${c.state}:${c.dueAt ? new Date(c.dueAt).getTime() : '-'}`).join('|');
}

/** zh-CN text of an escalation notice. */
function noticeMessage(ticket: Ticket, event: EscalationEvent, n: PlannedNotice): OutMessage {
  const level = levelCatalog[ticket.level].nameZh;
  const head = `工单 ${ticket._id}（${ticket.orgName} · ${ticket.productLine} · ${level}）`;
  const target = 'target' in event ? slaTargetNames[event.target].zh : '';
  switch (n.template) {
    case 'sla.atRisk':
      return {
        type: 'markdown',
        title: `工单 ${ticket._id} 即将超时`,
        text: `#### ⏰ 即将超时\n${head}\n\n${target}时限将于 ${formatBeijingDateTime(dueOf(ticket, event))} 到期，请尽快处理。\n\n问题：${ticket.description.slice(0, 200)}`,
      };
    case 'sla.breach':
      return {
        type: 'markdown',
        title: `工单 ${ticket._id} 已超时`,
        text: `#### ⚠️ 已超出服务时限\n${head}\n\n${target}时限已于 ${formatBeijingDateTime(event.at)} 到期。`,
      };
    case 'sla.coordination':
      return {
        type: 'markdown',
        title: `一级故障技术协调会：${ticket._id}`,
        text: `#### 🚨 一级故障：请立即召开技术协调会\n${head}\n\n客户：${ticket.contactName}\n\n问题：${ticket.description.slice(0, 300)}\n\n按服务协议，一级问题须立即组织技术协调会；远程无法解决时，工程师须在 48 小时内到达现场。`,
      };
    case 'sla.afterHours.onCall':
      return {
        type: 'markdown',
        title: `非工作时间紧急工单：${ticket._id}`,
        text: `#### 🌙 非工作时间紧急工单\n${head}\n\n客户：${ticket.contactName}\n\n问题：${ticket.description.slice(0, 300)}\n\n请值班人员立即组织故障分析和远程服务。`,
      };
    case 'sla.afterHours.customer': {
      const people = (n.onCall ?? [])
        .map((p) => `- ${p.name}　电话 ${p.phone ?? '—'}${p.email ? `　邮箱 ${p.email}` : ''}`)
        .join('\n');
      return {
        type: 'markdown',
        title: '非工作时间值班联系人',
        text: `现在是非工作时间，您的工单 ${ticket._id} 已立即转交值班人员处理。\n\n值班联系人：\n${people || '- 请拨打服务热线'}`,
      };
    }
  }
}

function dueOf(ticket: Ticket, event: EscalationEvent): Date {
  if (!('target' in event)) return event.at;
  const c = ticket.sla?.clocks.find((x) => x.target === event.target);
  return c?.dueAt ? new Date(c.dueAt) : event.at;
}
