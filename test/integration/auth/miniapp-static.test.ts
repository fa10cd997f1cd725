import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { errorMiddleware } from '../../../server/http/errors.ts';
import { configuredMiniAppUrl, safeRelativePath, serveMiniApp } from '../../../server/http/static.ts';

/**
 * The mini-app's static files under /app/, from a throw-away build
 * directory: types, caching, client-route fallback, no way out of the
 * directory, and the zh-CN page when nothing is built.
 */
let dir: string;
let built: { server: Server; url: string };
let missing: { server: Server; url: string };

async function serve(root: string): Promise<{ server: Server; url: string }> {
  const app = new Koa();
  app.use(errorMiddleware);
  app.use(serveMiniApp({ dir: root }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const addr = server.address();
  return { server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}

/** Raw GET: fetch would normalise `..` and `%2e%2e` away before sending. */
function rawGet(url: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'miniapp-static-'));
  const dist = path.join(dir, 'dist');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  writeFileSync(
    path.join(dist, 'index.html'),
    '<!doctype html><title>售后服务台</title><div id="root"></div>',
  );
  writeFileSync(path.join(dist, 'assets', 'index-AbC123.js'), 'console.log(1)');
  writeFileSync(path.join(dist, 'assets', 'index-AbC123.css'), 'body{}');
  writeFileSync(path.join(dist, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(dist, '.env'), 'SECRET=1');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside');
  built = await serve(dist);
  missing = await serve(path.join(dir, 'nothing-here'));
});

afterAll(() => {
  for (const s of [built, missing]) {
    s?.server.close();
    s?.server.closeAllConnections();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('mini-app static files', () => {
  it('serves index.html for /app/ without long caching, with a CSP', async () => {
    const res = await fetch(`${built.url}/app/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('售后服务台');
  });

  it('redirects /app to /app/ keeping the query (the simulator passes authCode there)', async () => {
    const res = await fetch(`${built.url}/app?authCode=abc&corpId=ding1`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/app/?authCode=abc&corpId=ding1');
  });

  it('serves hashed assets with their type and a year of immutable caching', async () => {
    const js = await fetch(`${built.url}/app/assets/index-AbC123.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log(1)');
    const css = await fetch(`${built.url}/app/assets/index-AbC123.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await fetch(`${built.url}/app/logo.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await fetch(`${built.url}/app/assets/index-AbC123.js`);
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${built.url}/app/assets/index-AbC123.js`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
  });

  it('answers client routes with index.html, missing files with 404', async () => {
    for (const route of ['/app/tickets', '/app/tickets/new', '/app/calendar/2026']) {
      const res = await fetch(`${built.url}${route}`);
      expect(res.status, route).toBe(200);
      expect(await res.text()).toContain('id="root"');
    }
    expect((await fetch(`${built.url}/app/assets/gone-123.js`)).status).toBe(404);
  });

  it('never serves a file outside the build or a dot-file', async () => {
    for (const p of [
      '/app/../secret.txt',
      '/app/%2e%2e/secret.txt',
      '/app/%2e%2e%2fsecret.txt',
      '/app/assets/..%2f..%2fsecret.txt',
      '/app/..%5csecret.txt',
      '/app/.env',
      '/app/%2eenv',
      '/app/%00index.html',
      '/app/%E0%A4%A',
    ]) {
      const res = await rawGet(built.url, p);
      expect(res.body, p).not.toContain('outside');
      expect(res.body, p).not.toContain('SECRET');
      expect(res.status, p).not.toBe(500);
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await fetch(`${built.url}/app/assets/index-AbC123.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String('console.log(1)'.length));
    expect((await fetch(`${built.url}/app/`, { method: 'POST' })).status).toBe(405);
  });

  it('without a build, says in zh-CN how to build it', async () => {
    const res = await fetch(`${missing.url}/app/`);
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain('微应用尚未构建');
    expect(html).toContain('npm run build:miniapp');
  });

  it('leaves other paths to the rest of the app', async () => {
    expect((await fetch(`${built.url}/application`)).status).toBe(404);
  });
});

describe('relative paths', () => {
  it('normalises and refuses what is not a plain file path', () => {
    expect(safeRelativePath('assets/a.js')).toBe('assets/a.js');
    expect(safeRelativePath('a//b/')).toBe('a/b');
    expect(safeRelativePath('')).toBe('');
    expect(safeRelativePath('../x')).toBeUndefined();
    expect(safeRelativePath('%2e%2e/x')).toBeUndefined();
    expect(safeRelativePath('a\\b')).toBeUndefined();
    expect(safeRelativePath('%zz')).toBeUndefined();
  });
});

describe('mini-app URL', () => {
  it('comes from PUBLIC_URL, else the HTTP host and port; unknown for port 0', () => {
    expect(configuredMiniAppUrl(loadConfig({ PUBLIC_URL: 'https://desk.example.com/' }))).toBe(
      'https://desk.example.com/app/',
    );
    expect(configuredMiniAppUrl(loadConfig({}))).toBe('http://127.0.0.1:3000/app/');
    expect(configuredMiniAppUrl(loadConfig({ HTTP_HOST: '0.0.0.0', HTTP_PORT: '8080' }))).toBe(
      'http://127.0.0.1:8080/app/',
    );
    expect(configuredMiniAppUrl(loadConfig({ HTTP_PORT: '0' }))).toBeUndefined();
  });
});
