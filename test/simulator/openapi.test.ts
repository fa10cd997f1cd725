import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Simulator, topicRobot } from '../../simulator/simulator.ts';
import { TokenStore } from '../../simulator/tokenStore.ts';
import { $Robot, $Util, openApiConfig } from './alicloud.ts';
import {
  app1,
  app2,
  getToken,
  group1,
  postJson,
  quietSdkConsole,
  SimDWClient,
  sleep,
  startTestSimulator,
  until,
} from './helpers.ts';

/** Tokens (§d), error families (§h), proactive robot sends (§c2) and sessionWebhook replies (§c1). */

let sim: Simulator;
let restoreConsole: () => void;

beforeAll(async () => {
  restoreConsole = quietSdkConsole();
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim.close();
  restoreConsole();
});

/** What @alicloud/dingtalk throws for 4xx answers. */
interface TeaError {
  code: string;
  message: string;
  data: { statusCode: number; requestid: string; code: string };
}

async function teaError(p: Promise<unknown>): Promise<TeaError> {
  try {
    await p;
  } catch (err) {
    return err as TeaError;
  }
  throw new Error('expected the SDK call to throw');
}

describe('access tokens', () => {
  test('POST /v1.0/oauth2/accessToken returns the same token while valid', async () => {
    const a = await postJson(`${sim.url}/v1.0/oauth2/accessToken`, {
      appKey: app1.clientId,
      appSecret: app1.clientSecret,
    });
    expect(a.status).toBe(200);
    expect(a.json).toEqual({ accessToken: expect.any(String), expireIn: 7200 });
    const b = await postJson(`${sim.url}/v1.0/oauth2/accessToken`, {
      appKey: app1.clientId,
      appSecret: app1.clientSecret,
    });
    expect(b.json.accessToken).toBe(a.json.accessToken);
    const old = await fetch(`${sim.url}/gettoken?appkey=${app1.clientId}&appsecret=${app1.clientSecret}`);
    expect(await old.json()).toEqual({
      errcode: 0,
      errmsg: 'ok',
      access_token: a.json.accessToken,
      expires_in: 7200,
    });
  });

  test('bad credentials and bodies', async () => {
    const bad = await postJson(`${sim.url}/v1.0/oauth2/accessToken`, {
      appKey: app1.clientId,
      appSecret: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      code: 'invalidClientIdOrSecret',
      message: '无效的clientId或者clientSecret',
    });
    expect(bad.json.requestid).toEqual(expect.any(String));
    expect(bad.headers.get('x-acs-request-id')).toBe(bad.json.requestid);
    const notJson = await postJson(`${sim.url}/v1.0/oauth2/accessToken`, '{oops');
    expect(notJson.status).toBe(400);
    expect(notJson.json).toMatchObject({
      code: 'Missingbody',
      message: 'body is mandatory for this action.',
    });
    const old = await fetch(`${sim.url}/gettoken?appkey=${app1.clientId}&appsecret=nope`);
    expect(old.status).toBe(200);
    expect(await old.json()).toEqual({ errcode: 40089, errmsg: '不合法的corpId或corpSecret' });
    const post = await fetch(`${sim.url}/gettoken?appkey=${app1.clientId}&appsecret=${app1.clientSecret}`, {
      method: 'POST',
    });
    expect(await post.json()).toEqual({ errcode: 43001, errmsg: '需要GET请求' });
  });

  test('expired and unknown tokens answer in both error families', async () => {
    const token = await getToken(sim, app1);
    const send = (t?: string) =>
      postJson(
        `${sim.url}/v1.0/robot/groupMessages/send`,
        {
          robotCode: app1.clientId,
          openConversationId: group1,
          msgKey: 'sampleText',
          msgParam: '{"content":"x"}',
        },
        t === undefined ? {} : { 'x-acs-dingtalk-access-token': t },
      );
    expect((await send(token)).status).toBe(200);
    for (const t of [undefined, 'made-up']) {
      const r = await send(t);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ code: 'InvalidAuthentication', message: '不合法的access_token' });
    }
    const userGet = (t: string) =>
      postJson(`${sim.url}/topapi/v2/user/get?access_token=${t}`, { userid: 'u1' });
    expect((await userGet(token)).json.errcode).toBe(0);
    expect((await userGet('made-up')).json).toMatchObject({ errcode: 40014, errmsg: '不合法的access_token' });

    sim.expireTokens();
    const expired = await send(token);
    expect(expired.status).toBe(400);
    expect(expired.json.code).toBe('InvalidAuthentication');
    const oapi = await userGet(token);
    expect(oapi.status).toBe(200);
    expect(oapi.json).toMatchObject({
      errcode: 42001,
      errmsg: 'access_token超时',
      request_id: expect.any(String),
    });
    const fresh = await getToken(sim, app1);
    expect(fresh).not.toBe(token);
    expect((await send(fresh)).status).toBe(200);
  });

  test('tokens expire after their TTL and are then replaced', async () => {
    const store = new TokenStore(0.05);
    const a = store.issue('x');
    expect(store.check(a.token)).toEqual({ ok: true, clientId: 'x' });
    await sleep(60);
    expect(store.check(a.token)).toEqual({ ok: false, reason: 'expired' });
    expect(store.issue('x').token).not.toBe(a.token);
  });

  test('unknown paths answer 404 in their family', async () => {
    const api = await fetch(`${sim.url}/v1.0/nothing/here`, { method: 'POST' });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: 'InvalidAction.NotFound' });
    const oapi = await fetch(`${sim.url}/topapi/nothing`);
    expect(await oapi.json()).toEqual({ errcode: 404, errmsg: '请求的URI地址不存在' });
    const getOnPost = await fetch(`${sim.url}/topapi/v2/user/get`);
    expect(await getOnPost.json()).toEqual({ errcode: 43002, errmsg: '需要POST请求' });
  });
});

describe('proactive robot messages via @alicloud/dingtalk', () => {
  const runtime = () => new $Util.RuntimeOptions({});

  test('oToMessages/batchSend and groupMessages/send are recorded', async () => {
    const token = await getToken(sim, app1);
    const client = new $Robot.default(openApiConfig(sim));
    const since = sim.records().at(-1)?.seq ?? 0;
    const oto = await client.batchSendOTOWithOptions(
      new $Robot.BatchSendOTORequest({
        robotCode: app1.clientId,
        userIds: ['u1', 'ghost'],
        msgKey: 'sampleMarkdown',
        msgParam: JSON.stringify({ title: '工单 T-0001', text: '### 已受理' }),
      }),
      new $Robot.BatchSendOTOHeaders({ xAcsDingtalkAccessToken: token }),
      runtime(),
    );
    expect(oto.statusCode).toBe(200);
    expect(oto.body?.processQueryKey).toEqual(expect.any(String));
    expect(oto.body?.invalidStaffIdList).toEqual(['ghost']);
    const group = await client.orgGroupSendWithOptions(
      new $Robot.OrgGroupSendRequest({
        robotCode: app1.clientId,
        openConversationId: group1,
        msgKey: 'sampleActionCard2',
        msgParam: JSON.stringify({
          title: '请选择',
          text: '### 级别',
          actionTitle1: '一级',
          actionURL1: 'dtmd://dingtalkclient/sendMessage?content=%E4%B8%80%E7%BA%A7',
          actionTitle2: '二级',
          actionURL2: 'https://example.com/2',
        }),
      }),
      new $Robot.OrgGroupSendHeaders({ xAcsDingtalkAccessToken: token }),
      runtime(),
    );
    expect(group.body?.processQueryKey).toEqual(expect.any(String));
    const recs = sim.records({ sinceSeq: since });
    expect(recs.map((r) => [r.kind, r.userId ?? r.conversationId])).toEqual([
      ['otoSend', 'u1'],
      ['groupSend', group1],
    ]);
    expect(recs[0]?.content).toEqual({ type: 'markdown', title: '工单 T-0001', text: '### 已受理' });
    expect(recs[0]?.conversationId).toMatch(/^cid/);
    expect(recs[1]?.content).toMatchObject({
      type: 'actionCard',
      btnOrientation: '0',
      buttons: [{ title: '一级' }, { title: '二级' }],
    });
  });

  test('errors are HTTP 400 with the documented codes', async () => {
    const token = await getToken(sim, app1);
    const client = new $Robot.default(openApiConfig(sim));
    const oto = (
      r: Partial<{ robotCode: string; userIds: string[]; msgKey: string; msgParam: string }>,
      t = token,
    ) =>
      teaError(
        client.batchSendOTOWithOptions(
          new $Robot.BatchSendOTORequest({
            robotCode: app1.clientId,
            userIds: ['u1'],
            msgKey: 'sampleText',
            msgParam: '{"content":"x"}',
            ...r,
          }),
          new $Robot.BatchSendOTOHeaders({ xAcsDingtalkAccessToken: t }),
          runtime(),
        ),
      );
    const auth = await oto({ robotCode: app2.clientId });
    expect(auth.code).toBe('invalidParameter.robotCode.auth');
    expect(auth.data.statusCode).toBe(400);
    expect(auth.data.requestid).toEqual(expect.any(String));
    expect((await oto({ msgKey: 'sampleNope' })).code).toBe('invalidParameter.msgKey.invalid');
    expect((await oto({ msgParam: 'not json' })).code).toBe('invalidParameter.msgParam.invalid');
    expect((await oto({ msgKey: 'sampleMarkdown', msgParam: '{"title":"t"}' })).code).toBe(
      'invalidParameter.msgParam.invalid',
    );
    const many = Array.from({ length: 21 }, (_, i) => `u${i}`);
    expect((await oto({ userIds: many })).code).toBe('invalidParameter.userIds.overMax');
    const badToken = await oto({}, 'nope');
    expect(badToken.code).toBe('InvalidAuthentication');
    expect(badToken.data.statusCode).toBe(400);
    const group = await teaError(
      client.orgGroupSendWithOptions(
        new $Robot.OrgGroupSendRequest({
          robotCode: app1.clientId,
          openConversationId: 'cidUnknown==',
          msgKey: 'sampleText',
          msgParam: '{"content":"x"}',
        }),
        new $Robot.OrgGroupSendHeaders({ xAcsDingtalkAccessToken: token }),
        runtime(),
      ),
    );
    expect(group.code).toBe('invalid.openConversationId');
  });
});

describe('sessionWebhook replies', () => {
  test('replies of every msgtype are recorded; bad bodies get oapi errors', async () => {
    const c = new SimDWClient(app1, sim.url).listen(topicRobot, () => null);
    await c.connect();
    try {
      const { conversationId } = await sim.say({ userId: 'u1', robotCode: app1.clientId, text: '你好' });
      await until(() => c.received.length === 1, 'message');
      const url = (JSON.parse(c.received[0]!.data) as { sessionWebhook: string }).sessionWebhook;
      const since = sim.records().at(-1)?.seq ?? 0;
      const bodies = [
        { msgtype: 'text', text: { content: '@u1 已为您创建工单' }, at: { atUserIds: ['u1'] } },
        { msgtype: 'markdown', markdown: { title: '工单', text: '### 工单\n- 级别：2' } },
        {
          msgtype: 'actionCard',
          actionCard: {
            title: '选择',
            text: '### 选择',
            btnOrientation: '1',
            btns: [{ title: '一级', actionURL: 'https://e.com/1' }],
          },
        },
        {
          msgtype: 'actionCard',
          actionCard: { title: 't', text: 'x', singleTitle: '查看', singleURL: 'https://e.com' },
        },
        { msgtype: 'link', link: { title: 't', text: 'x', messageUrl: 'https://e.com' } },
        {
          msgtype: 'feedCard',
          feedCard: { links: [{ title: 'a', messageURL: 'https://e.com', picURL: '' }] },
        },
      ];
      for (const b of bodies) expect((await postJson(url, b)).json).toEqual({ errcode: 0, errmsg: 'ok' });
      const recs = sim.records({ sinceSeq: since });
      expect(
        recs.every((r) => r.kind === 'reply' && r.conversationId === conversationId && r.userId === 'u1'),
      ).toBe(true);
      expect(recs.map((r) => r.content.type)).toEqual([
        'text',
        'markdown',
        'actionCard',
        'actionCard',
        'link',
        'feedCard',
      ]);
      expect(recs[0]?.content).toMatchObject({ at: { atUserIds: ['u1'], isAtAll: false } });

      const missing = await postJson(url, { msgtype: 'markdown', markdown: { text: 'x' } });
      expect(missing.status).toBe(200);
      expect(missing.json.errcode).toBe(400402);
      expect(String(missing.json.errmsg)).toContain('markdown --》 title');
      expect((await postJson(url, { msgtype: 'video', video: {} })).json).toEqual({
        errcode: 400105,
        errmsg: '不支持的消息类型',
      });
      expect((await postJson(url, 'garbage')).json.errcode).toBe(400402);
      expect((await postJson(`${sim.url}/robot/sendBySession?session=made-up`, {})).json.errcode).toBe(
        300001,
      );
    } finally {
      c.disconnect();
    }
  });

  test('the session answers 300001 once sessionWebhookExpiredTime has passed', async () => {
    const short = await startTestSimulator({ sessionWebhookTtlMs: 100 });
    const c = new SimDWClient(app1, short.url).listen(topicRobot, () => null);
    await c.connect();
    try {
      await short.say({ userId: 'u1', robotCode: app1.clientId, text: '你好' });
      await until(() => c.received.length === 1, 'message');
      const data = JSON.parse(c.received[0]!.data) as {
        sessionWebhook: string;
        sessionWebhookExpiredTime: number;
      };
      await sleep(Math.max(0, data.sessionWebhookExpiredTime - Date.now()) + 10);
      const late = await postJson(data.sessionWebhook, { msgtype: 'text', text: { content: 'late' } });
      expect(late.status).toBe(200);
      expect(late.json).toEqual({ errcode: 300001, errmsg: 'session 不存在' });
    } finally {
      c.disconnect();
      await short.close();
    }
  });
});
