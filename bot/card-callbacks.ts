import { z } from 'zod';
import type { Db } from '../server/db/mongo.ts';
import type { Logger } from '../server/log.ts';
import { ticketCardParams } from '../server/tickets/lifecycle-effects.ts';
import {
  type LifecycleService,
  resolveTransferTarget,
  staffActor,
} from '../server/tickets/lifecycle-service.ts';
import { isDomainError } from '../shared/errors.ts';

/**
 * Taps on the ticket cards in group chats (接单, 分派/转派 with a target,
 * 升级 with a level). The answer is the card's new state, which DingTalk
 * applies in place for everyone; a refusal leaves the card as it is and
 * shows why (`notice`). Never throws for bad input: a callback that cannot
 * succeed is acknowledged, not redelivered.
 */
const callbackSchema = z.looseObject({
  outTrackId: z.string(),
  userId: z.string(),
  content: z.string(),
});
const contentSchema = z.looseObject({
  cardPrivateData: z.looseObject({
    actionIds: z.array(z.string()).min(1),
    params: z.record(z.string(), z.string()).optional(),
  }),
});

export async function handleCardCallback(
  data: string,
  deps: { db: Db; lifecycle: LifecycleService; now: () => Date; logger: Logger },
): Promise<unknown> {
  let parsed: { outTrackId: string; userId: string; action: string; params: Record<string, string> };
  try {
    const cb = callbackSchema.parse(JSON.parse(data));
    const content = contentSchema.parse(JSON.parse(cb.content));
    parsed = {
      outTrackId: cb.outTrackId,
      userId: cb.userId,
      action: content.cardPrivateData.actionIds[0]!,
      params: content.cardPrivateData.params ?? {},
    };
  } catch (err) {
    deps.logger.warn({ err, data: data.slice(0, 300) }, 'dropped a malformed card callback');
    return {};
  }
  const ticketNo = parsed.params.ticketNo ?? /^ticket-([A-Z]{1,6}-\d{4}-\d{6})-/.exec(parsed.outTrackId)?.[1];
  if (!ticketNo) return {};
  const notice = (text: string) => ({ cardData: { cardParamMap: { notice: text } } });
  const actor = await staffActor(deps.db, parsed.userId);
  if (!actor) return notice('只有服务团队成员可以操作工单卡片');
  const now = deps.now();
  try {
    let ticket: Awaited<ReturnType<LifecycleService['load']>>;
    switch (parsed.action) {
      case 'claim':
        ticket = await deps.lifecycle.act({ ticketNo, action: 'claim', actor, channel: 'dingtalk', now });
        break;
      case 'dispatch':
      case 'transfer': {
        const target = await resolveTransferTarget(deps.db, parsed.params.target ?? '');
        if (!target) return notice('请选择要转给的团队或工程师');
        ticket = await deps.lifecycle.act({
          ticketNo,
          action: parsed.action,
          actor,
          channel: 'dingtalk',
          now,
          target,
        });
        break;
      }
      case 'level':
        ticket = await deps.lifecycle.changeLevel(
          ticketNo,
          actor,
          Number(parsed.params.level),
          'dingtalk',
          now,
        );
        break;
      default:
        return notice(`未知操作：${parsed.action}`);
    }
    return { cardData: { cardParamMap: { ...ticketCardParams(ticket), notice: `${actor.name} 已操作` } } };
  } catch (err) {
    if (isDomainError(err)) return notice(err.message);
    throw err;
  }
}
