import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { DomainError } from '../../shared/errors.ts';
import type { Db } from '../db/mongo.ts';
import { findSinkMail, listSinkMails, type SinkMail } from './smtp-sink.ts';
import { escapeHtml as e, formatTime } from './templates.ts';

/**
 * `GET /dev/mail`: what the local SMTP sink received, newest first, as a
 * zh-CN page (or JSON for `Accept: application/json`); `GET /dev/mail/:id`
 * one mail (`:id` = the URL-encoded Message-ID); `GET /dev/mail/:id/html` its
 * HTML body alone, sandboxed. Mounted only while the sink runs (no SMTP_URL).
 */
export function devMailRoutes(db: Db): Middleware {
  const router = new Router({ prefix: '/dev/mail' });

  router.get('/', async (ctx) => {
    const mails = await listSinkMails(db);
    if (wantsJson(ctx)) {
      ctx.body = { mails: mails.map(summary) };
      return;
    }
    page(ctx, '本地邮件 · Local mail', listPage(mails));
  });

  router.get('/:id', async (ctx) => {
    const mail = await findSinkMail(db, ctx.params.id ?? '');
    if (!mail) return notFound(ctx);
    if (wantsJson(ctx)) {
      ctx.body = {
        mail: { ...summary(mail), text: mail.text, html: mail.html ?? null, headers: mail.headers },
      };
      return;
    }
    page(ctx, `${mail.subject || '（无主题）'} · 本地邮件`, detailPage(mail));
  });

  router.get('/:id/html', async (ctx) => {
    const mail = await findSinkMail(db, ctx.params.id ?? '');
    if (!mail?.html) return notFound(ctx);
    // The mail's own HTML, in a unique origin with no scripts, no requests.
    ctx.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
    );
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = mail.html;
  });

  return router.routes() as Middleware;
}

function wantsJson(ctx: Context): boolean {
  return ctx.accepts('html', 'json') === 'json';
}

function summary(m: SinkMail) {
  return {
    id: m._id,
    subject: m.subject,
    from: m.from,
    to: m.to,
    envelopeTo: m.envelopeTo,
    date: m.date ?? null,
    receivedAt: m.receivedAt,
    deliveries: m.deliveries,
  };
}

function mailHref(id: string): string {
  return `/dev/mail/${encodeURIComponent(id)}`;
}

function page(ctx: Context, title: string, body: string): void {
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'");
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>
body{margin:0;padding:24px;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei',sans-serif;font-size:14px;color:#1f2329;background:#f5f6f7}
main{max-width:960px;margin:0 auto;background:#fff;border-radius:8px;padding:20px 24px}
h1{font-size:20px;margin:0 0 4px}
.note{color:#646a73;margin:0 0 16px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:8px;border-bottom:1px solid #eff0f1;vertical-align:top}
th{color:#646a73;font-weight:normal;white-space:nowrap}
td.time{white-space:nowrap;color:#646a73}
a{color:#3370ff;text-decoration:none}
pre{white-space:pre-wrap;word-break:break-word;background:#f7f8fa;padding:12px;border-radius:6px;font-family:inherit}
iframe{width:100%;height:640px;border:1px solid #dee0e3;border-radius:6px}
.badge{display:inline-block;background:#fff0e6;color:#de7802;border-radius:4px;padding:0 6px;font-size:12px}
</style></head>
<body><main>
${body}
</main></body></html>`;
}

function listPage(mails: SinkMail[]): string {
  const rows = mails
    .map(
      (m) => `<tr>
<td class="time">${e(formatTime(m.receivedAt))}</td>
<td>${e(m.envelopeTo.join(', '))}</td>
<td><a href="${e(mailHref(m._id))}">${e(m.subject || '（无主题）')}</a>${m.deliveries > 1 ? ` <span class="badge">收到 ${m.deliveries} 次</span>` : ''}</td>
<td>${e(m.from)}</td>
</tr>`,
    )
    .join('\n');
  return `<h1>本地邮件 <small style="font-weight:normal;color:#8f959e">Local mail sink</small></h1>
<p class="note">未配置 SMTP_URL：服务台发出的邮件都由本地邮件接收器收下并显示在这里（最新的在前，时间为北京时间）。<br>
No SMTP_URL is set: every mail the desk sends is caught by the local sink and listed here, newest first.</p>
<p><a href="/dev/mail">刷新 / Refresh</a> · 共 ${mails.length} 封</p>
${
  mails.length === 0
    ? '<p>还没有收到邮件。/ No mail yet.</p>'
    : `<table><thead><tr><th>收到时间</th><th>收件人</th><th>主题</th><th>发件人</th></tr></thead><tbody>
${rows}
</tbody></table>`
}`;
}

function detailPage(m: SinkMail): string {
  const facts: Array<[string, string]> = [
    ['主题 Subject', m.subject || '（无主题）'],
    ['发件人 From', m.from],
    ['收件人 To', m.to.join(', ')],
    ['投递给 Delivered to', m.envelopeTo.join(', ')],
    ['日期 Date', m.date ? formatTime(m.date) : '—'],
    ['收到时间 Received', formatTime(m.receivedAt)],
    ...(m.deliveries > 1
      ? ([['投递次数 Deliveries', `${m.deliveries}（最近 ${formatTime(m.lastReceivedAt)}）`]] as Array<
          [string, string]
        >)
      : []),
    ['Message-ID', m._id],
  ];
  const headers = m.headers.map((h) => e(h.line)).join('\n');
  return `<p><a href="/dev/mail">← 全部邮件 / All mail</a></p>
<h1>${e(m.subject || '（无主题）')}</h1>
<table>${facts.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('\n')}</table>
<h2 style="font-size:16px">纯文本 / Plain text</h2>
<pre>${e(m.text)}</pre>
${
  m.html
    ? `<h2 style="font-size:16px">HTML</h2>
<iframe sandbox title="HTML" src="${e(`${mailHref(m._id)}/html`)}"></iframe>`
    : ''
}
<details><summary>邮件头 / Headers</summary><pre>${headers}</pre></details>`;
}

function notFound(ctx: Context): void {
  if (wantsJson(ctx)) throw new DomainError('notFound', '没有这封邮件 / no such mail');
  ctx.status = 404;
  page(
    ctx,
    '没有这封邮件',
    '<p><a href="/dev/mail">← 全部邮件 / All mail</a></p><p>没有这封邮件。/ No such mail.</p>',
  );
}
