import type { Context, Next } from 'koa';
import { z } from 'zod';
import { DomainError, errorCodes, isDomainError, issuesFromZod } from '../../shared/errors.ts';

/**
 * The one place domain errors become HTTP: status from the code, a safe JSON
 * body `{ error: { code, message, issues?, requestId } }`. Anything else is a
 * 500 with no internals; the log has the details under the request id.
 */
export async function errorMiddleware(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      throw new DomainError('notFound', `no route for ${ctx.method} ${ctx.path}`);
    }
  } catch (err) {
    const domain = toDomainError(err);
    ctx.status = errorCodes[domain.code];
    ctx.body = {
      error: {
        code: domain.code,
        message: domain.message,
        ...(domain.issues ? { issues: domain.issues } : {}),
        requestId: ctx.state.requestId,
      },
    };
    if (ctx.status >= 500) ctx.state.log?.error({ err }, 'request failed');
  }
}

function toDomainError(err: unknown): DomainError {
  if (isDomainError(err)) return err;
  if (err instanceof z.ZodError)
    return new DomainError('validation', '请求内容不正确', { issues: issuesFromZod(err.issues) });
  const status = (err as { status?: number; expose?: boolean }).status;
  if (status === 413) return new DomainError('payloadTooLarge', '请求内容过大');
  if (status && status >= 400 && status < 500 && (err as { expose?: boolean }).expose) {
    return new DomainError('validation', (err as Error).message);
  }
  return new DomainError('internal', '服务器内部错误，请稍后再试');
}

/** Parses a request part with a zod schema; a failure is a 400 naming each bad field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new DomainError('validation', '请求内容不正确', { issues: issuesFromZod(parsed.error.issues) });
  }
  return parsed.data;
}
