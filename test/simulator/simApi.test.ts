import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import type { Simulator } from '../../simulator/simulator.ts';
import { app1, getToken, group1, postJson, sleep, startTestSimulator } from './helpers.ts';

/** The simulator's own API, the chat page, and robustness against malformed input. */

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  token = await getToken(sim, app1);
});
afterAll(async () => {
  await sim.close();
});

describe('registry over HTTP', () => {
  test('upserts are idempotent by id and validation errors name the field', async () => {
    const user = { userId: 'new1', name: '新用户', corpId: 'dingcorp1' };
    expect((await postJson(`${sim.url}/_sim/users`, user)).status).toBe(200);
    const again = await postJson(`${sim.url}/_sim/users`, { ...user, name: '改名了' });
    expect(again.json).toMatchObject({ userId: 'new1', name: '改名了', unionId: expect.any(String) });
    const reg = (await (await fetch(`${sim.url}/_sim/registry`)).json()) as {
      users: { userId: string }[];
      apps: Record<string, unknown>[];
    };
    expect(reg.users.filter((u) => u.userId === 'new1')).toHaveLength(1);
    expect(reg.apps[0]).not.toHaveProperty('clientSecret');

    const bad = await postJson(`${sim.url}/_sim/users`, { userId: 'x', corpId: 'c' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'invalidField', field: 'name' });
    const badApp = await postJson(`${sim.url}/_sim/apps`, { ...app1, agentId: 'abc' });
    expect(badApp.json.field).toBe('agentId');
    const badGroup = await postJson(`${sim.url}/_sim/groups`, {
      openConversationId: 'g',
      title: 't',
      memberUserIds: 'u1',
    });
    expect(badGroup.json.field).toBe('memberUserIds');
    const notJson = await postJson(`${sim.url}/_sim/groups`, '{');
    expect(notJson.json.error).toBe('invalidJson');
    const clash = await postJson(`${sim.url}/_sim/apps`, {
      ...app1,
      clientId: 'other-app',
      robotCode: app1.clientId,
    });
    expect(clash.status).toBe(409);
    const app = await postJson(`${sim.url}/_sim/apps`, {
      name: 'n',
      clientId: 'c9',
      clientSecret: 's',
      corpId: 'x',
      agentId: '12',
    });
    expect(app.json).toMatchObject({ robotCode: 'c9', agentId: '12' });
  });
});

describe('user actions and the record log', () => {
  test('/_sim/say and /_sim/messages filters', async () => {
    const said = await postJson(`${sim.url}/_sim/say`, {
      userId: 'u1',
      robotCode: app1.clientId,
      text: '你好',
    });
    expect(said.status).toBe(200);
    const conversationId = said.json.conversationId as string;
    await postJson(`${sim.url}/_sim/say`, {
      userId: 'u2',
      robotCode: app1.clientId,
      conversationId: group1,
      text: '群里',
    });
    const all = (await (await fetch(`${sim.url}/_sim/messages`)).json()) as {
      records: { seq: number }[];
      lastSeq: number;
    };
    expect(all.lastSeq).toBe(all.records.at(-1)?.seq);
    const q = async (qs: string) =>
      (
        (await (await fetch(`${sim.url}/_sim/messages?${qs}`)).json()) as {
          records: Record<string, unknown>[];
        }
      ).records;
    expect(await q(`conversationId=${encodeURIComponent(conversationId)}`)).toHaveLength(1);
    expect((await q('userId=u2&kind=inbound'))[0]).toMatchObject({
      conversationId: group1,
      content: { text: '群里' },
    });
    expect(await q(`since=${all.lastSeq}`)).toHaveLength(0);
    expect((await fetch(`${sim.url}/_sim/messages?since=-1`)).status).toBe(400);
    expect((await fetch(`${sim.url}/_sim/messages?kind=bogus`)).status).toBe(400);

    const refused = await postJson(`${sim.url}/_sim/say`, {
      userId: 'ghost',
      robotCode: app1.clientId,
      text: 'x',
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: 'refused', message: expect.stringContaining('未注册') });
    const invalid = await postJson(`${sim.url}/_sim/say`, {
      userId: 'u1',
      robotCode: app1.clientId,
      text: 5,
    });
    expect(invalid.json).toMatchObject({ error: 'invalidField', field: 'text' });
    const click = await postJson(`${sim.url}/_sim/click`, {
      userId: 'u1',
      outTrackId: 'none',
      actionId: 'a',
    });
    expect(click.json.error).toBe('refused');
    const convs = (await (await fetch(`${sim.url}/_sim/conversations?userId=u1`)).json()) as {
      conversations: { conversationId: string; conversationType: string }[];
    };
    // a 1:1 chat with every robot, then the user's groups
    expect(
      convs.conversations.filter((c) => c.conversationType === '2').map((c) => c.conversationId),
    ).toEqual([group1]);
    expect(convs.conversations[0]?.conversationId).toBe(conversationId);
  });

  test('waitFor resolves for existing and future records and rejects on timeout', async () => {
    const future = sim.waitFor(
      (r) => r.kind === 'inbound' && r.content.type === 'text' && r.content.text === 'later',
    );
    await sim.say({ userId: 'u1', robotCode: app1.clientId, text: 'later' });
    expect((await future).userId).toBe('u1');
    expect((await sim.waitFor((r) => r.userId === 'u1')).kind).toBe('inbound');
    await expect(sim.waitFor(() => false, 20)).rejects.toThrow(/20 ms/);
  });

  test('the chat page and its script are served', async () => {
    const page = await fetch(`${sim.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('/_sim/chat.js');
    const js = await fetch(`${sim.url}/_sim/chat.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain('dtmd://dingtalkclient/sendMessage');
    const noMiniApp = await fetch(`${sim.url}/_sim/open-app?userId=u1`, { redirect: 'manual' });
    expect(noMiniApp.status).toBe(404);
  });
});

describe('robustness', () => {
  const routes: [string, string][] = [
    ['POST', '/v1.0/gateway/connections/open'],
    ['POST', '/v1.0/oauth2/accessToken'],
    ['POST', '/v1.0/robot/oToMessages/batchSend'],
    ['POST', '/v1.0/robot/groupMessages/send'],
    ['POST', '/v1.0/robot/messageFiles/download'],
    ['POST', '/v1.0/card/instances/createAndDeliver'],
    ['POST', '/v1.0/card/instances'],
    ['POST', '/v1.0/card/instances/deliver'],
    ['PUT', '/v1.0/card/instances'],
    ['PUT', '/v1.0/card/streaming'],
    ['GET', '/gettoken'],
    ['POST', '/robot/sendBySession'],
    ['POST', '/topapi/message/corpconversation/asyncsend_v2'],
    ['POST', '/topapi/message/corpconversation/getsendresult'],
    ['POST', '/topapi/v2/user/getuserinfo'],
    ['POST', '/topapi/v2/user/get'],
    ['POST', '/_sim/apps'],
    ['POST', '/_sim/users'],
    ['POST', '/_sim/groups'],
    ['POST', '/_sim/say'],
    ['POST', '/_sim/click'],
    ['POST', '/_sim/authcode'],
    ['GET', '/_sim/messages'],
    ['GET', '/_sim/card'],
    ['GET', '/_sim/open-app'],
  ];
  const body = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    fc
      .record({
        robotCode: fc.oneof(fc.constant(app1.clientId), fc.string()),
        userIds: fc.oneof(fc.array(fc.string()), fc.string(), fc.integer()),
        msgKey: fc.oneof(fc.constantFrom('sampleText', 'sampleMarkdown', 'sampleActionCard3'), fc.string()),
        msgParam: fc.oneof(fc.json(), fc.string(), fc.object()),
        outTrackId: fc.oneof(fc.string(), fc.integer()),
        cardTemplateId: fc.string(),
        openSpaceId: fc.oneof(fc.constant('dtv1.card//IM_ROBOT.u1'), fc.string()),
        cardData: fc.object(),
        msg: fc.oneof(fc.json(), fc.object()),
        agent_id: fc.oneof(fc.constant(app1.agentId), fc.string()),
        userid_list: fc.oneof(fc.string(), fc.array(fc.string())),
        msgtype: fc.constantFrom('text', 'markdown', 'actionCard', 'link', 'feedCard', 'x'),
        userId: fc.oneof(fc.constant('u1'), fc.string()),
        text: fc.anything(),
      })
      .map((o) => JSON.stringify(o)),
  );

  test('random bodies and queries never cause a 5xx or a non-JSON answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        body,
        fc.string({ maxLength: 40 }),
        fc.boolean(),
        async ([method, path], b, q, withToken) => {
          const url = `${sim.url}${path}?access_token=${withToken ? token : 'x'}&session=${encodeURIComponent(q)}&userId=${encodeURIComponent(q)}&since=${encodeURIComponent(q)}`;
          const res = await fetch(url, {
            method,
            headers: {
              'content-type': 'application/json',
              ...(withToken ? { 'x-acs-dingtalk-access-token': token } : {}),
            },
            ...(method === 'GET' ? {} : { body: b }),
            redirect: 'manual',
          });
          expect(res.status).toBeLessThan(500);
          // every family answers JSON (the redirect of /_sim/open-app aside)
          if (res.status !== 302) await res.json();
        },
      ),
      { numRuns: 200 },
    );
    expect((await fetch(`${sim.url}/_sim/registry`)).status).toBe(200);
  });

  test('a huge body is refused with 413 in its family and the server stays up', async () => {
    const answer = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        // declares 2 MiB but sends little: the simulator answers from the declared length
        const req = request(
          `${sim.url}${path}`,
          { method: 'POST', headers: { 'content-length': 2 * 1024 * 1024 } },
          (res) => {
            let body = '';
            res.on('data', (d) => {
              body += String(d);
            });
            res.on('end', () => {
              req.destroy();
              resolve({ status: res.statusCode ?? 0, body });
            });
          },
        );
        req.on('error', reject);
        req.write('x'.repeat(1000));
      });
    const api = await answer('/v1.0/oauth2/accessToken');
    expect(api.status).toBe(413);
    expect(JSON.parse(api.body)).toMatchObject({
      code: 'RequestEntityTooLarge',
      requestid: expect.any(String),
    });
    const oapi = await answer('/topapi/v2/user/get');
    expect(JSON.parse(oapi.body)).toMatchObject({ errcode: 40035 });
    const r = await postJson(`${sim.url}/v1.0/oauth2/accessToken`, {
      appKey: app1.clientId,
      appSecret: app1.clientSecret,
    });
    expect(r.status).toBe(200);
  });

  test('random WebSocket frames are ignored and the connection stays up', async () => {
    const open = await postJson(`${sim.url}/v1.0/gateway/connections/open`, {
      clientId: app1.clientId,
      clientSecret: app1.clientSecret,
      subscriptions: [{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }],
    });
    const ws = new WebSocket(`${open.json.endpoint}?ticket=${open.json.ticket}`);
    await new Promise((r) => ws.on('open', r));
    const frames = fc.sample(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc
          .record({ code: fc.anything(), headers: fc.anything(), data: fc.anything() })
          .map((o) => JSON.stringify(o)),
      ),
      200,
    );
    for (const f of frames) ws.send(f);
    await sleep(100);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(sim.connections(app1.clientId)).toBe(1);
    ws.close();
  });
});
