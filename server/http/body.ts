import type { Context } from 'koa';
import { DomainError } from '../../shared/errors.ts';

/**
 * Reads a JSON request body up to `limit` bytes; bad JSON is a clear 400,
 * never a crash. An oversized body is drained rather than cut off (cutting
 * the stream mid-body leaves the keep-alive connection unusable: the client
 * waits for an answer that never comes) and answered 413 with
 * `Connection: close`.
 */
export async function readJson(ctx: Context, limit = 1_000_000): Promise<unknown> {
  const type = ctx.request.type;
  if (type && type !== 'application/json') {
    ctx.req.resume();
    throw new DomainError('validation', '请求体必须是 JSON（Content-Type: application/json）');
  }
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) {
    ctx.set('Connection', 'close');
    ctx.req.resume();
    throw new DomainError('payloadTooLarge', `请求体超过 ${limit} 字节`);
  }
  const { text, size } = await new Promise<{ text: string; size: number }>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    ctx.req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    ctx.req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), size }));
    ctx.req.on('error', reject);
  });
  if (size > limit) {
    ctx.set('Connection', 'close');
    throw new DomainError('payloadTooLarge', `请求体超过 ${limit} 字节`);
  }
  if (text.trim() === '') throw new DomainError('validation', '请求体为空');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError('validation', '请求体不是合法的 JSON');
  }
}
