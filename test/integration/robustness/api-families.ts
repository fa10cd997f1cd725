import { get } from 'node:http';
import { defaultUnionId } from '../../../simulator/ids.ts';
import type { RawBody } from './arbitraries.ts';

/**
 * The HTTP endpoints the fuzz test posts to, and what a clear answer looks
 * like in each error family: the desk's server `{error: {code, message}}`,
 * DingTalk OpenAPI `{code, message, requestid}` with a 4xx, DingTalk oapi
 * HTTP 200 `{errcode ≠ 0, errmsg}`, the simulator's own `{error, message}`.
 */

export type Family = 'server' | 'openapi' | 'oapi' | 'sim';
/** Where a request carries its credential. */
export type Auth = 'none' | 'openapi' | 'oapi' | 'session' | 'gettoken' | 'desk';

export interface Target {
  family: Family;
  method: 'POST' | 'PUT';
  path: string;
  auth: Auth;
}

export interface ApiCase {
  target: Target;
  body: RawBody;
  contentType: string | undefined;
  credential: 'valid' | 'bogus' | 'none';
}

const t = (family: Family, method: 'POST' | 'PUT', path: string, auth: Auth): Target => ({
  family,
  method,
  path,
  auth,
});

/** The directory dry run is for admins: the fuzzer carries an admin's session cookie (or a bogus one, or none). */
export const serverTargets: Target[] = [
  t('server', 'POST', '/api/directory/validate', 'desk'),
  // Admin writes of the booking settings: a body that happens to be valid only sets them.
  t('server', 'PUT', '/api/booking-config', 'desk'),
  t('server', 'POST', '/api/time-off', 'desk'),
];

/** The simulator's DingTalk endpoints (not /_sim/disconnect or /_sim/expire-tokens: those act on the stack). */
export const platformTargets: Target[] = [
  t('openapi', 'POST', '/v1.0/oauth2/accessToken', 'none'),
  t('openapi', 'POST', '/v1.0/gateway/connections/open', 'none'),
  t('openapi', 'POST', '/v1.0/robot/oToMessages/batchSend', 'openapi'),
  t('openapi', 'POST', '/v1.0/robot/groupMessages/send', 'openapi'),
  t('openapi', 'POST', '/v1.0/robot/messageFiles/download', 'openapi'),
  t('openapi', 'POST', '/v1.0/card/instances', 'openapi'),
  t('openapi', 'PUT', '/v1.0/card/instances', 'openapi'),
  t('openapi', 'POST', '/v1.0/card/instances/deliver', 'openapi'),
  t('openapi', 'POST', '/v1.0/card/instances/createAndDeliver', 'openapi'),
  t('openapi', 'PUT', '/v1.0/card/streaming', 'openapi'),
  t('openapi', 'POST', '/v1.0/robot/fz/unknown', 'openapi'),
  t(
    'openapi',
    'POST',
    `/v1.0/calendar/users/${defaultUnionId('eng-wang')}/calendars/primary/events`,
    'openapi',
  ),
  t('oapi', 'POST', '/gettoken', 'gettoken'),
  t('oapi', 'POST', '/robot/sendBySession', 'session'),
  t('oapi', 'POST', '/topapi/message/corpconversation/asyncsend_v2', 'oapi'),
  t('oapi', 'POST', '/topapi/message/corpconversation/getsendresult', 'oapi'),
  t('oapi', 'POST', '/topapi/v2/user/getuserinfo', 'oapi'),
  t('oapi', 'POST', '/topapi/v2/user/get', 'oapi'),
  t('oapi', 'POST', '/topapi/fz/unknown', 'oapi'),
  t('sim', 'POST', '/_sim/say', 'none'),
  t('sim', 'POST', '/_sim/authcode', 'none'),
  t('sim', 'POST', '/_sim/click', 'none'),
];

export interface ApiContext {
  serverUrl: string;
  simUrl: string;
  /** a valid access token of the simulator app (both hosts accept it) */
  token: string;
  /** a live sendBySession session */
  session: string;
  appKey: string;
  appSecret: string;
  /** `desk_session=…` of a signed-in admin (免登 through the simulator) */
  deskCookie: string;
}

export interface Answer {
  status: number;
  text: string;
}

/** Sends one case; rejects only when there is no HTTP answer (reset, hang past timeoutMs). */
export async function send(ctx: ApiContext, c: ApiCase, timeoutMs = 10_000): Promise<Answer> {
  const url = new URL(c.target.path, c.target.family === 'server' ? ctx.serverUrl : ctx.simUrl);
  const headers: Record<string, string> = {};
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  const cred = c.credential === 'valid' ? ctx.token : c.credential === 'bogus' ? 'fz-bogus-token' : undefined;
  switch (c.target.auth) {
    case 'openapi':
      if (cred !== undefined) headers['x-acs-dingtalk-access-token'] = cred;
      break;
    case 'oapi':
      if (cred !== undefined) url.searchParams.set('access_token', cred);
      break;
    case 'session':
      if (c.credential !== 'none')
        url.searchParams.set('session', c.credential === 'valid' ? ctx.session : 'fz-bogus');
      break;
    case 'gettoken':
      if (c.credential !== 'none') {
        url.searchParams.set('appkey', ctx.appKey);
        url.searchParams.set('appsecret', c.credential === 'valid' ? ctx.appSecret : 'fz-bogus');
      }
      break;
    case 'desk':
      if (c.credential !== 'none')
        headers.cookie = c.credential === 'valid' ? ctx.deskCookie : 'desk_session=fz-bogus';
      break;
    case 'none':
      break;
  }
  try {
    const res = await fetch(url, {
      method: c.target.method,
      headers,
      // bytes without a content type stay without one (a string would become text/plain)
      body: c.body.kind === 'text' ? c.body.text : new Blob([Buffer.from(c.body.bytes)]),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `no answer (${(err as Error).message}${cause ? `: ${cause.code ?? ''} ${cause.message ?? ''}` : ''}) to ${describeCase(c)}`,
    );
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown) => typeof v === 'string' && v !== '';

/** Why an answer is not a clear error (or a success) of its family; undefined when it is one. */
export function problemWith(c: ApiCase, a: Answer): string | undefined {
  const { status, text } = a;
  if (status >= 500) return `HTTP ${status}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `HTTP ${status} with a body that is not JSON`;
  }
  const withoutCredential = c.credential !== 'valid' && c.target.auth !== 'none';
  switch (c.target.family) {
    case 'server': {
      if (status >= 200 && status < 300 && c.target.path !== '/api/directory/validate') {
        // A body that happens to be valid (`{}` is the default booking configuration): what was stored.
        if (withoutCredential) return `a ${status} without valid credentials`;
        return isRecord(json) && !('error' in json) ? undefined : `a ${status} without the stored record`;
      }
      if (status === 200) {
        return isRecord(json) && json.ok === true && json.dryRun === true
          ? undefined
          : 'a 200 that is not a dry-run result';
      }
      if (status === 422) {
        // the dry run's verdict: each problem with its place in the file
        const issues = isRecord(json) && json.ok === false ? json.issues : undefined;
        return Array.isArray(issues) &&
          issues.length > 0 &&
          issues.every((i) => isRecord(i) && typeof i.path === 'string' && nonEmpty(i.message))
          ? undefined
          : 'a 422 without {ok: false, issues: [{path, message}]}';
      }
      if (status >= 400 && status < 500) {
        const e = isRecord(json) ? json.error : undefined;
        return isRecord(e) && nonEmpty(e.code) && nonEmpty(e.message)
          ? undefined
          : `a ${status} without {error: {code, message}}`;
      }
      return `unexpected HTTP ${status}`;
    }
    case 'openapi': {
      if (status === 200)
        return !withoutCredential && isRecord(json) ? undefined : 'a 200 without valid credentials';
      if (status >= 400 && status < 500) {
        return isRecord(json) && nonEmpty(json.code) && nonEmpty(json.message) && nonEmpty(json.requestid)
          ? undefined
          : `a ${status} without {code, message, requestid}`;
      }
      return `unexpected HTTP ${status}`;
    }
    case 'oapi': {
      if (status !== 200) return `HTTP ${status}; oapi answers errors with HTTP 200`;
      if (!isRecord(json) || typeof json.errcode !== 'number' || typeof json.errmsg !== 'string') {
        return 'not {errcode, errmsg}';
      }
      if (json.errcode === 0) return withoutCredential ? 'errcode 0 without valid credentials' : undefined;
      return nonEmpty(json.errmsg) ? undefined : 'an error without errmsg';
    }
    case 'sim': {
      if (status === 200) return isRecord(json) ? undefined : 'a 200 that is not an object';
      if (status >= 400 && status < 500) {
        return isRecord(json) && nonEmpty(json.error) && nonEmpty(json.message)
          ? undefined
          : `a ${status} without {error, message}`;
      }
      return `unexpected HTTP ${status}`;
    }
  }
}

export function describeCase(c: ApiCase): string {
  const body =
    c.body.kind === 'text'
      ? `${JSON.stringify(c.body.text.slice(0, 300))}${c.body.text.length > 300 ? `… (${c.body.text.length} chars)` : ''}`
      : `<${c.body.bytes.length} bytes>`;
  return `${c.target.method} ${c.target.path} (${c.credential} credential, content-type ${c.contentType ?? 'none'}) body ${body}`;
}

/** A GET on a connection of its own, not one an earlier request may have left unusable. */
export function getOnNewConnection(url: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
