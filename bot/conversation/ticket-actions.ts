import { type OutMessage, quickReply } from '../../server/dingtalk/message.ts';
import { type LifecycleActor, resolveTransferTarget } from '../../server/tickets/lifecycle-service.ts';
import type { Ticket } from '../../server/tickets/ticket-model.ts';
import { listOpenTickets } from '../../server/tickets/ticket-service.ts';
import { levelCatalog } from '../../shared/catalog.ts';
import { isDomainError } from '../../shared/errors.ts';
import { statusNames } from '../../shared/ticket/status.ts';
import type { InboundMessage } from '../inbound.ts';
import type { ConversationDeps } from './conversation.ts';
import type { TicketCommand } from './ticket-commands.ts';

/**
 * Runs ticket commands typed in chat through the lifecycle service and says
 * what happened. Refusals (wrong status, not allowed, another organisation's
 * ticket) come back as a short reply, never as an error.
 */
type Staff = LifecycleActor & { kind: 'staff' };
type Customer = LifecycleActor & { kind: 'customer' };

const text = (content: string): OutMessage => ({ type: 'text', content });

export async function runStaffCommand(
  deps: ConversationDeps,
  _msg: InboundMessage,
  actor: Staff,
  cmd: TicketCommand,
): Promise<OutMessage[]> {
  const lc = deps.lifecycle;
  const now = deps.now();
  const channel = 'dingtalk' as const;
  return guarded(cmd.ticketNo, async () => {
    switch (cmd.kind) {
      case 'claim':
        return done(
          await lc.act({ ticketNo: cmd.ticketNo, action: 'claim', actor, channel, now }),
          `${actor.name} 已接单`,
        );
      case 'startWork':
        return done(
          await lc.act({ ticketNo: cmd.ticketNo, action: 'startWork', actor, channel, now }),
          '已开始处理',
        );
      case 'dispatch':
      case 'transfer': {
        const target = await resolveTransferTarget(deps.db, cmd.target);
        if (!target)
          return [
            text(`找不到团队或工程师“${cmd.target}”。请用团队编号（如 support-ekp）或工程师的钉钉 userId。`),
          ];
        const t = await lc.act({ ticketNo: cmd.ticketNo, action: cmd.kind, actor, channel, now, target });
        return done(
          t,
          `已${cmd.kind === 'dispatch' ? '分派' : '转派'}给 ${target.name ?? target.id}（首问负责人不变）`,
        );
      }
      case 'level': {
        const t = await lc.changeLevel(cmd.ticketNo, actor, cmd.level, channel, now);
        return done(t, `响应级别已调整为${levelCatalog[t.level].nameZh}，服务时限已按新级别重新计算`);
      }
      case 'reply': {
        const t = await lc.reply(cmd.ticketNo, actor, cmd.text, channel, now);
        return done(t, '已回复客户');
      }
      case 'ask': {
        const t = await lc.act({
          ticketNo: cmd.ticketNo,
          action: 'askCustomer',
          actor,
          channel,
          now,
          reason: cmd.text,
        });
        return done(t, '已请客户补充信息（等待客户期间暂停计时）');
      }
      case 'solution': {
        const t = await lc.act({
          ticketNo: cmd.ticketNo,
          action: 'proposeSolution',
          actor,
          channel,
          now,
          reason: cmd.text,
        });
        return done(t, '解决方案已发给客户，等待客户确认');
      }
      case 'remote': {
        const t = await lc.remoteSession(
          cmd.ticketNo,
          actor,
          { mode: cmd.mode, minutes: cmd.minutes, note: cmd.note },
          channel,
          now,
        );
        return done(t, '远程服务已记录');
      }
      case 'onSite': {
        const t = await lc.onSite(cmd.ticketNo, actor, cmd.what, channel, now);
        return done(t, cmd.what === 'required' ? '已登记需要现场服务：48 小时内到达现场' : '已登记到达现场');
      }
      default:
        return [text('这个命令由客户使用。')];
    }
  });
}

export async function runCustomerCommand(
  deps: ConversationDeps,
  actor: Customer,
  orgId: string,
  cmd: TicketCommand,
): Promise<OutMessage[]> {
  const lc = deps.lifecycle;
  const now = deps.now();
  return guarded(cmd.ticketNo, async () => {
    const ticket = await lc.load(cmd.ticketNo);
    if (ticket.orgId !== orgId) return [notFound(cmd.ticketNo)];
    switch (cmd.kind) {
      case 'confirm':
        await lc.act({
          ticketNo: cmd.ticketNo,
          action: 'customerConfirmed',
          actor,
          channel: 'dingtalk',
          now,
        });
        return [text(`感谢确认，工单 ${cmd.ticketNo} 已关闭。`)];
      case 'reject':
        await lc.act({
          ticketNo: cmd.ticketNo,
          action: 'customerRejected',
          actor,
          channel: 'dingtalk',
          now,
          reason: cmd.reason,
        });
        return [text(`已反馈给工程师，工单 ${cmd.ticketNo} 将继续处理。`)];
      case 'rate':
        await lc.rate(cmd.ticketNo, actor, cmd.rating, cmd.comment || undefined, now);
        return [text(`感谢您的评价（${cmd.rating} 分）！`)];
      case 'reopen':
        try {
          await lc.act({ ticketNo: cmd.ticketNo, action: 'reopen', actor, channel: 'dingtalk', now });
        } catch (err) {
          // After the window: offer a new ticket linked to this one.
          if (isDomainError(err) && err.details?.offer === 'newLinkedTicket')
            return [
              {
                type: 'actionCard',
                title: `工单 ${cmd.ticketNo} 无法重新打开`,
                text: `${err.message}\n\n可以新建一个工单并关联原工单 ${cmd.ticketNo}，工程师会看到原来的处理记录。`,
                buttons: [
                  quickReply(
                    '新建关联工单',
                    `报障 ${ticket.productLine} ${ticket.level}级 关联 ${cmd.ticketNo}：问题仍未解决`,
                  ),
                ],
              },
            ];
          throw err;
        }
        return [text(`工单 ${cmd.ticketNo} 已重新打开，将由原负责人继续跟进。`)];
      default:
        return [text('这个命令由服务工程师使用。')];
    }
  });
}

/**
 * A customer's free message that answers an open question: attached to the
 * ticket waiting for them (and moves it back to in progress), or to the
 * ticket it names. Returns null when the message is not about a ticket.
 */
export async function customerFollowUp(
  deps: ConversationDeps,
  msg: InboundMessage,
  actor: Customer,
  orgId: string,
  namedTicketNo: string | undefined,
): Promise<OutMessage[] | null> {
  const now = deps.now();
  const lc = deps.lifecycle;
  let ticket: Ticket | undefined;
  if (namedTicketNo) {
    const t = await lc.load(namedTicketNo).catch(() => undefined);
    if (!t || t.orgId !== orgId) return null;
    ticket = t;
  } else {
    const waiting = (await listOpenTickets(deps.db, orgId, 50)).filter(
      (t) => t.contactUserId === actor.userId && t.status === 'waitingCustomer',
    );
    if (waiting.length === 0) return null;
    if (waiting.length > 1)
      return [
        text(
          `您有 ${waiting.length} 个工单在等待补充信息（${waiting.map((t) => t._id).join('、')}）。请在内容前加上工单号，例如：${waiting[0]!._id} 补充的内容`,
        ),
      ];
    ticket = waiting[0]!;
  }
  const body = msg.text.replace(/[A-Za-z]{1,6}-\d{4}-\d{1,9}/, '').trim() || '（附件）';
  await lc.customerMessage(ticket._id, actor, body, 'dingtalk', now, msg.attachments);
  if (ticket.status === 'waitingCustomer')
    await lc.act({ ticketNo: ticket._id, action: 'customerReplied', actor, channel: 'dingtalk', now });
  return [text(`已将您的补充记入工单 ${ticket._id}，并转告处理工程师。`)];
}

function done(ticket: Ticket, what: string): OutMessage[] {
  return [text(`工单 ${ticket._id}：${what}。当前状态：${statusNames[ticket.status].zh}。`)];
}

function notFound(ticketNo: string): OutMessage {
  return text(`没有找到工单 ${ticketNo}。请检查工单号，或发送“我的工单”查看贵单位的工单。`);
}

/** Domain refusals become replies: the reason the transition table gives, in zh-CN. */
async function guarded(ticketNo: string, run: () => Promise<OutMessage[]>): Promise<OutMessage[]> {
  try {
    return await run();
  } catch (err) {
    if (!isDomainError(err)) throw err;
    if (err.code === 'notFound') return [notFound(ticketNo)];
    return [text(`无法执行：${err.message}`)];
  }
}
