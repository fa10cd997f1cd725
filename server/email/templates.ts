/**
 * The product's emails, zh-CN first with the English version below it. Pure
 * functions: data in, `{ subject, text, html }` out; no clock, no I/O. Every
 * value that comes from people (titles, names, messages) is HTML-escaped, and
 * the subject is kept to one line. Times are shown in Beijing time
 * (Asia/Shanghai) whatever the server's time zone.
 */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface Bilingual {
  zh: string;
  en: string;
}

export interface TicketMailBase {
  /** SD-2026-000123 */
  ticketNo: string;
  title: string;
  /** For the greeting: "张伟，您好：" / "Dear 张伟,". */
  recipientName?: string;
  /** Link to the ticket; only http(s) links are shown. */
  ticketUrl?: string;
  /** The bot's name in DingTalk. Default 售后服务助手. */
  botName?: string;
}

export interface AutoClosureNoticeData extends TicketMailBase {
  solutionProposedAt: Date;
  autoClosedAt: Date;
  /** The reopen window is open strictly before this instant. */
  reopenUntil: Date;
  /** Months without confirmation or reply before auto-closure. Default 1. */
  autoCloseMonths?: number;
  /** Months after auto-closure in which the customer may reopen. Default 1. */
  reopenWindowMonths?: number;
  /** Offer "reply to this email" as a way to reopen — only once inbound mail is read. Default false. */
  replyToReopen?: boolean;
}

export interface AutoClosureReminderData extends TicketMailBase {
  solutionProposedAt: Date;
  /** When the ticket will be closed if nothing happens. */
  autoCloseAt: Date;
  autoCloseMonths?: number;
}

export interface FinalClosureData extends TicketMailBase {
  autoClosedAt: Date;
  endedAt: Date;
}

export interface TicketUpdateData extends TicketMailBase {
  /** What happened, a short phrase: { zh: '工程师已回复', en: 'An engineer replied' }. */
  event: Bilingual;
  at: Date;
  /** The ticket's status after the event (shared/ticket/status.ts statusNames). */
  status?: Bilingual;
  /** Free text from a person (an engineer's reply), shown as written in both versions. */
  message?: string;
  /** Who wrote the message or made the change. */
  actorName?: string;
}

const defaultBotName = '售后服务助手';
const productName: Bilingual = { zh: '钉钉售后服务台', en: 'DingTalk after-sales service desk' };

// ---------------------------------------------------------------------------------------------
// The four mails

export function autoClosureNotice(d: AutoClosureNoticeData): EmailContent {
  const bot = d.botName ?? defaultBotName;
  const noReply = months(d.autoCloseMonths ?? 1);
  const reopenWindow = months(d.reopenWindowMonths ?? 1);
  const command = `重新打开 ${d.ticketNo}`;
  const ways: ListItem[] = [
    { zh: `在钉钉中向“${bot}”发送：`, en: `In DingTalk, send this to "${bot}":`, code: command },
  ];
  if (d.replyToReopen) {
    ways.push({
      zh: '或直接回复本邮件，写明“重新打开”。',
      en: 'Or reply to this email with the words “重新打开” (reopen).',
    });
  }
  return render(d, {
    headline: { zh: '工单已自动关闭', en: 'Ticket closed automatically' },
    blocks: [
      {
        kind: 'p',
        zh: `您的工单 ${d.ticketNo}「${oneLine(d.title)}」已于 ${formatTime(d.autoClosedAt)} 自动关闭。`,
        en: `Your ticket ${d.ticketNo} “${oneLine(d.title)}” was closed automatically on ${formatTime(d.autoClosedAt)}.`,
      },
      {
        kind: 'p',
        zh: `工程师于 ${formatTime(d.solutionProposedAt)} 提出了解决方案，此后${noReply.zh}内未收到您的确认或回复，系统已按服务协议自动关闭工单。`,
        en: `An engineer proposed a solution on ${formatTime(d.solutionProposedAt)}. As we received neither a confirmation nor a reply for ${noReply.en}, the ticket was closed automatically, as the service agreement provides.`,
      },
      {
        kind: 'list',
        zh: `如问题仍未解决，您可以在自动关闭后${reopenWindow.zh}内（${formatTime(d.reopenUntil)} 前）重新打开工单，工单将交回原负责人继续处理：`,
        en: `If the problem is not solved, you can reopen the ticket within ${reopenWindow.en} of its closure (before ${formatTime(d.reopenUntil)}); it goes back to the same owner:`,
        items: ways,
      },
      {
        kind: 'p',
        zh: '逾期后工单将正式结束，不能再重新打开；如仍需帮助，请新建工单并注明本工单号。',
        en: 'After that the ticket is finally closed and can no longer be reopened; for further help, please open a new ticket and mention this ticket number.',
      },
      {
        kind: 'facts',
        rows: [
          ...ticketFacts(d),
          { label: { zh: '方案提出时间', en: 'Solution proposed' }, value: formatTime(d.solutionProposedAt) },
          { label: { zh: '自动关闭时间', en: 'Closed automatically' }, value: formatTime(d.autoClosedAt) },
          { label: { zh: '可重新打开至', en: 'Reopen before' }, value: formatTime(d.reopenUntil) },
        ],
      },
    ],
    repliesRead: d.replyToReopen === true,
  });
}

export function autoClosureReminder(d: AutoClosureReminderData): EmailContent {
  const bot = d.botName ?? defaultBotName;
  const noReply = months(d.autoCloseMonths ?? 1);
  return render(d, {
    headline: { zh: '工单即将自动关闭', en: 'Ticket about to close automatically' },
    blocks: [
      {
        kind: 'p',
        zh: `工程师已于 ${formatTime(d.solutionProposedAt)} 为您的工单 ${d.ticketNo}「${oneLine(d.title)}」提出解决方案，目前尚未收到您的确认或回复。`,
        en: `An engineer proposed a solution for your ticket ${d.ticketNo} “${oneLine(d.title)}” on ${formatTime(d.solutionProposedAt)}; we have not yet received your confirmation or reply.`,
      },
      {
        kind: 'p',
        zh: `按服务协议，方案提出后${noReply.zh}内未确认也未回复的工单将自动关闭。如到 ${formatTime(d.autoCloseAt)} 仍未收到您的确认或回复，本工单将自动关闭。`,
        en: `Under the service agreement, a ticket whose solution is neither confirmed nor answered for ${noReply.en} is closed automatically. Unless we hear from you by ${formatTime(d.autoCloseAt)}, this ticket will be closed.`,
      },
      {
        kind: 'list',
        zh: '请在钉钉中处理工程师发送的方案卡片：',
        en: 'Please answer the solution card the engineer sent you in DingTalk:',
        items: [
          {
            zh: '问题已解决：点击“已解决”，工单随即关闭。',
            en: 'Solved: press “已解决” (solved); the ticket is closed.',
          },
          {
            zh: '仍未解决：点击“未解决”并说明原因，工程师将继续处理。',
            en: 'Not solved: press “未解决” (not solved) and say why; the engineer continues.',
          },
          {
            zh: `也可以直接向“${bot}”回复补充信息。`,
            en: `Or simply reply to "${bot}" with more information.`,
          },
        ],
      },
      {
        kind: 'facts',
        rows: [
          ...ticketFacts(d),
          { label: { zh: '方案提出时间', en: 'Solution proposed' }, value: formatTime(d.solutionProposedAt) },
          { label: { zh: '将自动关闭于', en: 'Closes automatically on' }, value: formatTime(d.autoCloseAt) },
        ],
      },
    ],
    repliesRead: false,
  });
}

export function finalClosureNotice(d: FinalClosureData): EmailContent {
  const bot = d.botName ?? defaultBotName;
  return render(d, {
    headline: { zh: '工单已结束', en: 'Ticket ended' },
    blocks: [
      {
        kind: 'p',
        zh: `您的工单 ${d.ticketNo}「${oneLine(d.title)}」已于 ${formatTime(d.endedAt)} 正式结束。`,
        en: `Your ticket ${d.ticketNo} “${oneLine(d.title)}” was finally closed on ${formatTime(d.endedAt)}.`,
      },
      {
        kind: 'p',
        zh: `该工单于 ${formatTime(d.autoClosedAt)} 自动关闭，重新打开的期限内未收到重新打开的请求，按服务协议已结束，不能再重新打开。`,
        en: `It was closed automatically on ${formatTime(d.autoClosedAt)} and no request to reopen it came within the reopen period, so under the service agreement it has ended and can no longer be reopened.`,
      },
      {
        kind: 'list',
        zh: '如问题再次出现或仍需帮助：',
        en: 'If the problem comes back or you still need help:',
        items: [
          {
            zh: `在钉钉中向“${bot}”发送“报障”新建工单，并注明原工单号 ${d.ticketNo}，工程师可以查阅原处理记录。`,
            en: `Send “报障” (report a problem) to "${bot}" in DingTalk to open a new ticket and mention ${d.ticketNo}; the engineer can look up its history.`,
          },
        ],
      },
      {
        kind: 'facts',
        rows: [
          ...ticketFacts(d),
          { label: { zh: '自动关闭时间', en: 'Closed automatically' }, value: formatTime(d.autoClosedAt) },
          { label: { zh: '结束时间', en: 'Ended' }, value: formatTime(d.endedAt) },
        ],
      },
    ],
    repliesRead: false,
  });
}

export function ticketUpdateNotice(d: TicketUpdateData): EmailContent {
  const bot = d.botName ?? defaultBotName;
  const blocks: Block[] = [
    {
      kind: 'p',
      zh: `您的工单 ${d.ticketNo}「${oneLine(d.title)}」有新进展：${d.event.zh}。`,
      en: `There is news on your ticket ${d.ticketNo} “${oneLine(d.title)}”: ${d.event.en}.`,
    },
  ];
  if (d.message?.trim()) {
    blocks.push({
      kind: 'quote',
      author: d.actorName ? { zh: `${d.actorName}：`, en: `${d.actorName} wrote:` } : undefined,
      text: d.message.trim(),
    });
  }
  blocks.push(
    {
      kind: 'p',
      zh: `如需补充信息或有疑问，请在钉钉中直接回复“${bot}”。`,
      en: `To add information or ask a question, reply to "${bot}" in DingTalk.`,
    },
    {
      kind: 'facts',
      rows: [
        ...ticketFacts(d),
        ...(d.status ? [{ label: { zh: '当前状态', en: 'Status' }, value: d.status }] : []),
        { label: { zh: '更新时间', en: 'Updated' }, value: formatTime(d.at) },
      ],
    },
  );
  return render(d, { headline: d.event, blocks, repliesRead: false });
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers (exported for tests and other mails)

const shanghaiParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** '2026-05-12 14:30' in Beijing time. */
export function formatTime(at: Date): string {
  const p = Object.fromEntries(shanghaiParts.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Control characters and line breaks become spaces; runs of spaces one. */
export function oneLine(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029\s]+/g, ' ').trim();
}

function shorten(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

function months(n: number): Bilingual {
  const zhDigits = ['一', '两', '三', '四', '五', '六', '七', '八', '九', '十'];
  return {
    zh: n >= 1 && n <= 10 && Number.isInteger(n) ? `${zhDigits[n - 1]}个月` : `${n} 个月`,
    en: n === 1 ? 'one month' : `${n} months`,
  };
}

function safeUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s<>"]+$/i.test(url) ? url : undefined;
}

// ---------------------------------------------------------------------------------------------
// Layout: the same blocks render to plain text and HTML, Chinese first, then English.

interface ListItem extends Bilingual {
  /** A command to type, shown as code after the text. */
  code?: string;
}

type Fact = { label: Bilingual; value: string | Bilingual; href?: string };

type Block =
  | ({ kind: 'p' } & Bilingual)
  | ({ kind: 'list'; items: ListItem[] } & Bilingual)
  | { kind: 'quote'; author: Bilingual | undefined; text: string }
  | { kind: 'facts'; rows: Fact[] };

type Lang = keyof Bilingual;

function ticketFacts(d: TicketMailBase): Fact[] {
  const url = safeUrl(d.ticketUrl);
  return [
    { label: { zh: '工单号', en: 'Ticket' }, value: d.ticketNo, ...(url ? { href: url } : {}) },
    { label: { zh: '标题', en: 'Title' }, value: oneLine(d.title) },
  ];
}

function render(
  d: TicketMailBase,
  mail: { headline: Bilingual; blocks: Block[]; repliesRead: boolean },
): EmailContent {
  const title = shorten(oneLine(d.title), 40);
  const subject = oneLine(`[${d.ticketNo}] ${mail.headline.zh}：${title} / ${mail.headline.en}`);
  const greeting: Bilingual = d.recipientName
    ? { zh: `${oneLine(d.recipientName)}，您好：`, en: `Dear ${oneLine(d.recipientName)},` }
    : { zh: '您好：', en: 'Hello,' };
  const footer: Bilingual = mail.repliesRead
    ? {
        zh: `${productName.zh}（本邮件由系统自动发送；时间均为北京时间）`,
        en: `${productName.en} (sent automatically; times are Beijing time, UTC+8)`,
      }
    : {
        zh: `${productName.zh}（本邮件由系统自动发送，请勿直接回复；时间均为北京时间）`,
        en: `${productName.en} (sent automatically, replies are not read; times are Beijing time, UTC+8)`,
      };

  const text = [
    renderText('zh', mail.headline, greeting, mail.blocks, footer),
    '',
    '————————————————————————————————',
    'English',
    '',
    renderText('en', mail.headline, greeting, mail.blocks, footer),
  ].join('\n');

  const html = [
    '<!doctype html>',
    '<html lang="zh-CN"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    "<body style=\"margin:0;padding:24px 12px;background:#f5f6f7;color:#1f2329;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei','Helvetica Neue',Arial,sans-serif;font-size:14px;line-height:1.7;\">",
    '<div style="max-width:640px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px 28px;">',
    renderHtml('zh', mail.headline, greeting, mail.blocks, footer),
    '<hr style="border:none;border-top:1px solid #dee0e3;margin:28px 0;">',
    `<div lang="en">${renderHtml('en', mail.headline, greeting, mail.blocks, footer)}</div>`,
    '</div></body></html>',
  ].join('\n');

  return { subject, text, html };
}

function renderText(
  lang: Lang,
  headline: Bilingual,
  greeting: Bilingual,
  blocks: Block[],
  footer: Bilingual,
) {
  const out: string[] = [`【${headline[lang]}】`, '', greeting[lang], ''];
  for (const b of blocks) {
    switch (b.kind) {
      case 'p':
        out.push(b[lang], '');
        break;
      case 'list':
        out.push(b[lang]);
        for (const item of b.items)
          out.push(`  · ${item[lang]}${item.code ? `${codeGap(item[lang])}${item.code}` : ''}`);
        out.push('');
        break;
      case 'quote':
        if (b.author) out.push(b.author[lang]);
        out.push(...b.text.split(/\r?\n/).map((l) => `  > ${l}`), '');
        break;
      case 'facts': {
        for (const r of b.rows) {
          const value = typeof r.value === 'string' ? r.value : r.value[lang];
          const sep = lang === 'zh' ? '：' : ': ';
          out.push(`${r.label[lang]}${sep}${value}${r.href ? `  ${r.href}` : ''}`);
        }
        out.push('');
        break;
      }
      default:
        assertNever(b);
    }
  }
  out.push(footer[lang]);
  return out.join('\n');
}

const css = {
  h1: 'font-size:18px;margin:0 0 16px;',
  p: 'margin:0 0 12px;',
  code: 'background:#f2f3f5;border-radius:4px;padding:1px 6px;font-family:Menlo,Consolas,monospace;',
  quote:
    'margin:0 0 12px;padding:8px 12px;border-left:3px solid #3370ff;background:#f5f8ff;white-space:pre-wrap;',
  table: 'border-collapse:collapse;margin:4px 0 16px;',
  th: 'text-align:left;font-weight:normal;color:#646a73;padding:2px 16px 2px 0;vertical-align:top;white-space:nowrap;',
  td: 'padding:2px 0;',
  footer: 'margin:16px 0 0;color:#8f959e;font-size:12px;',
};

function renderHtml(
  lang: Lang,
  headline: Bilingual,
  greeting: Bilingual,
  blocks: Block[],
  footer: Bilingual,
) {
  const e = escapeHtml;
  const out: string[] = [
    `<h1 style="${css.h1}">${e(headline[lang])}</h1>`,
    `<p style="${css.p}">${e(greeting[lang])}</p>`,
  ];
  for (const b of blocks) {
    switch (b.kind) {
      case 'p':
        out.push(`<p style="${css.p}">${e(b[lang])}</p>`);
        break;
      case 'list':
        out.push(`<p style="${css.p}">${e(b[lang])}</p>`, '<ul style="margin:0 0 12px;padding-left:20px;">');
        for (const item of b.items) {
          const code = item.code
            ? `${codeGap(item[lang])}<code style="${css.code}">${e(item.code)}</code>`
            : '';
          out.push(`<li>${e(item[lang])}${code}</li>`);
        }
        out.push('</ul>');
        break;
      case 'quote':
        if (b.author) out.push(`<p style="${css.p}">${e(b.author[lang])}</p>`);
        out.push(`<div style="${css.quote}">${e(b.text)}</div>`);
        break;
      case 'facts': {
        out.push(`<table style="${css.table}">`);
        for (const r of b.rows) {
          const value = e(typeof r.value === 'string' ? r.value : r.value[lang]);
          const cell = r.href ? `<a href="${e(r.href)}">${value}</a>` : value;
          out.push(
            `<tr><th style="${css.th}">${e(r.label[lang])}</th><td style="${css.td}">${cell}</td></tr>`,
          );
        }
        out.push('</table>');
        break;
      }
      default:
        assertNever(b);
    }
  }
  out.push(`<p style="${css.footer}">${e(footer[lang])}</p>`);
  return out.join('\n');
}

/** No space after a full-width colon. */
function codeGap(text: string): string {
  return text.endsWith('：') ? '' : ' ';
}

function assertNever(x: never): never {
  throw new Error(`unexpected block ${JSON.stringify(x)}`);
}
