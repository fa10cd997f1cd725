import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Desk } from '../../../server/desk.ts';
import { autoClosureNotice } from '../../../server/email/templates.ts';
import type { Simulator } from '../../../simulator/simulator.ts';
import { freshDbName } from '../../support/db.ts';
import { startTestDesk, startTestSimulator } from '../../support/stack.ts';

/**
 * npm start without SMTP_URL: the desk runs the local SMTP sink, points its
 * mailer at it, and its HTTP server lists what arrived at /dev/mail. With
 * SMTP_URL set there is no sink and no /dev/mail.
 */
let sim: Simulator;
let desk: Desk;

beforeAll(async () => {
  sim = await startTestSimulator();
  desk = await startTestDesk(sim, { dbName: freshDbName(), env: { ROLES: 'server', SMTP_SINK_PORT: '0' } });
});

afterAll(async () => {
  await desk?.stop();
  await sim?.close();
});

const mail = autoClosureNotice({
  ticketNo: 'SD-2026-000123',
  title: '审批页面 <script>alert(1)</script> 报错',
  recipientName: '张伟',
  solutionProposedAt: new Date('2026-05-12T06:30:00Z'),
  autoClosedAt: new Date('2026-06-12T06:30:00Z'),
  reopenUntil: new Date('2026-07-12T06:30:00Z'),
});

describe('/dev/mail', () => {
  it('without SMTP_URL the desk mails to its own sink and says where to look', async () => {
    expect(desk.email.sink).toBeDefined();
    expect(desk.email.mailer.target).toBe(desk.email.sink!.url);
    expect(desk.email.statusLines(desk.httpUrl)).toEqual([
      expect.stringContaining(`${desk.httpUrl}/dev/mail`),
    ]);
  });

  it('lists a received mail, newest first, and shows it', async () => {
    const older = await desk.email.mailer.send({
      to: 'lisi@xa-group.example.com',
      ...mail,
      subject: '较早的邮件',
    });
    const sent = await desk.email.mailer.send({ to: 'zhangwei@xa-group.example.com', ...mail });
    await desk.email.sink!.waitForMail((m) => m._id === sent.messageId);

    const list = await fetch(`${desk.httpUrl}/dev/mail`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toContain('text/html');
    const listHtml = await list.text();
    expect(listHtml).toContain('本地邮件');
    expect(listHtml).toContain('zhangwei@xa-group.example.com');
    expect(listHtml).not.toContain('<script>alert(1)</script>');
    expect(listHtml).toContain('审批页面 &lt;script&gt;alert(1)&lt;/script&gt; 报错');
    const href = `/dev/mail/${encodeURIComponent(sent.messageId)}`;
    expect(listHtml).toContain(`href="${href}"`);
    expect(listHtml.indexOf(href)).toBeLessThan(listHtml.indexOf(encodeURIComponent(older.messageId)));

    const json = (await (
      await fetch(`${desk.httpUrl}/dev/mail`, { headers: { accept: 'application/json' } })
    ).json()) as { mails: Array<{ id: string; subject: string }> };
    expect(json.mails.map((m) => m.id)).toEqual([sent.messageId, older.messageId]);
    expect(json.mails[0]!.subject).toBe(mail.subject);

    const detail = await fetch(`${desk.httpUrl}${href}`);
    expect(detail.status).toBe(200);
    const detailHtml = await detail.text();
    expect(detailHtml).toContain('张伟，您好');
    expect(detailHtml).toContain('重新打开 SD-2026-000123');
    expect(detailHtml).not.toContain('<script>alert(1)</script>');
    expect(detailHtml).toContain(`src="${href}/html"`);

    const body = await fetch(`${desk.httpUrl}${href}/html`);
    expect(body.status).toBe(200);
    expect(body.headers.get('content-security-policy')).toContain('sandbox');
    expect(await body.text()).toContain('工单已自动关闭');
  });

  it('an unknown mail is a 404', async () => {
    const res = await fetch(`${desk.httpUrl}/dev/mail/${encodeURIComponent('<nope@localhost>')}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('没有这封邮件');
    const json = await fetch(`${desk.httpUrl}/dev/mail/x`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(await json.json()).toMatchObject({ error: { code: 'notFound' } });
  });

  it('with SMTP_URL set there is no sink and no /dev/mail; mail goes to that server', async () => {
    const other = await startTestDesk(sim, {
      dbName: freshDbName(),
      env: { ROLES: 'server', SMTP_URL: desk.email.sink!.url, MAIL_FROM: 'desk2@vendor.example.com' },
    });
    try {
      expect(other.email.sink).toBeUndefined();
      expect((await fetch(`${other.httpUrl}/dev/mail`)).status).toBe(404);
      const sent = await other.email.mailer.send({ to: 'wangwu@xa-group.example.com', ...mail });
      const got = await desk.email.sink!.waitForMail((m) => m._id === sent.messageId);
      expect(got.envelopeFrom).toBe('desk2@vendor.example.com');
    } finally {
      await other.stop();
    }
  });
});
