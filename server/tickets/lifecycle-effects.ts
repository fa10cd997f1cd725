import { levelCatalog, type ResponseLevel } from '../../shared/catalog.ts';
import { isDomainError } from '../../shared/errors.ts';
import { type TicketType, ticketTypeNames } from '../../shared/routing/ticket-types.ts';
import { formatBeijingDateTime } from '../../shared/sla/promise-text.ts';
import { statusNames } from '../../shared/ticket/status.ts';
import {
  actionNames,
  autoCloseClockStart,
  autoCloseDueAt,
  autoCloseReminderAt,
  defaultLifecycleWindows,
  finalCloseDueAt,
  type LifecycleWindows,
  reopenWindowEndsAt,
} from '../../shared/ticket/transitions.ts';
import type { Db } from '../db/mongo.ts';
import { type OutMessage, quickReply } from '../dingtalk/message.ts';
import type { DirectoryCache } from '../directory/directory-cache.ts';
import { findContact } from '../directory/directory-service.ts';
import {
  autoClosureNotice,
  autoClosureReminder,
  type EmailContent,
  finalClosureNotice,
} from '../email/templates.ts';
import type { Logger } from '../log.ts';
import type { Notice } from '../notifications/outbox.ts';
import type { TimerStore } from '../timers/timer-store.ts';
import type { LifecycleService, TicketEvent } from './lifecycle-service.ts';
import type { Ticket } from './ticket-model.ts';

/**
 * What follows an event on a ticket, all through the outbox (keys derived
 * from the event, so a re-run sends nothing twice):
 * - the customer sees vendor replies, questions and the solution card
 *   (已解决 / 未解决), then a rating request after closure;
 * - the assignee (or owner) and the team's group get the customer's messages;
 * - the accountable owner (首问负责人) is told of every status change made by
 *   someone else;
 * - the ticket's cards in group chats are updated in place;
 * - a dispatch or transfer to a team puts a card with 接单 / 转派 / 升级 in
 *   that team's group;
 * - closure timers: reminder and auto-closure after a proposed solution,
 *   final closure after an auto-closure (ticket timers, see server/timers).
 */
export const closureTimerKinds = {
  reminder: 'autoCloseReminder',
  autoClose: 'autoClose',
  finalClose: 'finalClose',
  stall: 'stallCheck',
} as const;

/** Hours without activity after which the owner of an open ticket is reminded. */
export const defaultStallHours = 48;
const stallMs = (w: { stallHours?: number }) => (w.stallHours ?? defaultStallHours) * 3_600_000;

/** A refusal because another process already did it is success. */
async function settled(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (isDomainError(err) && err.code === 'invalidTransition') return;
    throw err;
  }
}

export interface EffectsDeps {
  db: Db;
  directory: DirectoryCache;
  timers: TimerStore;
  notify: (items: Array<{ key: string; notice: Notice }>) => Promise<void>;
  cardTemplateId: string;
  windows?: Partial<LifecycleWindows> & { stallHours?: number };
  logger: Logger;
}

type Item = { key: string; notice: Notice };

export class LifecycleEffects {
  private readonly windows: LifecycleWindows & { stallHours?: number };

  constructor(private readonly deps: EffectsDeps) {
    this.windows = { ...defaultLifecycleWindows, ...deps.windows };
  }

  onEvent = async (ticket: Ticket, event: TicketEvent): Promise<void> => {
    const items: Item[] = [];
    const key = (what: string) => `${what}:${event._id}`;
    const e = event.entry;
    const toCustomer = (message: OutMessage) =>
      items.push({
        key: key('to-customer'),
        notice: { kind: 'users', userIds: [ticket.contactUserId], message },
      });

    if (e.kind === 'reply')
      toCustomer(md(`工单 ${ticket._id} 有新回复`, `**${e.by.name}**：${e.text ?? ''}`, ticket));
    if (e.kind === 'remoteSession')
      toCustomer(
        md(`工单 ${ticket._id} 远程服务记录`, `${e.by.name} 为您提供了远程服务（${e.text ?? ''}）。`, ticket),
      );
    if (e.kind === 'status') {
      switch (e.action) {
        case 'askCustomer':
          toCustomer({
            type: 'actionCard',
            title: `工单 ${ticket._id} 需要您补充信息`,
            text: `#### 工单 ${ticket._id} 需要您补充信息\n**${e.by.name}**：${e.reason ?? ''}\n\n请直接回复：补充内容会自动记入该工单。`,
            buttons: [quickReply('查看进度', `查询 ${ticket._id}`)],
          });
          break;
        case 'proposeSolution':
          toCustomer({
            type: 'actionCard',
            title: `工单 ${ticket._id} 的解决方案`,
            text: `#### 工单 ${ticket._id} 的解决方案\n**${e.by.name}**：${e.reason ?? ''}\n\n问题解决了吗？请确认。${this.windows.autoCloseMonths} 个月内未确认也未回复，工单将自动关闭。`,
            buttons: [
              quickReply('已解决', `已解决 ${ticket._id}`),
              quickReply('未解决', `未解决 ${ticket._id} `),
            ],
            horizontal: true,
          });
          await this.scheduleClosure(ticket, new Date(e.at), event.at);
          break;
        case 'customerConfirmed':
          toCustomer({
            type: 'actionCard',
            title: '请为本次服务评分',
            text: `工单 ${ticket._id} 已关闭，感谢您的确认！请为本次服务评分（1–5 分，可附意见，例如“评价 ${ticket._id} 5 响应很快”）：`,
            buttons: [5, 4, 3, 2, 1].map((n) => quickReply(`${n} 分`, `评价 ${ticket._id} ${n}`)),
          });
          break;
        case 'autoClose':
          await this.autoClosedNotices(ticket, event, items);
          await this.deps.timers.schedule(
            {
              at: finalCloseDueAt(event.at, this.windows.reopenWindowMonths),
              ticketId: ticket._id,
              kind: closureTimerKinds.finalClose,
            },
            event.at,
          );
          break;
        case 'finalClose':
          await this.finalClosedNotices(ticket, event, items);
          break;
        case 'reopen':
          toCustomer(md(`工单 ${ticket._id} 已重新打开`, '工单已重新打开，将由原负责人继续跟进。', ticket));
          break;
        default:
          break;
      }
      // 首问负责制: the owner hears of every status change someone else makes.
      if (ticket.ownerUserId && ticket.ownerUserId !== e.by.userId)
        items.push({
          key: key('to-owner'),
          notice: {
            kind: 'workNotice',
            userIds: [ticket.ownerUserId],
            message: md(
              `您负责的工单 ${ticket._id} 状态变更`,
              `${e.by.name}：${actionNames[e.action as keyof typeof actionNames]?.zh ?? e.action}，${statusNames[e.from!].zh} → **${statusNames[e.to!].zh}**${e.reason ? `\n\n说明：${e.reason}` : ''}`,
              ticket,
            ),
          },
        });
    }
    if (e.kind === 'customerMessage') {
      const to = ticket.assigneeUserId ?? ticket.ownerUserId;
      const message = md(
        `客户补充：工单 ${ticket._id}`,
        `**${e.by.name}**（${ticket.orgName}）：${e.text ?? ''}`,
        ticket,
      );
      if (to) items.push({ key: key('to-assignee'), notice: { kind: 'workNotice', userIds: [to], message } });
      const group = await this.teamGroup(ticket);
      if (group)
        items.push({ key: key('to-team'), notice: { kind: 'group', conversationId: group, message } });
    }
    // A ticket that arrives in a team: the team's card with the actions.
    if (
      e.kind === 'status' &&
      (e.action === 'dispatch' || e.action === 'transfer') &&
      e.target?.kind === 'team'
    ) {
      const team = (await this.deps.directory.listTeams()).find((t) => t.id === e.target!.id);
      if (team?.groupConversationId)
        items.push({
          key: key('team-card'),
          notice: {
            kind: 'card',
            card: {
              outTrackId: cardId(ticket._id, team.id),
              templateId: this.deps.cardTemplateId,
              params: ticketCardParams(ticket),
              target: { kind: 'group', conversationId: team.groupConversationId },
            },
          },
        });
    }
    // Cards already out are updated in place (status, assignee, SLA).
    for (const teamId of await this.cardTeams(ticket))
      items.push({
        key: key(`card-update-${teamId}`),
        notice: {
          kind: 'cardUpdate',
          outTrackId: cardId(ticket._id, teamId),
          params: ticketCardParams(ticket),
        },
      });
    if (ticket.open && ticket.ownerUserId)
      await this.deps.timers.schedule(
        {
          at: new Date(event.at.getTime() + stallMs(this.windows)),
          ticketId: ticket._id,
          kind: closureTimerKinds.stall,
        },
        event.at,
      );
    if (items.length > 0) await this.deps.notify(items);
  };

  /** Closure timers of a proposed solution (the handler re-checks: a customer reply moves them). */
  async scheduleClosure(ticket: Ticket, proposedAt: Date, now: Date): Promise<void> {
    const start = autoCloseClockStart(
      proposedAt,
      ticket.lastCustomerMessageAt ? new Date(ticket.lastCustomerMessageAt) : undefined,
    );
    const months = this.windows.autoCloseMonths;
    await Promise.all([
      this.deps.timers.schedule(
        {
          at: autoCloseReminderAt(start, months, this.windows.autoCloseReminderDays),
          ticketId: ticket._id,
          kind: closureTimerKinds.reminder,
        },
        now,
      ),
      this.deps.timers.schedule(
        { at: autoCloseDueAt(start, months), ticketId: ticket._id, kind: closureTimerKinds.autoClose },
        now,
      ),
    ]);
  }

  /** Timer handlers (registered with the sweeper). */
  handlers(lifecycle: LifecycleService) {
    const system = { kind: 'system' as const, name: '系统' };
    return {
      [closureTimerKinds.reminder]: async (timer: { ticketId: string }, now: Date) => {
        const ticket = await lifecycle.load(timer.ticketId);
        if (ticket.status !== 'solutionProposed' || !ticket.solutionProposedAt) return;
        const start = autoCloseClockStart(
          new Date(ticket.solutionProposedAt),
          optDate(ticket.lastCustomerMessageAt),
        );
        if (
          now < autoCloseReminderAt(start, this.windows.autoCloseMonths, this.windows.autoCloseReminderDays)
        )
          return;
        const closeAt = autoCloseDueAt(start, this.windows.autoCloseMonths);
        const base = `autoclose-reminder:${ticket._id}:${start.toISOString()}`;
        const items: Item[] = [
          {
            key: `${base}:chat`,
            notice: {
              kind: 'users',
              userIds: [ticket.contactUserId],
              message: {
                type: 'actionCard',
                title: `工单 ${ticket._id} 即将自动关闭`,
                text: `工单 ${ticket._id}（${ticket.title}）的解决方案尚未确认，将于 ${formatBeijingDateTime(closeAt)} 自动关闭。问题解决了吗？`,
                buttons: [
                  quickReply('已解决', `已解决 ${ticket._id}`),
                  quickReply('未解决', `未解决 ${ticket._id} `),
                ],
                horizontal: true,
              },
            },
          },
        ];
        const mail = await this.mailTo(ticket, (name) =>
          autoClosureReminder({
            ticketNo: ticket._id,
            title: ticket.title,
            ...(name ? { recipientName: name } : {}),
            solutionProposedAt: new Date(ticket.solutionProposedAt!),
            autoCloseAt: closeAt,
            autoCloseMonths: this.windows.autoCloseMonths,
          }),
        );
        if (mail) items.push({ key: `${base}:email`, notice: mail });
        await this.deps.notify(items);
      },
      [closureTimerKinds.autoClose]: async (timer: { ticketId: string }, now: Date) => {
        const ticket = await lifecycle.load(timer.ticketId);
        if (ticket.status !== 'solutionProposed' || !ticket.solutionProposedAt) return;
        const start = autoCloseClockStart(
          new Date(ticket.solutionProposedAt),
          optDate(ticket.lastCustomerMessageAt),
        );
        if (now < autoCloseDueAt(start, this.windows.autoCloseMonths)) {
          await this.scheduleClosure(ticket, new Date(ticket.solutionProposedAt), now); // the customer wrote meanwhile
          return;
        }
        await settled(
          lifecycle.act({ ticketNo: ticket._id, action: 'autoClose', actor: system, channel: 'system', now }),
        );
      },
      [closureTimerKinds.finalClose]: async (timer: { ticketId: string }, now: Date) => {
        const ticket = await lifecycle.load(timer.ticketId);
        if (ticket.status !== 'autoClosed' || !ticket.autoClosedAt) return;
        if (now < finalCloseDueAt(new Date(ticket.autoClosedAt), this.windows.reopenWindowMonths)) return;
        await settled(
          lifecycle.act({
            ticketNo: ticket._id,
            action: 'finalClose',
            actor: system,
            channel: 'system',
            now,
          }),
        );
      },
      // 首问负责制: the owner is reminded when an open ticket has had no activity for the stall period.
      [closureTimerKinds.stall]: async (timer: { ticketId: string }, now: Date) => {
        const ticket = await lifecycle.load(timer.ticketId);
        if (!ticket.open || !ticket.ownerUserId || ticket.status === 'solutionProposed') return;
        const last = ticket.timeline.at(-1);
        if (last && now.getTime() - new Date(last.at).getTime() < stallMs(this.windows)) return;
        await this.deps.notify([
          {
            key: `stall:${ticket._id}:v${ticket.version ?? 0}`,
            notice: {
              kind: 'workNotice',
              userIds: [ticket.ownerUserId],
              message: md(
                `您负责的工单 ${ticket._id} 已停滞`,
                `工单已 ${Math.round(stallMs(this.windows) / 3_600_000)} 小时没有进展（当前：${statusNames[ticket.status].zh}${ticket.assigneeUserId ? `，处理人 ${ticket.assigneeUserId}` : ''}），请跟进。`,
                ticket,
              ),
            },
          },
        ]);
      },
    };
  }

  private async autoClosedNotices(ticket: Ticket, event: TicketEvent, items: Item[]) {
    const reopenUntil = reopenWindowEndsAt(event.at, this.windows.reopenWindowMonths);
    items.push({
      key: `autoclosed:${event._id}:chat`,
      notice: {
        kind: 'users',
        userIds: [ticket.contactUserId],
        message: {
          type: 'actionCard',
          title: `工单 ${ticket._id} 已自动关闭`,
          text: `工单 ${ticket._id}（${ticket.title}）提交解决方案后超过 ${this.windows.autoCloseMonths} 个月未确认也未回复，已按服务协议自动关闭。\n\n如问题仍未解决，可在 ${formatBeijingDateTime(reopenUntil)} 前重新打开。`,
          buttons: [quickReply('重新打开', `重新打开 ${ticket._id}`)],
        },
      },
    });
    const mail = await this.mailTo(ticket, (name) =>
      autoClosureNotice({
        ticketNo: ticket._id,
        title: ticket.title,
        ...(name ? { recipientName: name } : {}),
        solutionProposedAt: new Date(ticket.solutionProposedAt ?? event.at),
        autoClosedAt: event.at,
        reopenUntil,
        autoCloseMonths: this.windows.autoCloseMonths,
        reopenWindowMonths: this.windows.reopenWindowMonths,
      }),
    );
    if (mail) items.push({ key: `autoclosed:${event._id}:email`, notice: mail });
  }

  private async finalClosedNotices(ticket: Ticket, event: TicketEvent, items: Item[]) {
    items.push({
      key: `ended:${event._id}:chat`,
      notice: {
        kind: 'users',
        userIds: [ticket.contactUserId],
        message: md(
          `工单 ${ticket._id} 已结束`,
          '自动关闭后一个月内未申请重新打开，工单已正式结束。如有新问题，请发送“报障”。',
          ticket,
        ),
      },
    });
    const mail = await this.mailTo(ticket, (name) =>
      finalClosureNotice({
        ticketNo: ticket._id,
        title: ticket.title,
        ...(name ? { recipientName: name } : {}),
        autoClosedAt: new Date(ticket.autoClosedAt ?? event.at),
        endedAt: event.at,
      }),
    );
    if (mail) items.push({ key: `ended:${event._id}:email`, notice: mail });
  }

  /** An email notice to the ticket's contact, if they have an address. */
  private async mailTo(
    ticket: Ticket,
    content: (name: string | undefined) => EmailContent,
  ): Promise<Notice | null> {
    const contact = await findContact(this.deps.db, ticket.contactUserId);
    if (!contact?.email) return null;
    const mail = content(contact.name);
    return {
      kind: 'email',
      to: [contact.email],
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    } as Notice;
  }

  private async teamGroup(ticket: Ticket): Promise<string | undefined> {
    const teams = await this.deps.directory.listTeams();
    const team = ticket.teamId
      ? teams.find((t) => t.id === ticket.teamId)
      : teams.find((t) => t.kind === 'sorting');
    return team?.groupConversationId;
  }

  /** Teams whose group has this ticket's card: the sorting centre's, and the current team's. */
  private async cardTeams(ticket: Ticket): Promise<string[]> {
    const teams = await this.deps.directory.listTeams();
    const ids = teams.filter((t) => t.kind === 'sorting' && t.groupConversationId).map((t) => t.id);
    if (ticket.teamId && !ids.includes(ticket.teamId)) ids.push(ticket.teamId);
    return ids;
  }
}

export function cardId(ticketNo: string, teamId: string): string {
  return `ticket-${ticketNo}-${teamId}`.slice(0, 64);
}

/** The group card's variables: status, people, SLA, and the buttons for the current status. */
export function ticketCardParams(ticket: Ticket): Record<string, string> {
  const info = levelCatalog[ticket.level];
  const fr = ticket.sla?.clocks.find((c) => c.target === 'firstResponse');
  const sla = fr
    ? fr.state === 'met' || fr.state === 'missed'
      ? `首次响应：${fr.state === 'met' ? '已按时响应' : '已超时响应'}`
      : fr.dueAt
        ? `首次响应时限：${formatBeijingDateTime(new Date(fr.dueAt))}${fr.state === 'breached' ? '（已超时）' : ''}`
        : '首次响应：暂停计时'
    : '无服务时限承诺';
  const buttons =
    ticket.status === 'triage'
      ? [
          { id: 'dispatch', text: '分派' },
          { id: 'level', text: '升级' },
        ]
      : ticket.open
        ? [
            { id: 'claim', text: '接单' },
            { id: 'transfer', text: '转派' },
            { id: 'level', text: '升级' },
          ]
        : [];
  return {
    title: `工单 ${ticket._id}`,
    markdown: [
      `**${ticket.orgName}** · ${ticket.contactName}`,
      `- 产品线：${ticket.productLine}`,
      `- 响应级别：${info.nameZh}`,
      `- 问题：${ticket.description.slice(0, 300)}`,
      `- 状态：${statusNames[ticket.status].zh}`,
      ticket.ownerUserId ? `- 首问负责人：${ticket.ownerUserId}` : '',
      ticket.assigneeUserId ? `- 处理人：${ticket.assigneeUserId}` : '',
      `- ${sla}`,
      ticket.entitled ? '' : `- **${ticket.entitlementNote ?? '不在服务期内'}**（不计入 SLA）`,
      ticket.chargeable ? '- **收费定制（变更需求），不计入 SLA**' : '',
      ticket.status === 'triage' && ticket.triage
        ? `- 分拣建议：${ticketTypeNames[ticket.triage.suggestedType as TicketType]?.zh ?? ticket.triage.suggestedType}，分派给 ${ticket.triage.suggestedTeamId}`
        : '',
    ]
      .filter(Boolean)
      .join('\n'),
    ticketNo: ticket._id,
    status: statusNames[ticket.status].zh,
    level: String(ticket.level),
    sla,
    suggestion: ticket.triage
      ? `建议：${ticketTypeNames[ticket.triage.suggestedType as TicketType]?.zh ?? ticket.triage.suggestedType} · ${levelCatalog[ticket.triage.suggestedLevel as ResponseLevel]?.nameZh ?? ''} · 分派给 ${ticket.triage.suggestedTeamId}`
      : '',
    suggestedTeamId: ticket.triage?.suggestedTeamId ?? '',
    buttons: JSON.stringify(buttons),
  };
}

function md(title: string, body: string, ticket: Ticket): OutMessage {
  return {
    type: 'actionCard',
    title,
    text: `#### ${title}\n${body}`,
    buttons: [quickReply('查看进度', `查询 ${ticket._id}`)],
  };
}

function optDate(d: Date | undefined): Date | undefined {
  return d ? new Date(d) : undefined;
}
