import type { DWClientDownStream } from 'dingtalk-stream';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import type { Simulator } from '../../simulator/simulator.ts';
import { topicCard, topicRobot } from '../../simulator/simulator.ts';
import {
  app1,
  app2,
  group1,
  postJson,
  quietSdkConsole,
  SimDWClient,
  sleep,
  startTestSimulator,
  until,
} from './helpers.ts';

/** Stream mode against the real dingtalk-stream SDK (§a). */

let sim: Simulator;
let restoreConsole: () => void;
const clients: SimDWClient[] = [];

beforeAll(async () => {
  restoreConsole = quietSdkConsole();
  sim = await startTestSimulator({ maxRedeliveries: 2 });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  await sim.close();
  restoreConsole();
});

async function connect(
  app = app1,
  topics = [topicRobot],
  ack?: (f: DWClientDownStream) => unknown,
): Promise<SimDWClient> {
  const c = new SimDWClient(app, sim.url);
  for (const t of topics) c.listen(t, ack);
  clients.push(c);
  await c.connect();
  await until(() => c.connected, 'SDK connected');
  return c;
}

async function openTicket(app = app1): Promise<{ endpoint: string; ticket: string }> {
  const r = await postJson(`${sim.url}/v1.0/gateway/connections/open`, {
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    subscriptions: [{ type: 'CALLBACK', topic: topicRobot }],
  });
  return r.json as { endpoint: string; ticket: string };
}

function handshake(url: string): Promise<{ opened: boolean; status?: number; ws: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => resolve({ opened: true, ws }));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode ?? 0, ws });
      ws.terminate();
    });
    ws.on('error', () => resolve({ opened: false, ws }));
  });
}

describe('connections/open', () => {
  test('bad credentials answer 401 authFailed in the OpenAPI shape', async () => {
    const r = await postJson(`${sim.url}/v1.0/gateway/connections/open`, {
      clientId: app1.clientId,
      clientSecret: 'wrong',
      subscriptions: [{ type: 'EVENT', topic: '*' }],
    });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ code: 'authFailed', message: '鉴权失败' });
    expect(r.json.requestid).toEqual(expect.any(String));
    expect(r.headers.get('x-acs-request-id')).toBe(r.json.requestid);
  });

  test('subscriptions are validated', async () => {
    const base = { clientId: app1.clientId, clientSecret: app1.clientSecret };
    for (const subscriptions of [
      undefined,
      [],
      [{ type: 'EVENT', topic: '/x' }],
      [{ type: 'NOPE', topic: '*' }],
    ]) {
      const r = await postJson(`${sim.url}/v1.0/gateway/connections/open`, { ...base, subscriptions });
      expect(r.status).toBe(400);
    }
    const bad = await fetch(`${sim.url}/v1.0/gateway/connections/open`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'Missingbody' });
  });

  test('the answer is {endpoint, ticket} and a ticket opens one connection only', async () => {
    const { endpoint, ticket } = await openTicket();
    expect(endpoint).toBe(`${sim.url.replace('http', 'ws')}/connect`);
    const first = await handshake(`${endpoint}?ticket=${ticket}`);
    expect(first.opened).toBe(true);
    const again = await handshake(`${endpoint}?ticket=${ticket}`);
    expect(again).toMatchObject({ opened: false, status: 401 });
    const unknown = await handshake(`${endpoint}?ticket=made-up`);
    expect(unknown).toMatchObject({ opened: false, status: 401 });
    const wrongPath = await handshake(
      `${sim.url.replace('http', 'ws')}/elsewhere?ticket=${(await openTicket()).ticket}`,
    );
    expect(wrongPath).toMatchObject({ opened: false, status: 404 });
    first.ws.close();
  });

  test('an expired ticket is refused', async () => {
    const short = await startTestSimulator({ ticketTtlMs: 50 });
    try {
      const r = await postJson(`${short.url}/v1.0/gateway/connections/open`, {
        clientId: app1.clientId,
        clientSecret: app1.clientSecret,
        subscriptions: [{ type: 'EVENT', topic: '*' }],
      });
      await sleep(80);
      const h = await handshake(`${r.json.endpoint}?ticket=${r.json.ticket}`);
      expect(h).toMatchObject({ opened: false, status: 401 });
    } finally {
      await short.close();
    }
  });
});

describe('robot messages', () => {
  test('a 1:1 message reaches the SDK with the documented frame and data', async () => {
    const c = await connect(app1, [topicRobot], () => null);
    const { msgId, conversationId } = await sim.say({
      userId: 'u1',
      robotCode: app1.clientId,
      text: '查询 T-0001',
    });
    await until(() => c.received.length === 1, 'robot message');
    const frame = c.received[0]!;
    expect(frame.specVersion).toBe('1.0');
    expect(frame.type).toBe('CALLBACK');
    expect(frame.headers).toMatchObject({ topic: topicRobot, contentType: 'application/json' });
    expect(typeof frame.headers.time).toBe('string');
    expect(frame.headers.appId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof frame.data).toBe('string');
    const data = JSON.parse(frame.data) as Record<string, unknown>;
    expect(data).toMatchObject({
      msgId,
      conversationId,
      conversationType: '1',
      senderStaffId: 'u1',
      senderNick: '张三',
      senderCorpId: 'dingcorp1',
      chatbotCorpId: 'dingcorp1',
      robotCode: app1.clientId,
      isAdmin: false,
      msgtype: 'text',
      text: { content: '查询 T-0001' },
    });
    expect(msgId).toMatch(/^msg/);
    expect(data.senderId).toMatch(/^\$:LWCP_v1:\$/);
    expect(data.chatbotUserId).toMatch(/^\$:LWCP_v1:\$/);
    expect(data.sessionWebhook).toMatch(new RegExp(`^${sim.url}/robot/sendBySession\\?session=`));
    expect(data.sessionWebhookExpiredTime).toBe((data.createAt as number) + 90 * 60_000);
    await until(() => sim.pendingAcks() === 0, 'ack');
    const again = await sim.say({ userId: 'u1', robotCode: app1.clientId, text: '再来' });
    expect(again.conversationId).toBe(conversationId);
    await until(() => c.received.length === 2, 'second message');
    expect(JSON.parse(c.received[1]!.data).sessionWebhook).toBe(data.sessionWebhook);
    expect(sim.records({ kind: 'inbound', conversationId })).toHaveLength(2);
  });

  test('acked messages are not redelivered', async () => {
    const c = await connect(app1, [topicRobot], () => null);
    await sim.say({ userId: 'u1', robotCode: app1.clientId, text: 'ack me' });
    await until(() => c.received.length === 1, 'message');
    await sleep(400);
    expect(c.received).toHaveLength(1);
    expect(sim.pendingAcks()).toBe(0);
  });

  test('unacked messages are redelivered with the same msgId until acked', async () => {
    let acks = false;
    const c = await connect(app1, [topicRobot], () => (acks ? null : false));
    const { msgId } = await sim.say({ userId: 'u1', robotCode: app1.clientId, text: 'no ack' });
    await until(() => c.received.length === 2, 'redelivery', 1500);
    const [a, b] = c.received.map((f) => JSON.parse(f.data) as { msgId: string });
    expect(a?.msgId).toBe(msgId);
    expect(b?.msgId).toBe(msgId);
    expect(c.received[0]!.data).toBe(c.received[1]!.data);
    expect(c.received[0]!.headers.messageId).not.toBe(c.received[1]!.headers.messageId);
    expect(sim.pendingAcks()).toBe(1);
    acks = true;
    await until(() => c.received.length === 3, 'second redelivery', 1500);
    await until(() => sim.pendingAcks() === 0, 'ack of the redelivery');
    await sleep(200);
    expect(c.received).toHaveLength(3);
  });

  test('redelivery stops after maxRedeliveries', async () => {
    const c = await connect(app1, [topicRobot], () => false);
    await sim.say({ userId: 'u1', robotCode: app1.clientId, text: 'never acked' });
    await until(() => sim.pendingAcks() === 0, 'drop', 2000);
    expect(c.received).toHaveLength(3); // first push + 2 redeliveries
  });

  test('messages wait for a connection and go to the right app only', async () => {
    await sim.say({ userId: 'u1', robotCode: app2.clientId, text: 'queued' });
    expect(sim.pendingAcks()).toBe(1);
    const other = await connect(app1, [topicRobot], () => null);
    const c = await connect(app2, [topicRobot], () => null);
    await until(() => c.received.length === 1, 'queued message delivered on connect');
    expect(JSON.parse(c.received[0]!.data)).toMatchObject({
      robotCode: app2.clientId,
      text: { content: 'queued' },
    });
    await sleep(50);
    expect(other.received).toHaveLength(0);
  });

  test('each push goes to one connection of the app, picked at random', async () => {
    const a = await connect(app1, [topicRobot], () => null);
    const b = await connect(app1, [topicRobot], () => null);
    expect(sim.connections(app1.clientId)).toBe(2);
    for (let i = 0; i < 24; i++) await sim.say({ userId: 'u1', robotCode: app1.clientId, text: `m${i}` });
    await until(() => a.received.length + b.received.length === 24, 'all messages');
    expect(a.received.length).toBeGreaterThan(0);
    expect(b.received.length).toBeGreaterThan(0);
    const one = sim.connectionInfo()[0]?.connectionId ?? '';
    expect(sim.disconnect(one, 'load balancing')).toBe(true);
    expect(sim.disconnect(one)).toBe(false);
    expect(sim.connections(app1.clientId)).toBe(1);
  });

  test('a connection only gets the topics it subscribed', async () => {
    const robotOnly = await connect(app1, [topicRobot], () => null);
    await sim.say({ userId: 'u1', robotCode: app1.clientId, text: 'x' });
    await until(() => robotOnly.received.length === 1, 'robot message');
    sim.sendRaw({ robotCode: app1.clientId, data: '{"type":"actionCallback"}', topic: topicCard });
    await sleep(50);
    expect(robotOnly.received).toHaveLength(1);
    const cards = await connect(app1, [topicCard], () => null);
    await until(() => cards.received.length === 1, 'card callback after subscribing');
  });

  test('group messages are delivered only when the robot is @-ed, with a leading space', async () => {
    const c = await connect(app1, [topicRobot], () => null);
    await sim.say({
      userId: 'u1',
      robotCode: app1.clientId,
      conversationId: group1,
      text: '没有@',
      atRobot: false,
    });
    const { msgId } = await sim.say({
      userId: 'u2',
      robotCode: app1.clientId,
      conversationId: group1,
      text: '测试数据',
      atUserIds: ['u1'],
    });
    await until(() => c.received.length === 1, 'group message');
    await sleep(50);
    expect(c.received).toHaveLength(1);
    const data = JSON.parse(c.received[0]!.data) as Record<string, unknown>;
    expect(data).toMatchObject({
      msgId,
      conversationType: '2',
      conversationId: group1,
      conversationTitle: '售后工程师群',
      isInAtList: true,
      isAdmin: true,
      senderStaffId: 'u2',
      text: { content: ' 测试数据' },
    });
    const atUsers = data.atUsers as { dingtalkId: string; staffId?: string }[];
    expect(atUsers[0]?.dingtalkId).toBe(data.chatbotUserId);
    expect(atUsers[1]).toMatchObject({ staffId: 'u1' });
    const inbound = sim.records({ kind: 'inbound', conversationId: group1 });
    expect(inbound.map((r) => r.delivered)).toEqual([false, true]);
    await expect(
      sim.say({ userId: 'other', robotCode: app1.clientId, conversationId: group1, text: 'x' }),
    ).rejects.toThrow();
  });

  test('external users have an empty senderStaffId; pictures and files carry download codes', async () => {
    const c = await connect(app1, [topicRobot], () => null);
    await sim.say({ userId: 'ext1', robotCode: app1.clientId, conversationId: group1, text: '外部' });
    await sim.say({ userId: 'u1', robotCode: app1.clientId, msgtype: 'picture' });
    await sim.say({
      userId: 'u1',
      robotCode: app1.clientId,
      msgtype: 'file',
      fileName: 'log.zip',
      fileContent: 'abc',
    });
    // groups do not pass files to robots
    await sim.say({
      userId: 'u1',
      robotCode: app1.clientId,
      conversationId: group1,
      msgtype: 'file',
      fileName: 'x.zip',
    });
    await until(() => c.received.length === 3, 'three messages');
    await sleep(50);
    expect(c.received).toHaveLength(3);
    const [ext, pic, file] = c.received.map((f) => JSON.parse(f.data) as Record<string, unknown>);
    expect(ext?.senderStaffId).toBe('');
    expect(pic).toMatchObject({ msgtype: 'picture', content: { downloadCode: expect.any(String) } });
    expect(pic?.text).toBeUndefined();
    expect(file).toMatchObject({
      msgtype: 'file',
      content: { fileName: 'log.zip', downloadCode: expect.any(String) },
    });
  });

  test('sendRaw pushes an arbitrary data string unchanged', async () => {
    const c = await connect(app1, [topicRobot], () => null);
    for (const data of ['not json', '{}', '{"msgId":1,"text":null}', 'x'.repeat(10_000)]) {
      sim.sendRaw({ robotCode: app1.clientId, data });
    }
    await until(() => c.received.length === 4, 'raw pushes');
    expect(c.received.map((f) => f.data.slice(0, 8))).toEqual(['not json', '{}', '{"msgId"', 'xxxxxxxx']);
  });
});

describe('connection management', () => {
  test('SYSTEM ping is sent periodically and the echo recorded; a silent client is dropped', async () => {
    const pinging = await startTestSimulator({ pingIntervalMs: 60 });
    try {
      const c = new SimDWClient(app1, pinging.url).listen(topicRobot, () => null);
      clients.push(c);
      await c.connect();
      await until(() => (pinging.connectionInfo()[0]?.pingsEchoed ?? 0) >= 2, 'ping echoes');
      // a raw client that never answers pings
      const r = await postJson(`${pinging.url}/v1.0/gateway/connections/open`, {
        clientId: app2.clientId,
        clientSecret: app2.clientSecret,
        subscriptions: [{ type: 'CALLBACK', topic: topicRobot }],
      });
      const frames: string[] = [];
      const ws = new WebSocket(`${r.json.endpoint}?ticket=${r.json.ticket}`);
      ws.on('message', (d) => frames.push(String(d)));
      const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
      await closed;
      const ping = JSON.parse(frames[0]!) as { type: string; headers: Record<string, unknown>; data: string };
      expect(ping).toMatchObject({
        type: 'SYSTEM',
        headers: { topic: 'ping', contentType: 'application/json' },
      });
      expect(JSON.parse(ping.data)).toHaveProperty('opaque');
      expect(pinging.connections(app1.clientId)).toBe(1);
    } finally {
      await pinging.close();
    }
  });

  test('disconnect sends SYSTEM disconnect, closes, and the SDK reconnects', async () => {
    const c = new SimDWClient({ ...app1, autoReconnect: true }, sim.url).listen(topicRobot, () => null);
    clients.push(c);
    const frames: string[] = [];
    await c.connect();
    await until(() => sim.connections(app1.clientId) === 1, 'connected');
    const firstId = sim.connectionInfo()[0]?.connectionId;
    (c as unknown as { socket: WebSocket }).socket.on('message', (d) => frames.push(String(d)));
    sim.disconnectAll('connection is expired');
    expect(sim.connections(app1.clientId)).toBe(0);
    await until(() => frames.length > 0, 'disconnect frame');
    expect(JSON.parse(frames[0]!)).toMatchObject({
      type: 'SYSTEM',
      headers: { topic: 'disconnect' },
      data: JSON.stringify({ reason: 'connection is expired' }),
    });
    await until(() => sim.connections(app1.clientId) === 1, 'SDK reconnect', 4000);
    expect(sim.connectionInfo().find((i) => !i.closing)?.connectionId).not.toBe(firstId);
    await sim.say({ userId: 'u1', robotCode: app1.clientId, text: 'after reconnect' });
    await until(() => c.received.length === 1, 'message after reconnect');
  });

  test('malformed client frames are ignored and the connection stays up', async () => {
    const { endpoint, ticket } = await openTicket();
    const ws = new WebSocket(`${endpoint}?ticket=${ticket}`);
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(String(d)));
    await new Promise((r) => ws.on('open', r));
    for (const f of [
      'not json',
      '{}',
      '[]',
      '{"code":200,"headers":{"messageId":"unknown"}}',
      '{"code":"x"}',
    ])
      ws.send(f);
    ws.send(Buffer.from([0, 1, 2]), { binary: true });
    await sleep(50);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    await sim.say({ userId: 'u1', robotCode: app1.clientId, text: 'still here' });
    await until(() => frames.length === 1, 'push after garbage');
    const f = JSON.parse(frames[0]!) as { headers: { messageId: string } };
    ws.send(
      JSON.stringify({
        code: 200,
        headers: { messageId: f.headers.messageId },
        message: 'OK',
        data: '{"response":null}',
      }),
    );
    await until(() => sim.pendingAcks() === 0, 'raw ack');
    ws.close();
  });
});
