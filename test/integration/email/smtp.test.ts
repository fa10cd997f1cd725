import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/mongo.ts';
import { MailDeliveryError, Mailer, stableMessageId } from '../../../server/email/mailer.ts';
import { type SmtpReply, type SmtpSink, startSmtpSink } from '../../../server/email/smtp-sink.ts';
import { autoClosureNotice } from '../../../server/email/templates.ts';
import { openTestDb } from '../../support/db.ts';

/**
 * Real SMTP conversations: the Mailer (nodemailer) talks to the sink
 * (smtp-server) over TCP on 127.0.0.1; the sink parses (mailparser) and
 * stores in the embedded database.
 */
const from = '"钉钉售后服务台" <servicedesk@vendor.example.com>';
const refusals = new Map<string, SmtpReply>();
let db: Db;
let sink: SmtpSink;
let mailer: Mailer;

beforeAll(async () => {
  db = await openTestDb();
  sink = await startSmtpSink({ db, port: 0, rejectRecipient: (a) => refusals.get(a) });
  mailer = new Mailer({ smtpUrl: sink.url, from });
});

afterAll(async () => {
  mailer?.close();
  await sink?.close();
  await db?.close();
});

const notice = autoClosureNotice({
  ticketNo: 'SD-2026-000123',
  title: '流程审批页面报错 <500> & 无法提交',
  recipientName: '张伟',
  solutionProposedAt: new Date('2026-05-12T06:30:00Z'),
  autoClosedAt: new Date('2026-06-12T06:30:00Z'),
  reopenUntil: new Date('2026-07-12T06:30:00Z'),
});

async function expectRefusal(p: Promise<unknown>): Promise<MailDeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MailDeliveryError);
  return err as MailDeliveryError;
}

describe('mailer → SMTP sink', () => {
  it('delivers a zh-CN mail; the sink stores it parsed, Chinese intact', async () => {
    const to = 'zhangwei@xa-group.example.com';
    const result = await mailer.send({ to, ...notice, headers: { 'X-Ticket-No': 'SD-2026-000123' } });
    expect(result.accepted).toEqual([to]);
    expect(result.rejected).toEqual([]);
    expect(result.response).toMatch(/^250 /);

    const stored = await sink.waitForMail((m) => m._id === result.messageId);
    expect(stored.subject).toBe(notice.subject);
    expect(stored.subject).toContain('工单已自动关闭');
    expect(stored.from).toContain('钉钉售后服务台');
    expect(stored.envelopeFrom).toBe('servicedesk@vendor.example.com');
    expect(stored.to).toEqual([to]);
    expect(stored.envelopeTo).toEqual([to]);
    expect(stored.text.trim()).toBe(notice.text.trim());
    expect(stored.text).toContain(
      '您的工单 SD-2026-000123「流程审批页面报错 <500> & 无法提交」已于 2026-06-12 14:30 自动关闭',
    );
    expect(stored.html).toContain('流程审批页面报错 &lt;500&gt; &amp; 无法提交');
    expect(stored.deliveries).toBe(1);
    const header = (k: string) => stored.headers.find((h) => h.key === k)?.line;
    expect(header('auto-submitted')).toBe('Auto-Submitted: auto-generated');
    expect(header('x-ticket-no')).toBe('X-Ticket-No: SD-2026-000123');
    expect(await sink.mails({ to: 'ZHANGWEI@xa-group.example.com' })).toHaveLength(1);
  });

  it('a resend with the same stable Message-ID is one stored mail, delivered twice', async () => {
    const messageId = stableMessageId('ticket-auto-closed:SD-2026-000123:cust-xa-01', from);
    const to = 'resend@xa-group.example.com';
    await mailer.send({ to, messageId, ...notice });
    await mailer.send({ to, messageId, ...notice });
    const mails = await sink.mails({ to });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ _id: messageId, deliveries: 2 });
  });

  it('logs in with the credentials of SMTP_URL and never shows the password', async () => {
    const withAuth = new Mailer({ smtpUrl: `smtp://desk:s%40cret@127.0.0.1:${sink.port}`, from });
    try {
      expect(withAuth.target).not.toContain('s%40cret');
      expect(withAuth.target).toContain('desk:***@');
      await withAuth.verify();
      const r = await withAuth.send({ to: 'auth@xa-group.example.com', ...notice });
      expect(r.accepted).toEqual(['auth@xa-group.example.com']);
    } finally {
      withAuth.close();
    }
  });

  it('a recipient refused with 550 among accepted ones is reported, the mail still goes out', async () => {
    refusals.set('gone@xa-group.example.com', { code: 550, message: '5.1.1 mailbox unavailable' });
    const result = await mailer.send({
      to: ['ok@xa-group.example.com', 'gone@xa-group.example.com'],
      ...notice,
    });
    expect(result.accepted).toEqual(['ok@xa-group.example.com']);
    expect(result.rejected).toEqual(['gone@xa-group.example.com']);
    expect(result.rejectedErrors).toEqual([
      expect.objectContaining({
        recipient: 'gone@xa-group.example.com',
        responseCode: 550,
        retryable: false,
      }),
    ]);
    const stored = await sink.waitForMail((m) => m._id === result.messageId);
    expect(stored.envelopeTo).toEqual(['ok@xa-group.example.com']);
  });
});

describe('failures the outbox must tell apart', () => {
  it('550 for the only recipient: permanent, not retryable, nothing stored', async () => {
    refusals.set('nobody@xa-group.example.com', { code: 550, message: '5.1.1 no such user' });
    const err = await expectRefusal(mailer.send({ to: 'nobody@xa-group.example.com', ...notice }));
    expect(err).toMatchObject({ kind: 'permanent', retryable: false, responseCode: 550, code: 'validation' });
    expect(err.response).toContain('no such user');
    expect(err.rejected).toEqual([expect.objectContaining({ recipient: 'nobody@xa-group.example.com' })]);
    expect(await sink.mails({ to: 'nobody@xa-group.example.com' })).toEqual([]);
  });

  it('451 for the only recipient: temporary, retryable', async () => {
    refusals.set('busy@xa-group.example.com', { code: 451, message: '4.7.1 greylisted, try again later' });
    const err = await expectRefusal(mailer.send({ to: 'busy@xa-group.example.com', ...notice }));
    expect(err).toMatchObject({ kind: 'temporary', retryable: true, responseCode: 451, code: 'unavailable' });
  });

  it('every recipient refused, one of them only for now: retryable', async () => {
    refusals.set('gone2@xa-group.example.com', { code: 550, message: '5.1.1 no such user' });
    refusals.set('busy2@xa-group.example.com', { code: 452, message: '4.2.2 mailbox full' });
    const err = await expectRefusal(
      mailer.send({ to: ['gone2@xa-group.example.com', 'busy2@xa-group.example.com'], ...notice }),
    );
    expect(err.retryable).toBe(true);
    expect(err.rejected.map((r) => [r.recipient, r.retryable])).toEqual([
      ['gone2@xa-group.example.com', false],
      ['busy2@xa-group.example.com', true],
    ]);
  });

  it('nobody listening: a retryable connection error', async () => {
    const port = await freePort();
    const dead = new Mailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from });
    try {
      const err = await expectRefusal(dead.send({ to: 'x@xa-group.example.com', ...notice }));
      expect(err).toMatchObject({ kind: 'connection', retryable: true, code: 'unavailable' });
      expect(err.smtpErrorCode).toBe('ESOCKET');
      expect(err.message).toContain('ECONNREFUSED');
    } finally {
      dead.close();
    }
  });

  it('a server that never greets: a retryable timeout', async () => {
    const mute = net.createServer(() => {});
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', () => r()));
    const port = (mute.address() as net.AddressInfo).port;
    const slow = new Mailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from, connectTimeoutMs: 300 });
    try {
      const err = await expectRefusal(slow.send({ to: 'x@xa-group.example.com', ...notice }));
      expect(err).toMatchObject({ kind: 'connection', retryable: true, smtpErrorCode: 'ETIMEDOUT' });
    } finally {
      slow.close();
      mute.close();
    }
  });

  it('no recipient: invalid, not retryable, nothing attempted', async () => {
    const err = await expectRefusal(mailer.send({ to: [' '], ...notice }));
    expect(err).toMatchObject({ kind: 'invalid', retryable: false });
  });
});

describe('the sink', () => {
  it('falls back to a free port when asked and its port is taken, fails otherwise', async () => {
    const second = await startSmtpSink({ db, port: sink.port, fallbackToAnyPort: true });
    try {
      expect(second.fellBack).toBe(true);
      expect(second.port).not.toBe(sink.port);
    } finally {
      await second.close();
    }
    await expect(startSmtpSink({ db, port: sink.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
