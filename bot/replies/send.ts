import type { DingTalkPort } from '../../server/dingtalk/dingtalk-client.ts';
import { DingTalkError } from '../../server/dingtalk/errors.ts';
import type { OutMessage } from '../../server/dingtalk/message.ts';
import type { InboundMessage } from '../inbound.ts';

/**
 * Replies to a message: through its sessionWebhook while that lives, else
 * (expired, or DingTalk answers 300001) through the proactive robot API —
 * one-to-one by userid, or to the group by its conversation id.
 */
export async function sendReplies(
  dingtalk: DingTalkPort,
  msg: InboundMessage,
  replies: OutMessage[],
  now: number,
): Promise<void> {
  for (const reply of replies) {
    if (msg.sessionWebhook && (msg.sessionWebhookExpiresAt ?? Number.POSITIVE_INFINITY) > now + 5_000) {
      try {
        await dingtalk.replyBySession(msg.sessionWebhook, reply);
        continue;
      } catch (err) {
        if (!(err instanceof DingTalkError && err.isSessionExpired)) throw err;
      }
    }
    if (msg.isGroup) await dingtalk.sendToGroup(msg.conversationId, reply);
    else if (msg.senderUserId) await dingtalk.sendToUsers([msg.senderUserId], reply);
    else throw new DingTalkError('reply', 'noRoute', 'session expired and the sender has no userid');
  }
}
