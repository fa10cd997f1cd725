import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Simulator } from '../../simulator/simulator.ts';
import { app1, app2, getToken, postJson, startTestSimulator } from './helpers.ts';

/** Work notifications (§f) and 免登 (§g). */

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startTestSimulator({ miniAppUrl: 'http://127.0.0.1:5173/app/?x=1' });
  token = await getToken(sim, app1);
});
afterAll(async () => {
  await sim.close();
});

describe('work notifications', () => {
  const url = () => `${sim.url}/topapi/message/corpconversation/asyncsend_v2?access_token=${token}`;

  test('asyncsend_v2 with a JSON body records one notice per user', async () => {
    const since = sim.records().at(-1)?.seq ?? 0;
    const r = await postJson(url(), {
      agent_id: app1.agentId,
      userid_list: 'u1,u2,ghost',
      msg: { msgtype: 'markdown', markdown: { title: '工单超时提醒', text: '### T-0001 已超过响应时限' } },
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      errcode: 0,
      errmsg: 'ok',
      task_id: expect.any(Number),
      request_id: expect.any(String),
    });
    const recs = sim.records({ kind: 'workNotice', sinceSeq: since });
    expect(recs.map((x) => x.userId)).toEqual(['u1', 'u2']);
    expect(recs[0]).toMatchObject({
      appClientId: app1.clientId,
      content: { type: 'markdown', title: '工单超时提醒', text: '### T-0001 已超过响应时限' },
    });
    const result = await postJson(
      `${sim.url}/topapi/message/corpconversation/getsendresult?access_token=${token}`,
      { agent_id: app1.agentId, task_id: r.json.task_id },
    );
    expect(result.json).toMatchObject({ errcode: 0, send_result: { invalid_user_id_list: [] } });
  });

  test('form fields with msg as a JSON string, and action_card buttons', async () => {
    const form = new URLSearchParams({
      agent_id: String(app1.agentId),
      userid_list: 'u1',
      msg: JSON.stringify({
        msgtype: 'action_card',
        action_card: {
          title: '待确认',
          markdown: '请确认方案',
          btn_orientation: '1',
          btn_json_list: [{ title: '查看', action_url: 'https://e.com' }],
        },
      }),
    });
    const res = await fetch(url(), { method: 'POST', body: form });
    expect(((await res.json()) as { errcode: number }).errcode).toBe(0);
    expect(sim.records({ kind: 'workNotice', userId: 'u1' }).at(-1)?.content).toEqual({
      type: 'actionCard',
      title: '待确认',
      text: '请确认方案',
      btnOrientation: '1',
      buttons: [{ title: '查看', url: 'https://e.com' }],
    });
  });

  test('errors: wrong agent, userid_list as an array, bad msg, bad token', async () => {
    const msg = { msgtype: 'text', text: { content: 'x' } };
    expect((await postJson(url(), { agent_id: app2.agentId, userid_list: 'u1', msg })).json).toMatchObject({
      errcode: 40056,
      errmsg: '不合法的agentid',
    });
    expect((await postJson(url(), { agent_id: app1.agentId, userid_list: ['u1'], msg })).json.errcode).toBe(
      40035,
    );
    expect(
      (await postJson(url(), { agent_id: app1.agentId, userid_list: 'u1', msg: { msgtype: 'text' } })).json
        .errcode,
    ).toBe(40035);
    expect(
      (
        await postJson(url(), {
          agent_id: app1.agentId,
          userid_list: 'u1',
          msg: { msgtype: 'nope', nope: {} },
        })
      ).json.errcode,
    ).toBe(40008);
    const bad = await postJson(`${sim.url}/topapi/message/corpconversation/asyncsend_v2?access_token=x`, {});
    expect(bad.json.errcode).toBe(40014);
  });
});

describe('免登', () => {
  test('authcode → getuserinfo once, then 40078', async () => {
    const { json } = await postJson(`${sim.url}/_sim/authcode`, { userId: 'u2', corpId: 'dingcorp1' });
    const code = json.code as string;
    const exchange = () => postJson(`${sim.url}/topapi/v2/user/getuserinfo?access_token=${token}`, { code });
    const first = await exchange();
    expect(first.json).toMatchObject({
      errcode: 0,
      errmsg: 'ok',
      request_id: expect.any(String),
      result: { userid: 'u2', name: '李四', unionid: expect.any(String), sys: true },
    });
    expect((await exchange()).json).toMatchObject({ errcode: 40078, errmsg: '不存在的临时授权码' });
    const otherCorp = sim.authCode('other');
    const r = await postJson(`${sim.url}/topapi/v2/user/getuserinfo?access_token=${token}`, {
      code: otherCorp,
    });
    expect(r.json.errcode).toBe(40078);
    const wrongCorp = await postJson(`${sim.url}/_sim/authcode`, { userId: 'u2', corpId: 'dingcorpZ' });
    expect(wrongCorp.status).toBe(400);
  });

  test('user/get returns details or 60121', async () => {
    const get = (userid: string) =>
      postJson(`${sim.url}/topapi/v2/user/get?access_token=${token}`, { userid, language: 'zh_CN' });
    expect((await get('u1')).json).toMatchObject({
      errcode: 0,
      result: {
        userid: 'u1',
        name: '张三',
        mobile: '13800000001',
        title: '工程师',
        admin: false,
        dept_id_list: [1],
      },
    });
    expect((await get('ghost')).json).toMatchObject({ errcode: 60121, errmsg: '找不到该用户' });
  });

  test('/_sim/open-app redirects to the mini-app with a fresh authCode and corpId', async () => {
    const res = await fetch(`${sim.url}/_sim/open-app?userId=u1`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const target = new URL(res.headers.get('location') ?? '');
    expect(`${target.origin}${target.pathname}`).toBe('http://127.0.0.1:5173/app/');
    expect(target.searchParams.get('x')).toBe('1');
    expect(target.searchParams.get('corpId')).toBe('dingcorp1');
    const code = target.searchParams.get('authCode') ?? '';
    const r = await postJson(`${sim.url}/topapi/v2/user/getuserinfo?access_token=${token}`, { code });
    expect(r.json).toMatchObject({ errcode: 0, result: { userid: 'u1' } });
  });
});
