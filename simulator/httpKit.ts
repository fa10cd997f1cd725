import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { newOapiRequestId, newRequestId } from './ids.ts';

/**
 * The small HTTP layer of the simulator: handlers are functions from a fully
 * read request to a response value, so every handler answers in its error
 * family and nothing half-written can leak a stack trace.
 */

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** serialised as JSON unless `text` is given */
  json?: unknown;
  text?: string;
  contentType?: string;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/** Which error shape a path answers in (§h). */
export type Family = 'openapi' | 'oapi' | 'sim';

export function familyOf(path: string): Family {
  if (path.startsWith('/v1.0/') || path === '/v1.0') return 'openapi';
  if (path === '/' || path.startsWith('/_sim/') || path === '/_sim' || path === '/favicon.ico') return 'sim';
  return 'oapi';
}

/** Largest accepted request body; real gateways also cap bodies. */
export const maxBodyBytes = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export type JsonResult = { ok: true; value: unknown } | { ok: false };

export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function jsonBody(req: SimRequest): JsonResult {
  if (req.body.length === 0) return { ok: false };
  return parseJson(req.body.toString('utf8'));
}

/**
 * oapi endpoints accept JSON and, as the official curl samples do, form
 * fields; a form body becomes a flat object of strings.
 */
export function jsonOrFormBody(req: SimRequest): JsonResult {
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) {
    return { ok: true, value: Object.fromEntries(new URLSearchParams(req.body.toString('utf8'))) };
  }
  return jsonBody(req);
}

// ---- OpenAPI family: HTTP status + {code, message, requestid} + x-acs-request-id

export function openApiOk(json: unknown): SimResponse {
  return { status: 200, json, headers: { 'x-acs-request-id': newRequestId() } };
}

export function openApiError(
  status: number,
  code: string,
  message: string,
  extra?: Record<string, unknown>,
): SimResponse {
  const requestid = newRequestId();
  return { status, json: { requestid, code, message, ...extra }, headers: { 'x-acs-request-id': requestid } };
}

/** Aliyun-gateway style for a missing mandatory parameter, as `Missingbody`. */
export function openApiMissing(field: string): SimResponse {
  return openApiError(400, `Missing${field}`, `${field} is mandatory for this action.`);
}

export const invalidAuthentication = (): SimResponse =>
  openApiError(400, 'InvalidAuthentication', '不合法的access_token');

// ---- oapi family: HTTP 200 + {errcode, errmsg}; topapi adds request_id

export function oapiOk(json: Record<string, unknown>): SimResponse {
  return { status: 200, json: { errcode: 0, errmsg: 'ok', ...json } };
}

/** topapi success: errcode 0 plus `request_id`. */
export function topapiOk(json: Record<string, unknown>): SimResponse {
  return oapiOk({ ...json, request_id: newOapiRequestId() });
}

export function oapiError(errcode: number, errmsg: string, topapi = false): SimResponse {
  return {
    status: 200,
    json: topapi ? { errcode, errmsg, request_id: newOapiRequestId() } : { errcode, errmsg },
  };
}

// ---- simulator's own endpoints

export function simOk(json: unknown): SimResponse {
  return { status: 200, json };
}

export function simError(status: number, error: string, message: string, field?: string): SimResponse {
  return { status, json: field === undefined ? { error, message } : { error, message, field } };
}

export function notFound(family: Family): SimResponse {
  switch (family) {
    case 'openapi':
      return openApiError(
        404,
        'InvalidAction.NotFound',
        'Specified api is not found, please check your url and method.',
      );
    case 'oapi':
      // real oapi answers unknown paths with HTTP 200 and errcode 404
      return oapiError(404, '请求的URI地址不存在');
    case 'sim':
      return simError(404, 'notFound', '没有这个地址');
  }
}

export function internalError(family: Family): SimResponse {
  switch (family) {
    case 'openapi':
      return openApiError(
        500,
        'InternalError',
        'The request processing has failed due to some unknown error.',
      );
    case 'oapi':
      return oapiError(-1, '系统繁忙');
    case 'sim':
      return simError(500, 'internalError', '模拟器内部错误');
  }
}

export function tooLarge(family: Family): SimResponse {
  switch (family) {
    case 'openapi':
      return openApiError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    case 'oapi':
      return oapiError(40035, '缺少参数或参数不合法: 请求体过大');
    case 'sim':
      return simError(413, 'bodyTooLarge', '请求体过大');
  }
}

export function writeResponse(res: ServerResponse, r: SimResponse): void {
  if (res.headersSent || res.writableEnded) return;
  const body = r.text ?? JSON.stringify(r.json ?? null);
  const type =
    r.contentType ?? (r.text === undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
  res.writeHead(r.status, { ...r.headers, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Exact-path routing by method; a known path with another method is reported separately. */
export class Router {
  private readonly routes = new Map<string, Map<string, Handler>>();

  add(method: string, path: string, handler: Handler): this {
    let byMethod = this.routes.get(path);
    if (!byMethod) {
      byMethod = new Map();
      this.routes.set(path, byMethod);
    }
    byMethod.set(method.toUpperCase(), handler);
    return this;
  }

  match(method: string, path: string): Handler | 'wrongMethod' | undefined {
    const byMethod = this.routes.get(path);
    if (!byMethod) return undefined;
    return byMethod.get(method.toUpperCase()) ?? 'wrongMethod';
  }
}

/** First zod issue as `{field, message}` for 400 answers that name the bad field. */
export function firstIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): {
  field: string;
  message: string;
} {
  const i = error.issues[0];
  if (!i) return { field: '', message: 'invalid' };
  return { field: i.path.map(String).join('.'), message: i.message };
}
