import type { DWClientDownStream } from 'dingtalk-stream';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type Simulator, topicCard } from '../../simulator/simulator.ts';
import { $Card, $Util, openApiConfig } from './alicloud.ts';
import {
  app1,
  getToken,
  group1,
  postJson,
  quietSdkConsole,
  SimDWClient,
  startTestSimulator,
  until,
} from './helpers.ts';

/** Interactive cards (§e) through @alicloud/dingtalk card_1_0 and card callbacks through the Stream SDK. */

let sim: Simulator;
let token: string;
let restoreConsole: () => void;
const clients: SimDWClient[] = [];
const runtime = () => new $Util.RuntimeOptions({});
const headers = () => new $Card.CreateAndDeliverHeaders({ xAcsDingtalkAccessToken: token });

beforeAll(async () => {
  restoreConsole = quietSdkConsole();
  sim = await startTestSimulator({ maxRedeliveries: 1 });
  token = await getToken(sim, app1);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  await sim.close();
  restoreConsole();
});

let seq = 0;
function robotCard(extra: Partial<ConstructorParameters<typeof $Card.CreateAndDeliverRequest>[0]> = {}) {
  seq += 1;
  return new $Card.CreateAndDeliverRequest({
    cardTemplateId: 'servicedesk.ticket.v1',
    outTrackId: `ticket-T000${seq}-v1`,
    callbackType: 'STREAM',
    cardData: new $Card.CreateAndDeliverRequestCardData({
      cardParamMap: {
        title: `工单 T-000${seq}`,
        status: '待确认',
        buttons: JSON.stringify([{ id: 'confirm', text: '确认', params: { ticketNo: `T-000${seq}` } }]),
      },
    }),
    privateData: { u1: new $Card.PrivateDataValue({ cardParamMap: { canConfirm: 'true' } }) },
    openSpaceId: 'dtv1.card//IM_ROBOT.u1',
    imRobotOpenSpaceModel: new $Card.CreateAndDeliverRequestImRobotOpenSpaceModel({ supportForward: true }),
    imRobotOpenDeliverModel: new $Card.CreateAndDeliverRequestImRobotOpenDeliverModel({
      spaceType: 'IM_ROBOT',
    }),
    userIdType: 1,
    ...extra,
  });
}

async function error(p: Promise<unknown>): Promise<{ code: string; data: { statusCode: number } }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; data: { statusCode: number } };
  }
  throw new Error('expected the SDK call to throw');
}

describe('card instances', () => {
  test('createAndDeliver to IM_ROBOT keeps state per outTrackId and records create and deliver', async () => {
    const client = new $Card.default(openApiConfig(sim));
    const req = robotCard();
    const res = await client.createAndDeliverWithOptions(req, headers(), runtime());
    expect(res.body?.success).toBe(true);
    expect(res.body?.result?.outTrackId).toBe(req.outTrackId);
    expect(res.body?.result?.deliverResults).toEqual([
      { spaceType: 'IM_ROBOT', spaceId: 'u1', success: true, carrierId: expect.any(String) },
    ]);
    const card = sim.card(req.outTrackId ?? '');
    expect(card).toMatchObject({
      cardTemplateId: 'servicedesk.ticket.v1',
      appClientId: app1.clientId,
      cardParamMap: { status: '待确认' },
      privateData: { u1: { canConfirm: 'true' } },
      spaces: [{ spaceType: 'IM_ROBOT', spaceId: 'u1', conversationType: '1' }],
    });
    const recs = sim.records().filter((r) => r.outTrackId === req.outTrackId);
    expect(recs.map((r) => r.kind)).toEqual(['cardCreate', 'cardDeliver']);
    expect(recs[1]).toMatchObject({ userId: 'u1', conversationId: card?.spaces[0]?.conversationId });

    const dup = await error(
      client.createAndDeliverWithOptions(robotCard({ outTrackId: req.outTrackId }), headers(), runtime()),
    );
    expect(dup.data.statusCode).toBe(400);
  });

  test('create then deliver to a group, then update by key and by replacement', async () => {
    const client = new $Card.default(openApiConfig(sim));
    const created = await client.createCardWithOptions(
      new $Card.CreateCardRequest({
        cardTemplateId: 'servicedesk.ticket.v1',
        outTrackId: 'group-card-1',
        callbackType: 'STREAM',
        cardData: new $Card.CreateCardRequestCardData({ cardParamMap: { title: '新工单', level: '2' } }),
        imGroupOpenSpaceModel: new $Card.CreateCardRequestImGroupOpenSpaceModel({ supportForward: true }),
      }),
      new $Card.CreateCardHeaders({ xAcsDingtalkAccessToken: token }),
      runtime(),
    );
    expect(created.body).toEqual({ success: true, result: 'group-card-1' });
    const delivered = await client.deliverCardWithOptions(
      new $Card.DeliverCardRequest({
        outTrackId: 'group-card-1',
        openSpaceId: `dtv1.card//IM_GROUP.${group1};IM_GROUP.cidMissing==`,
        imGroupOpenDeliverModel: new $Card.DeliverCardRequestImGroupOpenDeliverModel({
          robotCode: app1.clientId,
        }),
      }),
      new $Card.DeliverCardHeaders({ xAcsDingtalkAccessToken: token }),
      runtime(),
    );
    expect(delivered.body?.result?.map((r) => [r.spaceId, r.success])).toEqual([
      [group1, true],
      ['cidMissing==', false],
    ]);
    expect(sim.records({ kind: 'cardDeliver', conversationId: group1 }).at(-1)?.outTrackId).toBe(
      'group-card-1',
    );

    const update = (cardParamMap: Record<string, string>, byKey?: boolean) =>
      client.updateCardWithOptions(
        new $Card.UpdateCardRequest({
          outTrackId: 'group-card-1',
          cardData: new $Card.UpdateCardRequestCardData({ cardParamMap }),
          privateData: { u2: new $Card.PrivateDataValue({ cardParamMap: { mine: 'yes' } }) },
          ...(byKey === undefined
            ? {}
            : {
                cardUpdateOptions: new $Card.UpdateCardRequestCardUpdateOptions({
                  updateCardDataByKey: byKey,
                }),
              }),
        }),
        new $Card.UpdateCardHeaders({ xAcsDingtalkAccessToken: token }),
        runtime(),
      );
    expect((await update({ status: '处理中' }, true)).body).toEqual({ success: true, result: true });
    expect(sim.card('group-card-1')?.cardParamMap).toEqual({ title: '新工单', level: '2', status: '处理中' });
    await update({ status: '已关闭' });
    expect(sim.card('group-card-1')?.cardParamMap).toEqual({ status: '已关闭' });
    expect(sim.card('group-card-1')?.privateData.u2).toEqual({ mine: 'yes' });
    expect(sim.records({ kind: 'cardUpdate' }).filter((r) => r.outTrackId === 'group-card-1')).toHaveLength(
      2,
    );
  });

  test('documented parameter errors', async () => {
    const client = new $Card.default(openApiConfig(sim));
    const code = async (extra: Parameters<typeof robotCard>[0]) =>
      (await error(client.createAndDeliverWithOptions(robotCard(extra), headers(), runtime()))).code;
    expect(await code({ cardTemplateId: '' })).toBe('param.cardTemplateIdEmpty');
    expect(await code({ outTrackId: '' })).toBe('param.outTrackIdEmpty');
    expect(await code({ openSpaceId: 'dtv1.card//IM_ROBOT.ghost' })).toBe('param.userIdNotExist');
    expect(await code({ openSpaceId: 'nonsense' })).toBe('param.openSpaceModelInvalid');
    expect(await code({ imRobotOpenDeliverModel: undefined })).toBe('param.openSpaceModelInvalid');
    // a refused createAndDeliver leaves nothing behind
    const req = robotCard({ openSpaceId: 'dtv1.card//IM_ROBOT.ghost' });
    await error(client.createAndDeliverWithOptions(req, headers(), runtime()));
    expect(sim.card(req.outTrackId ?? '')).toBeUndefined();
    const numbers = await postJson(
      `${sim.url}/v1.0/card/instances`,
      { cardTemplateId: 't', outTrackId: 'n1', cardData: { cardParamMap: { level: 2 } } },
      { 'x-acs-dingtalk-access-token': token },
    );
    expect(numbers.status).toBe(400);
    expect(numbers.json.code).toBe('invalidParameter');
  });
});

describe('card callbacks', () => {
  async function connectCards(ack: (f: DWClientDownStream) => unknown): Promise<SimDWClient> {
    const c = new SimDWClient(app1, sim.url).listen(topicCard, ack);
    clients.push(c);
    await c.connect();
    return c;
  }

  test('a click sends the documented callback and the ack response updates the card', async () => {
    const client = new $Card.default(openApiConfig(sim));
    const req = robotCard();
    await client.createAndDeliverWithOptions(req, headers(), runtime());
    const outTrackId = req.outTrackId ?? '';
    const c = await connectCards(() => ({
      cardData: { cardParamMap: { status: '已确认' } },
      userPrivateData: { cardParamMap: { canConfirm: 'false' } },
      cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
    }));
    await sim.clickCard({ userId: 'u1', outTrackId, actionId: 'confirm', params: { ticketNo: 'T-1' } });
    const rec = await sim.waitFor((r) => r.kind === 'cardCallback' && r.outTrackId === outTrackId, 2000);
    const frame = c.received[0]!;
    expect(frame.headers.topic).toBe(topicCard);
    const data = JSON.parse(frame.data) as Record<string, unknown>;
    expect(data).toMatchObject({
      type: 'actionCallback',
      outTrackId,
      corpId: 'dingcorp1',
      userId: 'u1',
      userIdType: 1,
      spaceType: 'IM_ROBOT',
      extension: '{}',
    });
    expect(JSON.parse(data.content as string)).toEqual({
      cardPrivateData: { actionIds: ['confirm'], params: { ticketNo: 'T-1' } },
    });
    expect(rec.content).toMatchObject({ type: 'cardCallback', actionIds: ['confirm'], applied: true });
    expect(rec.userId).toBe('u1');
    const card = sim.card(outTrackId);
    expect(card?.cardParamMap).toMatchObject({ title: expect.any(String), status: '已确认' });
    expect(card?.privateData.u1).toEqual({ canConfirm: 'false' });
    expect(sim.pendingAcks()).toBe(0);
  });

  test('an empty response changes nothing; a malformed one is recorded as not applied', async () => {
    const client = new $Card.default(openApiConfig(sim));
    const req = robotCard();
    await client.createAndDeliverWithOptions(req, headers(), runtime());
    const outTrackId = req.outTrackId ?? '';
    const before = sim.card(outTrackId);
    let n = 0;
    await connectCards(() => (++n === 1 ? null : { cardData: { cardParamMap: { level: 3 } } }));
    await sim.clickCard({ userId: 'u1', outTrackId, actionId: 'confirm' });
    await sim.clickCard({ userId: 'u1', outTrackId, actionId: 'confirm' });
    await until(
      () => sim.records({ kind: 'cardCallback' }).filter((r) => r.outTrackId === outTrackId).length === 2,
      'two results',
    );
    const [empty, bad] = sim.records({ kind: 'cardCallback' }).filter((r) => r.outTrackId === outTrackId);
    expect(empty?.content).toMatchObject({ applied: false, response: null });
    expect(bad?.content).toMatchObject({ applied: false, error: expect.stringContaining('cardData') });
    expect(sim.card(outTrackId)?.cardParamMap).toEqual(before?.cardParamMap);
  });

  test('unacknowledged card callbacks are redelivered; clicks on invisible cards are refused', async () => {
    const client = new $Card.default(openApiConfig(sim));
    const req = robotCard();
    await client.createAndDeliverWithOptions(req, headers(), runtime());
    const c = await connectCards(() => false);
    await sim.clickCard({ userId: 'u1', outTrackId: req.outTrackId ?? '', actionId: 'confirm' });
    await until(() => c.received.length === 2, 'redelivered card callback', 1500);
    expect(c.received[0]!.data).toBe(c.received[1]!.data);
    await expect(
      sim.clickCard({ userId: 'u2', outTrackId: req.outTrackId ?? '', actionId: 'x' }),
    ).rejects.toThrow();
    await expect(sim.clickCard({ userId: 'u1', outTrackId: 'nope', actionId: 'x' })).rejects.toThrow();
    await until(() => sim.pendingAcks() === 0, 'dropped after max redeliveries', 1500);
  });
});
