import { z } from 'zod';
import { isResponse, openApiApp } from './authRoutes.ts';
import { openApiBody } from './bodyParsing.ts';
import { jsonBody, oapiError, oapiOk, openApiError, openApiOk, type Router } from './httpKit.ts';
import { newBase64Key, oneToOneConversationId } from './ids.ts';
import type { Platform } from './platform.ts';
import { parseMsgParam } from './robotMsgKey.ts';
import { parseWebhookMessage } from './webhookMessage.ts';

/** Robot replies (§c1 sessionWebhook) and proactive sends (§c2), each recorded. */

const maxOtoUsers = 20;
const id = z.string().min(1).max(256);

const otoSchema = z.looseObject({
  robotCode: id,
  userIds: z.array(z.string().max(256)).min(1),
  msgKey: z.string().min(1).max(64),
  msgParam: z.string().min(1),
});

const groupSchema = z.looseObject({
  robotCode: id,
  openConversationId: id,
  msgKey: z.string().min(1).max(64),
  msgParam: z.string().min(1),
  coolAppCode: z.string().optional(),
});

const downloadSchema = z.looseObject({ downloadCode: z.string().min(1).max(1024), robotCode: id });

const robotCodeAuth = () => openApiError(400, 'invalidParameter.robotCode.auth', 'robotCode 不属于当前应用');

export function addRobotRoutes(router: Router, p: Platform): void {
  router.add('POST', '/robot/sendBySession', (req) => {
    const session = p.sessions.get(req.query.get('session') ?? '');
    if (!session) return oapiError(300001, 'session 不存在');
    const body = jsonBody(req);
    const parsed = parseWebhookMessage(body.ok ? body.value : undefined);
    if (!parsed.ok) return oapiError(parsed.errcode, parsed.errmsg);
    p.recorder.add({
      kind: 'reply',
      appClientId: session.appClientId,
      robotCode: session.robotCode,
      conversationId: session.conversationId,
      conversationType: session.conversationType,
      ...(session.conversationType === '1' ? { userId: session.userId } : {}),
      content: parsed.content,
      raw: body.ok ? body.value : undefined,
    });
    return oapiOk({});
  });

  router.add('POST', '/v1.0/robot/oToMessages/batchSend', (req) => {
    const app = openApiApp(p, req);
    if (isResponse(app)) return app;
    const body = openApiBody(req, otoSchema);
    if (!body.ok) return body.response;
    const b = body.value;
    if (b.robotCode !== app.robotCode) return robotCodeAuth();
    if (b.userIds.length > maxOtoUsers) {
      return openApiError(400, 'invalidParameter.userIds.overMax', `userIds 一次最多 ${maxOtoUsers} 个`);
    }
    const parsed = parseMsgParam(b.msgKey, b.msgParam);
    if (!parsed.ok) return openApiError(400, parsed.code, parsed.message);
    const invalidStaffIdList: string[] = [];
    for (const userId of new Set(b.userIds)) {
      const user = p.registry.user(userId);
      if (!user || user.external) {
        invalidStaffIdList.push(userId);
        continue;
      }
      p.recorder.add({
        kind: 'otoSend',
        appClientId: app.clientId,
        robotCode: b.robotCode,
        conversationId: oneToOneConversationId(b.robotCode, userId),
        conversationType: '1',
        userId,
        content: parsed.content,
        raw: b,
      });
    }
    return openApiOk({
      processQueryKey: newBase64Key(32),
      invalidStaffIdList,
      flowControlledStaffIdList: [],
    });
  });

  router.add('POST', '/v1.0/robot/groupMessages/send', (req) => {
    const app = openApiApp(p, req);
    if (isResponse(app)) return app;
    const body = openApiBody(req, groupSchema);
    if (!body.ok) return body.response;
    const b = body.value;
    if (b.robotCode !== app.robotCode) return robotCodeAuth();
    const group = p.registry.group(b.openConversationId);
    if (!group?.robotCodes.includes(b.robotCode)) {
      return openApiError(400, 'invalid.openConversationId', 'openConversationId 不合法或机器人不在该群中');
    }
    const parsed = parseMsgParam(b.msgKey, b.msgParam);
    if (!parsed.ok) return openApiError(400, parsed.code, parsed.message);
    p.recorder.add({
      kind: 'groupSend',
      appClientId: app.clientId,
      robotCode: b.robotCode,
      conversationId: b.openConversationId,
      conversationType: '2',
      content: parsed.content,
      raw: b,
    });
    return openApiOk({ processQueryKey: newBase64Key(32) });
  });

  // downloadCode of a picture/file message → a temporary URL (§b)
  router.add('POST', '/v1.0/robot/messageFiles/download', (req) => {
    const app = openApiApp(p, req);
    if (isResponse(app)) return app;
    const body = openApiBody(req, downloadSchema);
    if (!body.ok) return body.response;
    const { downloadCode, robotCode } = body.value;
    if (robotCode !== app.robotCode) return robotCodeAuth();
    const file = p.files.get(downloadCode);
    if (!file || file.robotCode !== robotCode)
      return openApiError(400, 'invalidParameter.downloadCode', 'downloadCode 不合法');
    return openApiOk({ downloadUrl: `${p.publicUrl}/_sim/file?code=${encodeURIComponent(downloadCode)}` });
  });
}
