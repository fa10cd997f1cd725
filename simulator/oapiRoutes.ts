import { z } from 'zod';
import { isResponse, oapiApp } from './authRoutes.ts';
import { oapiBody } from './bodyParsing.ts';
import { oapiError, type Router, topapiOk } from './httpKit.ts';
import type { Platform } from './platform.ts';
import { parseWorkNoticeMessage } from './workNoticeMessage.ts';

/** Legacy oapi endpoints: work notifications (§f) and 免登 user lookup (§g). */

const maxNoticeUsers = 100;

/** Longs arrive as numbers (JSON) or digit strings (form fields). */
const long = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,19}$/)]).transform(String);

const asyncSendSchema = z.looseObject({
  agent_id: long,
  // a comma-separated string, not an array (§f)
  userid_list: z.string().max(100_000).optional(),
  dept_id_list: z.string().max(10_000).optional(),
  to_all_user: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  msg: z.unknown(),
});

const sendResultSchema = z.looseObject({ agent_id: long, task_id: long });
const codeSchema = z.looseObject({ code: z.string().min(1).max(256) });
const userGetSchema = z.looseObject({ userid: z.string().min(1).max(256), language: z.string().optional() });
let taskCounter = 256_271_667_526;

export function addOapiRoutes(router: Router, p: Platform): void {
  router.add('POST', '/topapi/message/corpconversation/asyncsend_v2', (req) => {
    const app = oapiApp(p, req);
    if (isResponse(app)) return app;
    const body = oapiBody(req, asyncSendSchema);
    if (!body.ok) return body.response;
    const b = body.value;
    if (b.agent_id !== app.agentId) return oapiError(40056, '不合法的agentid', true);
    const toAll = b.to_all_user === true || b.to_all_user === 'true';
    if (!toAll && !b.userid_list && !b.dept_id_list) return oapiError(40035, '缺少参数 userid_list', true);
    const userIds = toAll
      ? p.registry
          .users()
          .filter((u) => u.corpId === app.corpId)
          .map((u) => u.userId)
      : [
          ...new Set(
            (b.userid_list ?? '')
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean),
          ),
        ];
    if (userIds.length > maxNoticeUsers)
      return oapiError(40035, `userid_list 最多 ${maxNoticeUsers} 个`, true);
    const parsed = parseWorkNoticeMessage(b.msg);
    if (!parsed.ok) return oapiError(parsed.errcode, parsed.errmsg, true);
    taskCounter += 1;
    for (const userId of userIds) {
      // asynchronous on the platform: unknown users are silently not delivered
      if (!p.registry.user(userId)) continue;
      p.recorder.add({
        kind: 'workNotice',
        appClientId: app.clientId,
        userId,
        content: parsed.content,
        raw: b,
      });
    }
    return topapiOk({ task_id: taskCounter });
  });

  router.add('POST', '/topapi/message/corpconversation/getsendresult', (req) => {
    const app = oapiApp(p, req);
    if (isResponse(app)) return app;
    const body = oapiBody(req, sendResultSchema);
    if (!body.ok) return body.response;
    if (body.value.agent_id !== app.agentId) return oapiError(40056, '不合法的agentid', true);
    return topapiOk({
      send_result: {
        invalid_user_id_list: [],
        forbidden_user_id_list: [],
        failed_user_id_list: [],
        read_user_id_list: [],
        unread_user_id_list: [],
        invalid_dept_id_list: [],
        forbidden_list: [],
      },
    });
  });

  // 免登: the temporary code from requestAuthCode → the user (§g)
  router.add('POST', '/topapi/v2/user/getuserinfo', (req) => {
    const app = oapiApp(p, req);
    if (isResponse(app)) return app;
    const body = oapiBody(req, codeSchema);
    const userId = body.ok ? p.authCodes.consume(body.value.code) : undefined;
    const user = userId === undefined ? undefined : p.registry.user(userId);
    // a code from another organisation is as unknown as a made-up one
    if (!user || user.corpId !== app.corpId) return oapiError(40078, '不存在的临时授权码', true);
    return topapiOk({
      result: {
        userid: user.userId,
        unionid: user.unionId,
        associated_unionid: '',
        name: user.name,
        device_id: `sim-${user.userId}`,
        sys: user.isAdmin,
        sys_level: user.isAdmin ? 1 : 0,
      },
    });
  });

  router.add('POST', '/topapi/v2/user/get', (req) => {
    const app = oapiApp(p, req);
    if (isResponse(app)) return app;
    const body = oapiBody(req, userGetSchema);
    if (!body.ok) return body.response;
    const user = p.registry.user(body.value.userid);
    if (!user || user.corpId !== app.corpId) return oapiError(60121, '找不到该用户', true);
    return topapiOk({
      result: {
        userid: user.userId,
        unionid: user.unionId,
        name: user.name,
        avatar: '',
        mobile: user.mobile ?? '',
        state_code: '86',
        title: user.title ?? '',
        job_number: '',
        email: user.email ?? '',
        dept_id_list: [1],
        dept_order_list: [{ dept_id: 1, order: 0 }],
        leader_in_dept: [{ dept_id: 1, leader: false }],
        role_list: [],
        admin: user.isAdmin,
        boss: false,
        senior: false,
        active: true,
        hide_mobile: false,
        real_authed: true,
        manager_userid: '',
        hired_date: 0,
      },
    });
  });
}
