import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Middleware, Next } from 'koa';
import type { Config } from '../config.ts';

/**
 * Serves the built mini-app (miniapp/dist, `npm run build:miniapp`) under
 * /app/: GET and HEAD only; no path outside the directory (decoded and
 * normalised first, dot-files refused); content types by extension; hashed
 * assets (/app/assets/…) cached for a year, everything else revalidated;
 * index.html for client routes (/app/tickets/…, paths without an extension).
 * Without a build, /app/ answers a zh-CN page saying how to build it.
 */
export const miniAppPrefix = '/app';
export const defaultMiniAppDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'miniapp',
  'dist',
);

/** Where the simulator's "打开微应用" link and DingTalk's app settings point. */
export function miniAppUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${miniAppPrefix}/`;
}

/** The mini-app's URL from the configuration alone (before the server listens); undefined for port 0. */
export function configuredMiniAppUrl(config: Config): string | undefined {
  if (config.PUBLIC_URL) return miniAppUrl(config.PUBLIC_URL);
  if (config.HTTP_PORT === 0) return undefined;
  const host = ['0.0.0.0', '::', ''].includes(config.HTTP_HOST)
    ? '127.0.0.1'
    : config.HTTP_HOST.includes(':')
      ? `[${config.HTTP_HOST}]`
      : config.HTTP_HOST;
  return miniAppUrl(`http://${host}:${config.HTTP_PORT}`);
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export function serveMiniApp(opts: { dir?: string } = {}): Middleware {
  const root = path.resolve(opts.dir ?? defaultMiniAppDir);
  return async (ctx: Context, next: Next) => {
    const p = ctx.path;
    if (p !== miniAppPrefix && !p.startsWith(`${miniAppPrefix}/`)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      ctx.body = '';
      return;
    }
    if (p === miniAppPrefix) {
      // keep the query: the simulator's open-app redirect carries authCode and corpId
      ctx.status = 301;
      ctx.redirect(`${miniAppPrefix}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return;
    }
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer'); // the URL may carry a one-time authCode
    ctx.set('Content-Security-Policy', csp);

    const relative = safeRelativePath(p.slice(miniAppPrefix.length + 1));
    if (relative === undefined) return notFound(ctx);

    const indexFile = path.join(root, 'index.html');
    if (!(await isFile(indexFile))) return notBuilt(ctx);

    if (relative !== '') {
      const file = path.join(root, relative);
      if (isInside(root, file) && (await isFile(file))) {
        const hashed = relative.startsWith('assets/');
        return sendFile(ctx, file, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      }
      // a missing asset is a 404; a path without an extension is a client route
      if (path.posix.extname(relative) !== '') return notFound(ctx);
    }
    return sendFile(ctx, indexFile, 'no-cache');
  };
}

/**
 * The request path below /app/ as a relative file path, or undefined when
 * it is not one we serve: bad percent-encoding, NUL, backslashes, `..`
 * or dot-files (.env, .git) anywhere in it.
 */
export function safeRelativePath(rawPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return undefined;
  return segments.join('/');
}

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function sendFile(ctx: Context, file: string, cacheControl: string): Promise<void> {
  const info = await stat(file);
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  ctx.set('Cache-Control', cacheControl);
  ctx.set('ETag', etag);
  ctx.set('Last-Modified', info.mtime.toUTCString());
  ctx.type = contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  if (ctx.get('if-none-match') === etag) {
    ctx.status = 304;
    return;
  }
  ctx.status = 200;
  if (ctx.method !== 'HEAD') ctx.body = createReadStream(file); // Koa answers HEAD without a body
  ctx.length = info.size;
}

function notFound(ctx: Context): void {
  ctx.status = 404;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = '未找到该文件 / not found';
}

function notBuilt(ctx: Context): void {
  ctx.status = 503;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>微应用尚未构建</title>
<style>body{font:16px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:32px 20px;color:#1f2329;background:#f5f6f7}
main{max-width:560px;margin:auto;background:#fff;border-radius:12px;padding:24px}code{background:#f2f3f5;padding:2px 6px;border-radius:4px}</style>
</head><body><main>
<h1>微应用尚未构建</h1>
<p>服务端已在运行，但还没有微应用的前端文件（<code>miniapp/dist</code>）。请在项目目录运行：</p>
<p><code>npm run build:miniapp</code></p>
<p>然后刷新本页。（<code>npm start</code> 会在缺少时自动构建。）</p>
<p lang="en">The mini-app has not been built yet: run <code>npm run build:miniapp</code>, then reload.</p>
</main></body></html>`;
}
