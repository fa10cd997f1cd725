import type { z } from 'zod';
import { isRecord } from './fieldAccess.ts';
import {
  jsonBody,
  jsonOrFormBody,
  oapiError,
  openApiError,
  openApiMissing,
  type SimRequest,
  type SimResponse,
} from './httpKit.ts';

/**
 * zod validation of request bodies, answering in each API family's words:
 * OpenAPI `Missingbody` / `Missing{field}` / `invalidParameter.{field}`,
 * oapi errcode 40035 缺少参数.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: SimResponse };

function issueField(error: z.ZodError): string {
  return error.issues[0]?.path.map(String).join('.') ?? '';
}

/** The top-level field a failed parse is about, and whether the body lacks it entirely. */
function describe(value: unknown, error: z.ZodError): { field: string; missing: boolean } {
  const field = issueField(error);
  const top = field.split('.')[0] ?? '';
  const v = isRecord(value) ? value[top] : undefined;
  return { field, missing: v === undefined || v === null || v === '' };
}

export function openApiBody<T>(req: SimRequest, schema: z.ZodType<T>): Parsed<T> {
  const body = jsonBody(req);
  if (!body.ok || !isRecord(body.value)) {
    return { ok: false, response: openApiError(400, 'Missingbody', 'body is mandatory for this action.') };
  }
  const parsed = schema.safeParse(body.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const { field, missing } = describe(body.value, parsed.error);
  const top = field.split('.')[0] ?? field;
  return {
    ok: false,
    response: missing
      ? openApiMissing(top)
      : openApiError(
          400,
          `invalidParameter.${top}.invalid`,
          `参数 ${field} 不合法: ${parsed.error.issues[0]?.message ?? ''}`,
        ),
  };
}

export function oapiBody<T>(req: SimRequest, schema: z.ZodType<T>): Parsed<T> {
  const body = jsonOrFormBody(req);
  const value = body.ok ? body.value : undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const { field, missing } = describe(value, parsed.error);
  const errmsg = missing ? `缺少参数 ${field}` : `参数 ${field} 不合法`;
  return { ok: false, response: oapiError(40035, errmsg, true) };
}
