import { describe, expect, test } from 'vitest';
import { applyParamMap, parseOpenSpaceId } from '../../simulator/cardStore.ts';
import { parseMsgParam, supportedMsgKeys } from '../../simulator/robotMsgKey.ts';
import { parseWebhookMessage } from '../../simulator/webhookMessage.ts';
import { parseWorkNoticeMessage } from '../../simulator/workNoticeMessage.ts';

/** The pure parts: openSpaceId, msgKey table, webhook and work-notice bodies. */

describe('openSpaceId', () => {
  test('parses one or several spaces and rejects malformed ids', () => {
    expect(parseOpenSpaceId('dtv1.card//IM_ROBOT.manager807')).toEqual([
      { spaceType: 'IM_ROBOT', spaceId: 'manager807' },
    ]);
    expect(parseOpenSpaceId('dtv1.card//IM_GROUP.cidAsX+b/c==;IM_ROBOT.u.with.dots')).toEqual([
      { spaceType: 'IM_GROUP', spaceId: 'cidAsX+b/c==' },
      { spaceType: 'IM_ROBOT', spaceId: 'u.with.dots' },
    ]);
    for (const bad of [
      '',
      'IM_ROBOT.u1',
      'dtv1.card//',
      'dtv1.card//IM_ROBOT',
      'dtv1.card//.u1',
      'dtv1.card//IM_ROBOT.',
    ]) {
      expect(parseOpenSpaceId(bad)).toBeUndefined();
    }
  });

  test('param maps merge by key or are replaced', () => {
    expect(applyParamMap({ a: '1', b: '2' }, { b: '3' }, true)).toEqual({ a: '1', b: '3' });
    expect(applyParamMap({ a: '1', b: '2' }, { b: '3' }, false)).toEqual({ b: '3' });
  });
});

describe('msgKey table', () => {
  const full: Record<string, string> = {
    content: 'c',
    title: 't',
    text: 'x',
    photoURL: 'https://p',
    messageUrl: 'https://m',
    singleTitle: 's',
    singleURL: 'https://s',
    buttonTitle1: 'b1',
    buttonUrl1: 'https://b1',
    buttonTitle2: 'b2',
    buttonUrl2: 'https://b2',
    mediaId: '@m',
    duration: '10',
    fileName: 'a.zip',
    fileType: 'zip',
    videoMediaId: '@v',
    videoType: 'mp4',
    picMediaId: '@p',
  };
  for (let i = 1; i <= 5; i++)
    Object.assign(full, { [`actionTitle${i}`]: `a${i}`, [`actionURL${i}`]: `https://a${i}` });

  test('every documented msgKey parses with its fields', () => {
    for (const key of supportedMsgKeys) expect(parseMsgParam(key, JSON.stringify(full)).ok).toBe(true);
    const five = parseMsgParam('sampleActionCard5', JSON.stringify(full));
    expect(five.ok && five.content.type === 'actionCard' && five.content.buttons).toHaveLength(5);
    const six = parseMsgParam('sampleActionCard6', JSON.stringify(full));
    expect(six.ok && six.content).toMatchObject({
      btnOrientation: '1',
      buttons: [{ title: 'b1' }, { title: 'b2' }],
    });
  });

  test('unknown keys and missing or malformed params are refused with the documented codes', () => {
    expect(parseMsgParam('sampleNope', '{}')).toMatchObject({
      ok: false,
      code: 'invalidParameter.msgKey.invalid',
    });
    expect(parseMsgParam('sampleText', '{"content":')).toMatchObject({
      ok: false,
      code: 'invalidParameter.msgParam.invalid',
    });
    expect(parseMsgParam('sampleText', '"x"')).toMatchObject({
      ok: false,
      code: 'invalidParameter.msgParam.invalid',
    });
    expect(
      parseMsgParam(
        'sampleActionCard3',
        JSON.stringify({ title: 't', text: 'x', actionTitle1: 'a', actionURL1: 'u' }),
      ),
    ).toMatchObject({
      ok: false,
      message: expect.stringContaining('actionTitle2'),
    });
  });
});

describe('webhook and work-notice bodies', () => {
  test('webhook errors: 400402 names the missing field, 400105 for unknown msgtypes', () => {
    expect(parseWebhookMessage({ msgtype: 'text', text: {} })).toMatchObject({
      errcode: 400402,
      errmsg: expect.stringContaining('text --》 content'),
    });
    expect(parseWebhookMessage({ msgtype: 'image' })).toMatchObject({ errcode: 400105 });
    expect(parseWebhookMessage(null)).toMatchObject({ errcode: 400402 });
    expect(
      parseWebhookMessage({ msgtype: 'text', text: { content: 'x' }, at: { atUserIds: 'u1' } }),
    ).toMatchObject({ errcode: 400402 });
    expect(
      parseWebhookMessage({ msgtype: 'actionCard', actionCard: { title: 't', text: 'x', btns: [] } }),
    ).toMatchObject({
      errcode: 400402,
    });
  });

  test('work notices accept msg as an object or a JSON string', () => {
    const msg = { msgtype: 'text', text: { content: '提醒' } };
    expect(parseWorkNoticeMessage(msg)).toEqual({ ok: true, content: { type: 'text', text: '提醒' } });
    expect(parseWorkNoticeMessage(JSON.stringify(msg))).toEqual({
      ok: true,
      content: { type: 'text', text: '提醒' },
    });
    expect(
      parseWorkNoticeMessage({
        msgtype: 'oa',
        oa: {
          message_url: 'https://e',
          head: { text: '头' },
          body: { title: '标题', form: [{ key: '级别：', value: '2' }] },
        },
      }),
    ).toEqual({
      ok: true,
      content: { type: 'oa', title: '标题', text: '- 级别：2', messageUrl: 'https://e' },
    });
    expect(parseWorkNoticeMessage('{')).toMatchObject({ ok: false, errcode: 40035 });
  });
});
