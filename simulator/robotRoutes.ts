import { isResponse, openApiApp } from './authRoutes.ts';
import { isRecord, str } from './fieldAccess.ts';
import {
  jsonBody,
  oapiError,
  oapiOk,
  openApiError,
  openApiMissing,
  openApiOk,
  type Router,
} from './httpKit.ts';
import { newBase64Key, oneToOneConversationId } from './ids.ts';
import type { Platform } from './platform.ts';
import { parseMsgParam } from './robotMsgKey.ts';
import { parseWebhookMessage } from './webhookMessage.ts';

/** Robot replies (§c1 sessionWebhook) and proactive sends (§c2), each recorded. */

const maxOtoUsers = 20;

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
    const body = jsonBody(req);
    if (!body.ok || !isRecord(body.value))
      return openApiError(400, 'Missingbody', 'body is mandatory for this action.');
    const b = body.value;
    const robotCode = str(b, 'robotCode');
    if (!robotCode) return openApiMissing('robotCode');
    if (robotCode !== app.robotCode)
      return openApiError(400, 'invalidParameter.robotCode.auth', 'robotCode 不属于当前应用');
    if (!Array.isArray(b.userIds) || b.userIds.length === 0) return openApiMissing('userIds');
    if (!b.userIds.every((u) => typeof u === 'string')) {
      return openApiError(400, 'invalidParameter.userIds.invalid', 'userIds 必须是字符串数组');
    }
    if (b.userIds.length > maxOtoUsers) {
      return openApiError(400, 'invalidParameter.userIds.overMax', `userIds 一次最多 ${maxOtoUsers} 个`);
    }
    const msgKey = str(b, 'msgKey');
    if (!msgKey) return openApiMissing('msgKey');
    const msgParam = str(b, 'msgParam');
    if (!msgParam) return openApiMissing('msgParam');
    const parsed = parseMsgParam(msgKey, msgParam);
    if (!parsed.ok) return openApiError(400, parsed.code, parsed.message);
    const invalidStaffIdList: string[] = [];
    for (const userId of new Set(b.userIds as string[])) {
      const user = p.registry.user(userId);
      if (!user || user.external) {
        invalidStaffIdList.push(userId);
        continue;
      }
      p.recorder.add({
        kind: 'otoSend',
        appClientId: app.clientId,
        robotCode,
        conversationId: oneToOneConversationId(robotCode, userId),
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
    const body = jsonBody(req);
    if (!body.ok || !isRecord(body.value))
      return openApiError(400, 'Missingbody', 'body is mandatory for this action.');
    const b = body.value;
    const robotCode = str(b, 'robotCode');
    if (!robotCode) return openApiMissing('robotCode');
    if (robotCode !== app.robotCode)
      return openApiError(400, 'invalidParameter.robotCode.auth', 'robotCode 不属于当前应用');
    const openConversationId = str(b, 'openConversationId');
    if (!openConversationId) return openApiMissing('openConversationId');
    const group = p.registry.group(openConversationId);
    if (!group?.robotCodes.includes(robotCode)) {
      return openApiError(400, 'invalid.openConversationId', 'openConversationId 不合法或机器人不在该群中');
    }
    const msgKey = str(b, 'msgKey');
    if (!msgKey) return openApiMissing('msgKey');
    const msgParam = str(b, 'msgParam');
    if (!msgParam) return openApiMissing('msgParam');
    const parsed = parseMsgParam(msgKey, msgParam);
    if (!parsed.ok) return openApiError(400, parsed.code, parsed.message);
    p.recorder.add({
      kind: 'groupSend',
      appClientId: app.clientId,
      robotCode,
      conversationId: openConversationId,
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
    const body = jsonBody(req);
    if (!body.ok || !isRecord(body.value))
      return openApiError(400, 'Missingbody', 'body is mandatory for this action.');
    const downloadCode = str(body.value, 'downloadCode');
    if (!downloadCode) return openApiMissing('downloadCode');
    const robotCode = str(body.value, 'robotCode');
    if (!robotCode) return openApiMissing('robotCode');
    if (robotCode !== app.robotCode)
      return openApiError(400, 'invalidParameter.robotCode.auth', 'robotCode 不属于当前应用');
    const file = p.files.get(downloadCode);
    if (!file || file.robotCode !== robotCode)
      return openApiError(400, 'invalidParameter.downloadCode', 'downloadCode 不合法');
    return openApiOk({ downloadUrl: `${p.publicUrl}/_sim/file?code=${encodeURIComponent(downloadCode)}` });
  });
}
