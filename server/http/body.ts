import type { Context } from 'koa';
import { DomainError } from '../../shared/errors.ts';

/** Reads a JSON request body up to `limit` bytes; bad JSON is a clear 400, never a crash. */
export async function readJson(ctx: Context, limit = 1_000_000): Promise<unknown> {
  const type = ctx.request.type;
  if (type && type !== 'application/json') {
    throw new DomainError('validation', '请求体必须是 JSON（Content-Type: application/json）');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DomainError('payloadTooLarge', `请求体超过 ${limit} 字节`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new DomainError('validation', '请求体为空');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError('validation', '请求体不是合法的 JSON');
  }
}
