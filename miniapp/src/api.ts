import { z } from 'zod';
import type { TextKey } from './i18n.ts';

/**
 * The one way the mini-app talks to the server: same-origin fetch with the
 * session cookie, JSON in and out, every answer parsed with a zod schema,
 * every failure an ApiError carrying the server's `{ error: { code,
 * message, issues?, requestId } }` (or `network` when there was no answer).
 */
export interface ApiIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
    readonly requestId?: string,
    /** Why a sign-in or session failed (header x-auth-reason): authCodeInvalid, notInDirectory… */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
});

export async function api<T>(
  path: string,
  schema: z.ZodType<T>,
  opts: { method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = errorBodySchema.safeParse(json);
    if (parsed.success) {
      const e = parsed.data.error;
      const reason = res.headers.get('x-auth-reason') ?? undefined;
      throw new ApiError(res.status, e.code, e.message, e.issues ?? [], e.requestId, reason);
    }
    throw new ApiError(res.status, res.status >= 500 ? 'internal' : 'unknown', `HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'badResponse', '服务器返回的内容无法识别');
  return parsed.data;
}

/** The localised text for a failure, with the server's own (zh-CN) reason when it has one. */
export function errorText(err: unknown, t: (key: TextKey, vars?: Record<string, string>) => string): string {
  if (!(err instanceof ApiError)) return t('error.internal');
  const known: Record<string, TextKey> = {
    network: 'error.network',
    unauthenticated: 'error.unauthenticated',
    forbidden: 'error.forbidden',
    notFound: 'error.notFound',
    validation: 'error.validation',
    unavailable: 'error.unavailable',
    internal: 'error.internal',
  };
  const key = known[err.code] ?? 'error.internal';
  const detail = err.code === 'network' || err.code === 'internal' ? '' : err.message;
  const issues = err.issues.map((i) => `${i.path}: ${i.message}`).join('；');
  const id = err.requestId ? `（${t('error.requestId', { id: err.requestId })}）` : '';
  return [t(key), detail && detail !== t(key) ? detail : '', issues].filter(Boolean).join(' ') + id;
}

// ---- the answers

export const roleSchema = z.enum([
  'customer',
  'engineer',
  'dispatcher',
  'teamLead',
  'productCentre',
  'admin',
]);
export type Role = z.infer<typeof roleSchema>;

export const meSchema = z.object({
  user: z.object({
    userId: z.string(),
    name: z.string(),
    kind: z.enum(['staff', 'customer']),
    roles: z.array(roleSchema),
    organisation: z.object({ id: z.string(), name: z.string() }).optional(),
    teams: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  }),
  session: z.object({
    signedInAt: z.string(),
    idleExpiresAt: z.string(),
    absoluteExpiresAt: z.string(),
  }),
});
export type Me = z.infer<typeof meSchema>;

export const authConfigSchema = z.object({ corpId: z.string() });
export const okSchema = z.object({ ok: z.literal(true) });

export const getMe = () => api('/api/me', meSchema);
export const signIn = (authCode: string) =>
  api('/api/auth/dingtalk', meSchema, { method: 'POST', body: { authCode } });
export const signOut = () => api('/api/auth/logout', okSchema, { method: 'POST' });
export const getAuthConfig = () => api('/api/auth/config', authConfigSchema);
