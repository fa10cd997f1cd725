import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  firstIssue,
  jsonBody,
  type Router,
  type SimRequest,
  type SimResponse,
  simError,
  simOk,
} from './httpKit.ts';
import { type Platform, SimulatorError } from './platform.ts';
import { recordKinds } from './recorder.ts';
import { RegistryError, simAppSchema, simGroupSchema, simUserSchema } from './registry.ts';

/**
 * The simulator's own endpoints under /_sim (registry, user actions, the
 * record log) and the chat page at /. They answer `{error, message, field?}`
 * on failure; CORS is open so a mini-app dev server on another port can use
 * the 免登 stand-in.
 */

const chatHtml = readFileSync(new URL('./chat/index.html', import.meta.url), 'utf8');
const chatJs = readFileSync(new URL('./chat/chat.js', import.meta.url), 'utf8');

const id = z.string().trim().min(1).max(128);

const saySchema = z.object({
  userId: id,
  robotCode: id,
  conversationId: id.optional(),
  msgId: z.string().min(1).max(128).optional(),
  text: z.string().max(20_000).optional(),
  msgtype: z.enum(['text', 'picture', 'file']).optional(),
  fileName: z.string().min(1).max(256).optional(),
  fileContent: z
    .string()
    .max(256 * 1024)
    .optional(),
  atRobot: z.boolean().optional(),
  atUserIds: z.array(id).max(100).optional(),
});

const clickSchema = z.object({
  userId: id,
  outTrackId: z.string().min(1).max(256),
  actionId: z.string().min(1).max(256),
  params: z.record(z.string().max(256), z.string().max(20_000)).optional(),
});

const authCodeSchema = z.object({ userId: id, corpId: id.optional() });
const disconnectSchema = z.object({ reason: z.string().max(256).optional(), clientId: id.optional() });
const sinceSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export function addSimRoutes(router: Router, p: Platform): void {
  router.add('GET', '/', () => ({ status: 200, text: chatHtml, contentType: 'text/html; charset=utf-8' }));
  router.add('GET', '/_sim/chat.js', () => ({
    status: 200,
    text: chatJs,
    contentType: 'text/javascript; charset=utf-8',
  }));

  router.add('GET', '/_sim/registry', () =>
    simOk({
      // secrets stay out of the page
      apps: p.registry.apps().map(({ clientSecret: _secret, ...a }) => a),
      users: p.registry.users(),
      groups: p.registry.groups(),
      miniAppUrl: p.opts.miniAppUrl ?? null,
      mailUrl: p.opts.mailUrl ?? null,
    }),
  );

  const upsert =
    <T>(schema: z.ZodType<T>, apply: (v: T) => unknown) =>
    (req: SimRequest): SimResponse => {
      const parsed = parseSimBody(req, schema);
      if (!parsed.ok) return parsed.response;
      try {
        return simOk(apply(parsed.data));
      } catch (err) {
        if (err instanceof RegistryError) return simError(409, 'conflict', err.message);
        throw err;
      }
    };
  router.add(
    'POST',
    '/_sim/apps',
    upsert(simAppSchema, (a) => {
      const { clientSecret: _secret, ...app } = p.registry.upsertApp(a);
      return app;
    }),
  );
  router.add(
    'POST',
    '/_sim/users',
    upsert(simUserSchema, (u) => p.registry.upsertUser(u)),
  );
  router.add(
    'POST',
    '/_sim/groups',
    upsert(simGroupSchema, (g) => p.registry.upsertGroup(g)),
  );

  router.add('GET', '/_sim/conversations', (req) => {
    const userId = req.query.get('userId') ?? '';
    if (!p.registry.user(userId)) return simError(404, 'unknownUser', `用户 ${userId} 未注册`, 'userId');
    return simOk({ conversations: p.conversationsOf(userId) });
  });

  router.add('GET', '/_sim/messages', (req) => {
    const q = req.query;
    const since = q.get('since');
    const parsedSince = since === null || since === '' ? undefined : sinceSchema.safeParse(since);
    if (parsedSince && !parsedSince.success)
      return simError(400, 'invalidField', 'since 必须是非负整数', 'since');
    const kind = q.get('kind') || undefined;
    if (kind !== undefined && !recordKinds.includes(kind as (typeof recordKinds)[number])) {
      return simError(400, 'invalidField', `kind 必须是 ${recordKinds.join('|')} 之一`, 'kind');
    }
    const records = p.recorder.list({
      ...(q.get('conversationId') ? { conversationId: q.get('conversationId') ?? '' } : {}),
      ...(q.get('userId') ? { userId: q.get('userId') ?? '' } : {}),
      ...(kind ? { kind } : {}),
      ...(parsedSince ? { sinceSeq: parsedSince.data } : {}),
    });
    return simOk({ records, lastSeq: p.recorder.lastSeq() });
  });

  router.add('GET', '/_sim/card', (req) => {
    const card = p.cards.snapshot(req.query.get('outTrackId') ?? '');
    return card ? simOk(card) : simError(404, 'unknownCard', '卡片不存在', 'outTrackId');
  });

  router.add('POST', '/_sim/say', (req) =>
    action(req, saySchema, (b) => {
      const { msgId, conversationId } = p.say(b);
      return { msgId, conversationId };
    }),
  );

  router.add('POST', '/_sim/click', (req) =>
    action(req, clickSchema, (b) => {
      p.clickCard(b);
      return { ok: true };
    }),
  );

  router.add('POST', '/_sim/authcode', (req) =>
    action(req, authCodeSchema, (b) => {
      const user = p.user(b.userId);
      if (b.corpId !== undefined && b.corpId !== user.corpId)
        throw new SimulatorError(`${user.name} 不属于企业 ${b.corpId}`);
      return { code: p.authCodes.issue(user.userId), corpId: user.corpId };
    }),
  );

  /*
   * Stand-in for dd.runtime.permission.requestAuthCode (免登): DingTalk's client
   * opens the mini-app and the page asks the JSAPI for a one-time code. Here
   * the chat page links to /_sim/open-app?userId=…, which issues that code and
   * redirects to the mini-app with ?authCode=…&corpId=…; the mini-app (in
   * simulator mode) takes the code from its URL instead of calling the JSAPI,
   * and its server exchanges it at /topapi/v2/user/getuserinfo as usual.
   */
  router.add('GET', '/_sim/open-app', (req) => {
    const miniAppUrl = p.opts.miniAppUrl;
    if (!miniAppUrl) return simError(404, 'noMiniApp', '未配置微应用地址（miniAppUrl）');
    const user = p.registry.user(req.query.get('userId') ?? '');
    if (!user) return simError(404, 'unknownUser', '用户未注册', 'userId');
    const target = new URL(miniAppUrl);
    target.searchParams.set('authCode', p.authCodes.issue(user.userId));
    target.searchParams.set('corpId', user.corpId);
    return { status: 302, headers: { location: target.toString() }, text: '' };
  });

  router.add('GET', '/_sim/file', (req) => {
    const file = p.files.get(req.query.get('code') ?? '');
    if (!file) return simError(404, 'unknownFile', '文件不存在或已过期');
    return {
      status: 200,
      text: file.content,
      contentType: 'application/octet-stream',
      headers: { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}` },
    };
  });

  router.add('GET', '/_sim/connections', () => simOk({ connections: p.gateway.connectionInfo() }));

  router.add('POST', '/_sim/disconnect', (req) =>
    action(req, disconnectSchema, (b) => {
      p.gateway.disconnectAll(b.reason, b.clientId);
      return { ok: true };
    }),
  );

  router.add('POST', '/_sim/expire-tokens', () => {
    p.tokens.expireAll();
    return simOk({ ok: true });
  });
}

/** Parses the body, runs a user action, and turns its refusal into a 400 with the zh-CN reason. */
function action<T>(req: SimRequest, schema: z.ZodType<T>, run: (body: T) => unknown): SimResponse {
  const parsed = parseSimBody(req, schema);
  if (!parsed.ok) return parsed.response;
  try {
    return simOk(run(parsed.data));
  } catch (err) {
    if (err instanceof SimulatorError) return simError(400, 'refused', err.message);
    throw err;
  }
}

/** A JSON body checked against a schema; a failure is the 400 naming the first bad field. */
function parseSimBody<T>(
  req: SimRequest,
  schema: z.ZodType<T>,
): { ok: true; data: T } | { ok: false; response: SimResponse } {
  const body = jsonBody(req);
  if (!body.ok) return { ok: false, response: simError(400, 'invalidJson', '请求体不是合法的 JSON') };
  const parsed = schema.safeParse(body.value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = firstIssue(parsed.error);
  return {
    ok: false,
    response: simError(400, 'invalidField', `${issue.field}: ${issue.message}`, issue.field),
  };
}
