import { z } from 'zod';
import { openApiBody } from './bodyParsing.ts';
import {
  invalidAuthentication,
  jsonBody,
  oapiError,
  oapiOk,
  openApiError,
  openApiOk,
  type Router,
  type SimRequest,
  type SimResponse,
} from './httpKit.ts';
import type { Platform } from './platform.ts';
import type { RegisteredApp } from './registry.ts';

/**
 * Credentials: the stream gateway's connections/open (§a1), both token
 * endpoints (§d), and the token checks every other API runs (§h).
 */

const subscriptionsSchema = z
  .array(
    z.object({
      type: z.enum(['EVENT', 'CALLBACK']),
      topic: z.string().min(1).max(256),
    }),
  )
  .min(1)
  .max(50)
  .refine((subs) => subs.every((s) => s.type !== 'EVENT' || s.topic === '*'), 'EVENT 订阅的 topic 必须是 *');

const accessTokenSchema = z.looseObject({
  appKey: z.string().min(1).max(256),
  appSecret: z.string().min(1).max(256),
});

const openSchema = z.looseObject({
  clientId: z.string().max(256).optional(),
  clientSecret: z.string().max(256).optional(),
  subscriptions: z.unknown().optional(),
  ua: z.string().max(512).optional(),
  localIp: z.string().max(512).optional(),
});

export function addAuthRoutes(router: Router, p: Platform): void {
  router.add('POST', '/v1.0/gateway/connections/open', (req) => {
    const body = jsonBody(req);
    if (!body.ok) return openApiError(400, 'Missingbody', 'body is mandatory for this action.');
    // anything that is not a pair of known credentials is an authentication failure
    const parsed = openSchema.safeParse(body.value);
    const b = parsed.success
      ? parsed.data
      : { clientId: undefined, clientSecret: undefined, subscriptions: undefined };
    const app = b.clientId === undefined ? undefined : p.registry.app(b.clientId);
    if (!app || b.clientSecret !== app.clientSecret) return openApiError(401, 'authFailed', '鉴权失败');
    // the reference leaves the answer to bad subscriptions open; a 400 naming them is the simulator's choice
    const subs = subscriptionsSchema.safeParse(b.subscriptions);
    if (!subs.success) {
      return openApiError(
        400,
        'invalidParameter.subscriptions',
        `subscriptions 参数不合法: ${subs.error.issues[0]?.message ?? ''}`,
      );
    }
    const ticket = p.gateway.openTicket(app.clientId, subs.data);
    return openApiOk({ endpoint: `${p.publicUrl.replace(/^http/, 'ws')}/connect`, ticket });
  });

  router.add('POST', '/v1.0/oauth2/accessToken', (req) => {
    const body = openApiBody(req, accessTokenSchema);
    if (!body.ok) return body.response;
    const b = body.value;
    const app = p.registry.app(b.appKey);
    if (!app || app.clientSecret !== b.appSecret) {
      return openApiError(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
    }
    const t = p.tokens.issue(app.clientId);
    return openApiOk({ accessToken: t.token, expireIn: t.expiresIn });
  });

  const gettoken = (req: SimRequest): SimResponse => {
    if (req.method !== 'GET') return oapiError(43001, '需要GET请求');
    const app = p.registry.app(req.query.get('appkey') ?? '');
    if (!app || app.clientSecret !== req.query.get('appsecret'))
      return oapiError(40089, '不合法的corpId或corpSecret');
    const t = p.tokens.issue(app.clientId);
    return oapiOk({ access_token: t.token, expires_in: t.expiresIn });
  };
  router.add('GET', '/gettoken', gettoken);
  router.add('POST', '/gettoken', gettoken);
}

/** OpenAPI: header `x-acs-dingtalk-access-token`; missing, unknown and expired all answer 400 InvalidAuthentication. */
export function openApiApp(p: Platform, req: SimRequest): RegisteredApp | SimResponse {
  const header = req.headers['x-acs-dingtalk-access-token'];
  const check = p.tokens.check(typeof header === 'string' ? header : undefined);
  if (!check.ok) return invalidAuthentication();
  return p.registry.app(check.clientId) ?? invalidAuthentication();
}

/** oapi: `?access_token=`; unknown → 40014, expired → 42001, both HTTP 200. */
export function oapiApp(p: Platform, req: SimRequest): RegisteredApp | SimResponse {
  const check = p.tokens.check(req.query.get('access_token'));
  if (!check.ok) {
    return check.reason === 'expired'
      ? oapiError(42001, 'access_token超时', true)
      : oapiError(40014, '不合法的access_token', true);
  }
  return p.registry.app(check.clientId) ?? oapiError(40014, '不合法的access_token', true);
}

export function isResponse(v: RegisteredApp | SimResponse): v is SimResponse {
  return 'status' in v;
}
