import { describe, expect, it } from 'vitest';
import { stableMessageId, toMailDeliveryError } from '../../../server/email/mailer.ts';
import {
  autoClosureNotice,
  autoClosureReminder,
  escapeHtml,
  finalClosureNotice,
  formatTime,
  ticketUpdateNotice,
} from '../../../server/email/templates.ts';

// The process runs in UTC (vitest.config.ts); mails show Beijing time (UTC+8).
const proposedAt = new Date('2026-05-12T06:30:00Z'); // 14:30 Beijing
const autoClosedAt = new Date('2026-06-12T06:30:00Z'); // one calendar month later
const reopenUntil = new Date('2026-07-12T06:30:00Z');
const base = { ticketNo: 'SD-2026-000123', title: '流程审批页面报错 500', recipientName: '张伟' };

describe('formatTime', () => {
  it('shows Beijing time whatever the process time zone', () => {
    expect(formatTime(proposedAt)).toBe('2026-05-12 14:30');
    // 16:30 UTC on 31 January is 00:30 on 1 February in Beijing.
    expect(formatTime(new Date('2026-01-31T16:30:00Z'))).toBe('2026-02-01 00:30');
  });
});

describe('auto-closure notice', () => {
  const mail = autoClosureNotice({ ...base, solutionProposedAt: proposedAt, autoClosedAt, reopenUntil });

  it('names the ticket, the dates and how to reopen, Chinese first', () => {
    expect(mail.subject).toBe(
      '[SD-2026-000123] 工单已自动关闭：流程审批页面报错 500 / Ticket closed automatically',
    );
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('张伟，您好');
      expect(body).toContain('2026-05-12 14:30'); // solution proposed
      expect(body).toContain('2026-06-12 14:30'); // auto-closed
      expect(body).toContain('2026-07-12 14:30'); // reopen before
      expect(body).toContain('重新打开 SD-2026-000123');
      expect(body).toContain('一个月');
      expect(body).toContain('one month');
      expect(body.indexOf('工单已自动关闭')).toBeLessThan(body.indexOf('Ticket closed automatically'));
    }
    expect(mail.html).toContain('<html lang="zh-CN">');
    expect(mail.html).toContain('<div lang="en">');
  });

  it('offers "reply to this email" only when replies are read', () => {
    expect(mail.text).not.toContain('回复本邮件');
    expect(mail.text).toContain('请勿直接回复');
    const withReply = autoClosureNotice({
      ...base,
      solutionProposedAt: proposedAt,
      autoClosedAt,
      reopenUntil,
      replyToReopen: true,
    });
    expect(withReply.text).toContain('直接回复本邮件');
    expect(withReply.text).toContain('Or reply to this email');
    expect(withReply.text).not.toContain('请勿直接回复');
  });

  it('follows configured windows', () => {
    const m = autoClosureNotice({
      ...base,
      solutionProposedAt: proposedAt,
      autoClosedAt,
      reopenUntil,
      autoCloseMonths: 2,
      reopenWindowMonths: 3,
    });
    expect(m.text).toContain('两个月');
    expect(m.text).toContain('三个月');
    expect(m.text).toContain('2 months');
    expect(m.text).toContain('3 months');
  });
});

describe('escaping', () => {
  const evil = '<script>alert("x")</script> & \'q\'';

  it('escapes every value from people in the HTML, keeps it readable in the text', () => {
    const mail = ticketUpdateNotice({
      ticketNo: 'SD-2026-000001',
      title: evil,
      recipientName: '<b>李</b>',
      event: { zh: '工程师已回复', en: 'An engineer replied' },
      at: proposedAt,
      message: `第一行\n<img src=x onerror=alert(1)>`,
      actorName: '王强 <eng>',
    });
    expect(mail.html).not.toMatch(/<script|<img|<b>|<eng>/);
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).toContain('王强 &lt;eng&gt;：');
    expect(mail.text).toContain(evil);
    expect(mail.text).toContain('  > 第一行');
  });

  it('keeps the subject on one line and short', () => {
    const mail = finalClosureNotice({
      ticketNo: 'SD-2026-000002',
      title: `第一行\r\nBcc: victim@example.com\t${'长'.repeat(80)}`,
      autoClosedAt,
      endedAt: reopenUntil,
    });
    expect(mail.subject).not.toMatch(/[\r\n\t]/);
    expect(mail.subject).toContain('第一行 Bcc: victim@example.com');
    expect(mail.subject).toContain('…');
    expect([...mail.subject].length).toBeLessThan(90);
  });

  it('links only http(s) ticket URLs', () => {
    const data = { ...base, solutionProposedAt: proposedAt, autoCloseAt: autoClosedAt };
    expect(autoClosureReminder({ ...data, ticketUrl: 'javascript:alert(1)' }).html).not.toContain(
      'javascript:',
    );
    const linked = autoClosureReminder({
      ...data,
      ticketUrl: 'https://desk.example.com/t/SD-2026-000123?a=1&b=2',
    });
    expect(linked.html).toContain('<a href="https://desk.example.com/t/SD-2026-000123?a=1&amp;b=2">');
    expect(linked.text).toContain('https://desk.example.com/t/SD-2026-000123?a=1&b=2');
  });

  it('escapeHtml covers the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('reminder, final closure, update', () => {
  it('the reminder says when the ticket will close and how to keep it open', () => {
    const m = autoClosureReminder({
      ...base,
      solutionProposedAt: proposedAt,
      autoCloseAt: new Date('2026-06-12T06:30:00Z'),
    });
    expect(m.subject).toMatch(/^\[SD-2026-000123\] 工单即将自动关闭：/);
    expect(m.text).toContain('2026-06-12 14:30');
    expect(m.text).toContain('已解决');
    expect(m.text).toContain('未解决');
    expect(m.text).toContain('售后服务助手');
  });

  it('the final closure says the ticket has ended and offers a new ticket, not a reopen', () => {
    const m = finalClosureNotice({ ...base, autoClosedAt, endedAt: reopenUntil, botName: '蓝凌客户空间' });
    expect(m.subject).toMatch(/^\[SD-2026-000123\] 工单已结束：/);
    expect(m.text).toContain('不能再重新打开');
    expect(m.text).toContain('“报障”');
    expect(m.text).toContain('蓝凌客户空间');
    expect(m.text).not.toContain('重新打开 SD-2026-000123');
  });

  it('a ticket update shows the event, the status and the message', () => {
    const m = ticketUpdateNotice({
      ...base,
      event: { zh: '工程师已回复', en: 'An engineer replied' },
      status: { zh: '处理中', en: 'In progress' },
      at: proposedAt,
      message: '请提供报错截图。',
      actorName: '王强',
    });
    expect(m.subject).toBe('[SD-2026-000123] 工程师已回复：流程审批页面报错 500 / An engineer replied');
    expect(m.text).toContain('当前状态：处理中');
    expect(m.text).toContain('Status: In progress');
    expect(m.html).toContain('请提供报错截图。');
  });
});

describe('mailer helpers', () => {
  it('stableMessageId is a valid, deterministic Message-ID on the sender domain', () => {
    const from = '"钉钉售后服务台" <servicedesk@vendor.example.com>';
    const a = stableMessageId('ticket-auto-closed:SD-2026-000123:customer', from);
    expect(a).toBe(stableMessageId('ticket-auto-closed:SD-2026-000123:customer', from));
    expect(a).toMatch(/^<[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*@vendor\.example\.com>$/);
    expect(a).not.toBe(stableMessageId('ticket-auto-closed:SD-2026-000124:customer', from));
    expect(stableMessageId('工单:提醒', 'servicedesk@localhost')).toMatch(/^<[0-9a-f]{12}@localhost>$/);
  });

  it('classifies SMTP failures: 4xx and connection trouble retry, 5xx does not', () => {
    const cases: Array<[object, string, boolean]> = [
      [{ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, 'connection', true],
      [{ code: 'ETIMEDOUT' }, 'connection', true],
      [{ code: 'EENVELOPE', responseCode: 421 }, 'connection', true],
      [{ code: 'EENVELOPE', responseCode: 452 }, 'temporary', true],
      [{ code: 'EPROTOCOL', responseCode: 503 }, 'temporary', true],
      [{ code: 'EAUTH', responseCode: 535, permanent: true }, 'setup', true],
      [{ code: 'EMESSAGE', responseCode: 554, permanent: true }, 'permanent', false],
      [{ code: 'EENVELOPE', message: 'No recipients defined' }, 'invalid', false],
    ];
    for (const [err, kind, retryable] of cases) {
      const mapped = toMailDeliveryError(Object.assign(new Error('x'), err));
      expect({ err, kind: mapped.kind, retryable: mapped.retryable }).toEqual({ err, kind, retryable });
    }
  });
});
