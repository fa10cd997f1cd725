import { describe, expect, it } from 'vitest';
import { parseRobotMessage } from '../../../bot/inbound.ts';
import { quickReply, toRobotMsg, toWebhookBody, toWorkNoticeMsg } from '../../../server/dingtalk/message.ts';

describe('outbound message forms (platform reference §c, §f)', () => {
  const card = {
    type: 'actionCard' as const,
    title: 'T',
    text: '### T',
    buttons: [quickReply('报障'), quickReply('我的工单')],
  };

  it('quick replies send their text back as the user', () => {
    expect(quickReply('查看', '查询 SD-2026-000001').url).toBe(
      'dtmd://dingtalkclient/sendMessage?content=%E6%9F%A5%E8%AF%A2%20SD-2026-000001',
    );
  });

  it('webhook bodies use the custom-robot format', () => {
    expect(toWebhookBody({ type: 'text', content: 'hi' })).toEqual({
      msgtype: 'text',
      text: { content: 'hi' },
      at: { atUserIds: [], isAtAll: false },
    });
    expect(toWebhookBody(card)).toMatchObject({
      msgtype: 'actionCard',
      actionCard: { btnOrientation: '0', btns: [{ title: '报障' }, { title: '我的工单' }] },
    });
  });

  it('robot API messages carry msgKey and a JSON-string msgParam', () => {
    expect(toRobotMsg({ type: 'markdown', title: 'T', text: 'x' })).toEqual({
      msgKey: 'sampleMarkdown',
      msgParam: '{"title":"T","text":"x"}',
    });
    const two = toRobotMsg(card);
    expect(two.msgKey).toBe('sampleActionCard2');
    expect(JSON.parse(two.msgParam)).toMatchObject({ actionTitle1: '报障', actionTitle2: '我的工单' });
    const many = toRobotMsg({ ...card, buttons: Array.from({ length: 7 }, (_, i) => quickReply(String(i))) });
    expect(many.msgKey).toBe('sampleActionCard5');
    expect(toRobotMsg({ ...card, buttons: [quickReply('一')] }).msgKey).toBe('sampleActionCard');
  });

  it('work notices are snake_case', () => {
    expect(toWorkNoticeMsg(card)).toMatchObject({
      msgtype: 'action_card',
      action_card: { btn_json_list: [{ title: '报障' }, { title: '我的工单' }] },
    });
  });
});

describe('inbound robot messages (platform reference §b)', () => {
  const base = {
    msgId: 'msgA==',
    conversationId: 'cid1',
    conversationType: '1',
    senderStaffId: 'u1',
    senderNick: '张三',
    createAt: 1769851697611,
    sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=x',
    sessionWebhookExpiredTime: 1769857097744,
    msgtype: 'text',
    text: { content: '  报障  ' },
  };

  it('parses a 1:1 text message', () => {
    const r = parseRobotMessage(JSON.stringify(base), 0);
    expect(r).toMatchObject({
      ok: true,
      message: { msgId: 'msgA==', isGroup: false, senderUserId: 'u1', text: '报障' },
    });
  });

  it('a timestamp no Date can hold counts as absent (found by the fuzz test)', () => {
    const r = parseRobotMessage(JSON.stringify({ ...base, createAt: '9'.repeat(400) }), 42);
    expect(r).toMatchObject({ ok: true, message: { createdAt: 42 } });
  });

  it('accepts numbers where DingTalk sends strings and the reverse', () => {
    const r = parseRobotMessage(
      JSON.stringify({ ...base, conversationType: 2, createAt: '1769851697611' }),
      0,
    );
    expect(r).toMatchObject({ ok: true, message: { isGroup: true, createdAt: 1769851697611 } });
  });

  it('survives messages without text: external senders, pictures, quota errors', () => {
    const { text: _t, ...noText } = base;
    expect(parseRobotMessage(JSON.stringify({ ...noText, senderStaffId: '' }), 5)).toMatchObject({
      ok: true,
      message: { text: '', senderUserId: '' },
    });
    expect(
      parseRobotMessage(
        JSON.stringify({
          ...noText,
          msgtype: 'picture',
          content: { downloadCode: 'dc1', pictureDownloadCode: 'p' },
        }),
        5,
      ),
    ).toMatchObject({ ok: true, message: { attachments: [{ kind: 'picture', downloadCode: 'dc1' }] } });
  });

  it.each([
    ['not json'],
    ['null'],
    ['[]'],
    ['{"msgId":1}'],
    [JSON.stringify({ ...base, conversationType: '3' })],
  ])('refuses %j with a reason', (data) => {
    const r = parseRobotMessage(data, 0);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
  });
});
