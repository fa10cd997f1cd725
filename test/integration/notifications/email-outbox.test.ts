import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/mongo.ts';
import { simulatorApp } from '../../../server/demo/simulator-registry.ts';
import { DingTalkClient } from '../../../server/dingtalk/dingtalk-client.ts';
import { importDirectory } from '../../../server/directory/import-directory.ts';
import { Mailer, stableMessageId } from '../../../server/email/mailer.ts';
import { emailOf, emailsOf } from '../../../server/email/recipients.ts';
import { type SmtpReply, type SmtpSink, startSmtpSink } from '../../../server/email/smtp-sink.ts';
import { autoClosureNotice } from '../../../server/email/templates.ts';
import { emailNotice } from '../../../server/notifications/email-notice.ts';
import {
  deferredRecipientsKey,
  deliverOne,
  enqueue,
  failedItems,
  isSent,
  type Notice,
  outboxAttemptModel,
  outboxModel,
  outboxSentModel,
  safetyNetMs,
} from '../../../server/notifications/outbox.ts';
import { OutboxWorker } from '../../../server/notifications/outbox-worker.ts';
import { freshDbName, openTestDb } from '../../support/db.ts';

/**
 * Email through the outbox, over real SMTP: the Mailer (nodemailer) talks to
 * the local sink (smtp-server) on 127.0.0.1, which stores each mail by its
 * Message-ID in the embedded database and counts repeated deliveries. Two
 * connections to one database play two desk processes, each with its own
 * mailer. Each test has its own outbox database, so one test's pass never
 * delivers another's items.
 */
const from = '"钉钉售后服务台" <servicedesk@vendor.example.com>';
const refusals = new Map<string, SmtpReply>();
const opened: Db[] = [];
const mailers: Mailer[] = [];
let sinkDb: Db;
let sink: SmtpSink;
// Email items never call DingTalk; the worker still needs its port (nothing listens there).
const dingtalk = new DingTalkClient({
  ...simulatorApp,
  apiBase: 'http://127.0.0.1:9',
  oapiBase: 'http://127.0.0.1:9',
});

beforeAll(async () => {
  sinkDb = await openTestDb();
  sink = await startSmtpSink({ db: sinkDb, port: 0, rejectRecipient: (a) => refusals.get(a) });
});

afterAll(async () => {
  for (const m of mailers) m.close();
  await sink?.close();
  await Promise.all([sinkDb, ...opened].map((d) => d?.close()));
});

/** Two connections to a fresh outbox database: two processes. */
async function twoProcesses(): Promise<[Db, Db]> {
  const name = freshDbName();
  const pair: [Db, Db] = [await openTestDb(name), await openTestDb(name)];
  opened.push(...pair);
  return pair;
}

function newMailer(): Mailer {
  const m = new Mailer({ smtpUrl: sink.url, from });
  mailers.push(m);
  return m;
}

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string; key?: string; err?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const silent = pino({ level: 'silent' });

const content = autoClosureNotice({
  ticketNo: 'SD-2026-000123',
  title: '流程审批页面报错 500',
  recipientName: '张伟',
  solutionProposedAt: new Date('2026-05-12T06:30:00Z'),
  autoClosedAt: new Date('2026-06-12T06:30:00Z'),
  reopenUntil: new Date('2026-07-12T06:30:00Z'),
});

const mail = (to: string | string[]): Notice =>
  emailNotice(to, content, { headers: { 'X-Ticket-No': 'SD-2026-000123' } });

const idOf = (key: string) => stableMessageId(key, from);

async function sinkMailsWithId(id: string) {
  return (await sink.mails()).filter((m) => m._id === id);
}

describe('email through the outbox', () => {
  it('is delivered over SMTP exactly once with two workers passing over the same items', async () => {
    const [a, b] = await twoProcesses();
    const t0 = new Date(Date.now() - 60_000); // already due for the pass
    const keys = Array.from({ length: 8 }, (_, i) => `mail-race-${i}`);
    await enqueue(
      a,
      keys.map((key, i) => ({ key, notice: mail(`race-${i}@xa-group.example.com`) })),
      t0,
    );
    const clock = () => new Date();
    const wa = new OutboxWorker(a, dingtalk, silent, clock, { mailer: newMailer() });
    const wb = new OutboxWorker(b, dingtalk, silent, clock, { mailer: newMailer() });
    await Promise.all([wa.pass(), wb.pass(), wb.pass(), wa.pass()]);
    // …and single deliveries racing too, as a pass on a third server would.
    const mb = newMailer();
    await Promise.all(keys.map((key) => deliverOne(b, dingtalk, key, clock, silent, { mailer: mb })));

    for (const [i, key] of keys.entries()) {
      const stored = await sinkMailsWithId(idOf(key));
      expect(stored, key).toHaveLength(1);
      expect(stored[0], key).toMatchObject({
        deliveries: 1,
        envelopeTo: [`race-${i}@xa-group.example.com`],
        subject: content.subject,
      });
      expect(stored[0]!.headers.find((h) => h.key === 'x-ticket-no')?.line).toBe(
        'X-Ticket-No: SD-2026-000123',
      );
      expect(await isSent(a, key), key).toBe(true);
    }
    await Promise.all([wa.pass(), wb.pass()]);
    expect(await outboxModel(a).countDocuments({ _id: { $in: keys } })).toBe(0);
    for (const key of keys) expect((await sinkMailsWithId(idOf(key)))[0]!.deliveries, key).toBe(1);
  });

  it('is delivered once by a restarted worker when its process died right after enqueueing', async () => {
    const [a, b] = await twoProcesses();
    let t = new Date('2026-06-12T06:30:00Z');
    const clock = () => t;
    // The process enqueued (inside its request) and died before its worker sent anything.
    await enqueue(a, [{ key: 'mail-orphan', notice: mail('orphan@xa-group.example.com') }], t);

    const restarted = new OutboxWorker(b, dingtalk, silent, clock, { mailer: newMailer() });
    await restarted.pass(); // before the safety net: the enqueuing process may still be sending
    expect(await sinkMailsWithId(idOf('mail-orphan'))).toEqual([]);
    t = new Date(t.getTime() + safetyNetMs);
    await restarted.pass();
    expect(await isSent(b, 'mail-orphan')).toBe(true);
    await restarted.pass();
    await restarted.pass();
    expect(await outboxModel(a).findById('mail-orphan').lean()).toBeNull();
    const stored = await sinkMailsWithId(idOf('mail-orphan'));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ deliveries: 1, envelopeTo: ['orphan@xa-group.example.com'] });
  });

  it('sent again after a crash between SMTP 250 and the sent marker, it is still one mail', async () => {
    const [a, b] = await twoProcesses();
    let t = new Date('2026-06-12T06:30:00Z');
    const clock = () => t;
    const key = 'mail-crash';
    const to = 'crash@xa-group.example.com';
    await enqueue(a, [{ key, notice: mail(to) }], t);
    // What the dead process did: claimed attempt 1, and the server accepted the mail (with the
    // item's stable Message-ID), then the process died before inserting the sent marker.
    await outboxAttemptModel(a).create({ _id: `${key}#1`, at: t });
    await newMailer().send({ to, ...content, messageId: idOf(key) });

    const restarted = new OutboxWorker(b, dingtalk, silent, clock, { mailer: newMailer() });
    t = new Date(t.getTime() + safetyNetMs);
    await restarted.pass(); // attempt 1 is still leased to the dead process
    expect(await isSent(b, key)).toBe(false);
    t = new Date(t.getTime() + 60_000); // the lease ran out
    await restarted.pass(); // takes the attempt over
    await restarted.pass(); // attempt 2: sends again, same Message-ID
    expect(await isSent(b, key)).toBe(true);
    expect((await outboxSentModel(b).findById(key).lean())!.attempt).toBe(2);

    // SMTP itself is at-least-once; the stable Message-ID makes the resend the same mail.
    const stored = await sinkMailsWithId(idOf(key));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ deliveries: 2, envelopeTo: [to] });
    expect(await sink.mails({ to })).toHaveLength(1);
  });

  it('a 451 is retried later with backoff and then delivered', async () => {
    const [a] = await twoProcesses();
    let t = new Date('2026-06-12T06:30:00Z');
    const clock = () => t;
    const to = 'greylisted@xa-group.example.com';
    refusals.set(to, { code: 451, message: '4.7.1 greylisted, try again later' });
    const { logger, lines } = capturingLogger();
    const worker = new OutboxWorker(a, dingtalk, logger, clock, { mailer: newMailer() });
    await worker.send([{ key: 'mail-451', notice: mail(to) }]);
    await worker.idle();

    const deferred = await outboxModel(a).findById('mail-451').lean();
    expect(deferred).toMatchObject({ status: 'pending', attempts: 1 });
    expect(deferred!.lastError).toContain('451');
    expect(deferred!.lastError).toContain('greylisted');
    expect(deferred!.nextAttemptAt.getTime()).toBeGreaterThan(t.getTime());
    expect(lines.find((l) => l.key === 'mail-451')).toMatchObject({
      level: 40,
      msg: 'notice will be retried',
    });
    expect(await sink.mails({ to })).toEqual([]);

    await worker.pass(); // not due yet
    expect((await outboxModel(a).findById('mail-451').lean())!.attempts).toBe(1);

    refusals.delete(to);
    t = new Date(t.getTime() + 60_000);
    await worker.pass();
    expect(await isSent(a, 'mail-451')).toBe(true);
    expect(await outboxModel(a).findById('mail-451').lean()).toBeNull();
    const stored = await sinkMailsWithId(idOf('mail-451'));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ deliveries: 1, envelopeTo: [to] });
  });

  it('a 550 marks the item failed with the reason, logged at error, and it is never retried', async () => {
    const [a] = await twoProcesses();
    let t = new Date('2026-06-12T06:30:00Z');
    const clock = () => t;
    const to = 'nobody@xa-group.example.com';
    refusals.set(to, { code: 550, message: '5.1.1 no such user' });
    const { logger, lines } = capturingLogger();
    const worker = new OutboxWorker(a, dingtalk, logger, clock, { mailer: newMailer() });
    await worker.send([{ key: 'mail-550', notice: mail(to) }]);
    await worker.idle();

    const failed = await outboxModel(a).findById('mail-550').lean();
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed!.lastError).toContain('550');
    expect(failed!.lastError).toContain('no such user');
    expect(failed!.notice).toMatchObject({ kind: 'email', to: [to], subject: content.subject });
    expect((await failedItems(a)).map((i) => i._id)).toEqual(['mail-550']);
    expect(lines.find((l) => l.key === 'mail-550')).toMatchObject({
      level: 50,
      msg: 'notice cannot be delivered, marked failed',
      responseCode: 550,
    });

    t = new Date(t.getTime() + 24 * 3600_000);
    await worker.pass();
    expect(await outboxModel(a).findById('mail-550').lean()).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await isSent(a, 'mail-550')).toBe(false);
    expect(await sink.mails({ to })).toEqual([]);
  });

  it('without a mailer an email item fails with a clear reason', async () => {
    const [a] = await twoProcesses();
    const { logger, lines } = capturingLogger();
    const worker = new OutboxWorker(a, dingtalk, logger, () => new Date());
    await worker.send([{ key: 'mail-no-mailer', notice: mail('nomailer@xa-group.example.com') }]);
    await worker.idle();
    const failed = await outboxModel(a).findById('mail-no-mailer').lean();
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed!.lastError).toContain('no mailer configured');
    expect(lines.find((l) => l.key === 'mail-no-mailer')?.level).toBe(50);
  });

  it('a mail refused for some recipients: sent to the others, refusals noted, deferred ones retried apart', async () => {
    const [a] = await twoProcesses();
    let t = new Date('2026-06-12T06:30:00Z');
    const clock = () => t;
    const ok = 'partial-ok@xa-group.example.com';
    const gone = 'partial-gone@xa-group.example.com';
    const later = 'partial-later@xa-group.example.com';
    refusals.set(gone, { code: 550, message: '5.1.1 mailbox unavailable' });
    refusals.set(later, { code: 452, message: '4.2.2 mailbox full' });
    const { logger, lines } = capturingLogger();
    const worker = new OutboxWorker(a, dingtalk, logger, clock, { mailer: newMailer() });
    await worker.send([{ key: 'mail-partial', notice: mail([ok, gone, later]) }]);
    await worker.idle();

    expect(await isSent(a, 'mail-partial')).toBe(true);
    const marker = await outboxSentModel(a).findById('mail-partial').lean();
    const followUp = deferredRecipientsKey('mail-partial', 1);
    expect(marker!.note).toContain(gone);
    expect(marker!.note).toContain('mailbox unavailable');
    expect(marker!.note).toContain(followUp);
    expect(lines.some((l) => l.level === 50 && l.key === 'mail-partial')).toBe(true);
    expect((await sinkMailsWithId(idOf('mail-partial')))[0]).toMatchObject({
      envelopeTo: [ok],
      deliveries: 1,
    });
    expect(await outboxModel(a).findById(followUp).lean()).toMatchObject({
      status: 'pending',
      notice: { kind: 'email', to: [later], subject: content.subject },
    });

    refusals.delete(later);
    t = new Date(t.getTime() + safetyNetMs);
    await worker.pass();
    expect(await isSent(a, followUp)).toBe(true);
    const retried = await sinkMailsWithId(idOf(followUp));
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ envelopeTo: [later], deliveries: 1 });
    expect(await sink.mails({ to: gone })).toEqual([]);
  });

  it('a malformed stored email notice fails at once instead of being retried', async () => {
    const [a] = await twoProcesses();
    const t = new Date(Date.now() - 60_000);
    await enqueue(
      a,
      [{ key: 'mail-bad', notice: { ...emailNotice('x@xa-group.example.com', content), to: [] } }],
      t,
    );
    const worker = new OutboxWorker(a, dingtalk, silent, () => new Date(), { mailer: newMailer() });
    await worker.pass();
    const failed = await outboxModel(a).findById('mail-bad').lean();
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed!.lastError).toContain('invalid email notice');
  });
});

describe('building email notices', () => {
  it('dedupes recipients and refuses a notice nobody can receive', () => {
    expect(emailNotice([' A@x.example.com', 'a@X.example.com', 'b@x.example.com'], content).to).toEqual([
      'A@x.example.com',
      'b@x.example.com',
    ]);
    expect(() => emailNotice([], content)).toThrow(expect.objectContaining({ code: 'validation' }));
    expect(() => emailNotice('not-an-address', content)).toThrow(
      expect.objectContaining({ code: 'validation' }),
    );
    expect(() =>
      emailNotice('a@x.example.com', content, { headers: { From: 'evil@x.example.com' } }),
    ).toThrow(expect.objectContaining({ code: 'validation' }));
  });

  it('emailOf/emailsOf read active directory people', async () => {
    const [db] = await twoProcesses();
    const imported = await importDirectory(db, {
      organisations: [
        {
          id: 'org-mail',
          name: '邮件测试单位',
          contacts: [
            { userId: 'c-mail', name: '张伟', email: 'zhangwei@xa-group.example.com' },
            { userId: 'c-nomail', name: '李娜' },
            { userId: 'c-retired', name: '王芳', email: 'wangfang@xa-group.example.com', active: false },
          ],
        },
      ],
      staff: [
        { userId: 'eng-mail', name: '王强', roles: ['engineer'], email: 'wangqiang@vendor.example.com' },
      ],
    });
    expect(imported.ok).toBe(true);
    expect(await emailOf(db, 'c-mail')).toBe('zhangwei@xa-group.example.com');
    expect(await emailOf(db, 'eng-mail')).toBe('wangqiang@vendor.example.com');
    expect(await emailOf(db, 'c-nomail')).toBeUndefined();
    expect(await emailOf(db, 'c-retired')).toBeUndefined();
    expect(await emailOf(db, 'nobody')).toBeUndefined();
    expect(await emailsOf(db, ['c-mail', 'c-nomail', 'eng-mail', 'c-mail', 'c-retired'])).toEqual([
      'zhangwei@xa-group.example.com',
      'wangqiang@vendor.example.com',
    ]);
  });
});
