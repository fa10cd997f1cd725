import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketModel } from '../../../server/tickets/ticket-model.ts';
import { chat, clockFrom, type Stack, startStack, textOf, waitUntil } from '../../support/stack.ts';

// The walking skeleton: a registered contact files and follows a ticket by
// chatting with the bot, through the simulator over the real SDKs.
let stack: Stack;

beforeAll(async () => {
  // Wednesday 2026-03-04 10:00 in Shanghai: inside working hours.
  stack = await startStack({ now: clockFrom('2026-03-04T02:00:00Z') });
});
afterAll(async () => {
  await stack?.stop();
});

describe('a customer files and tracks a ticket in chat', () => {
  let ticketNo = '';

  it('walks the 报障 dialogue: product line, level, description → ticket and card', async () => {
    const [q1] = await chat(stack.sim, 'cust-xa-01', '报障');
    expect(textOf(q1!)).toContain('请选择产品线');
    const [q2] = await chat(stack.sim, 'cust-xa-01', 'EKP');
    expect(textOf(q2!)).toContain('请选择响应级别');
    expect(textOf(q2!)).toContain('系统瘫痪'); // the seed's descriptions help choose
    const [q3] = await chat(stack.sim, 'cust-xa-01', '2');
    expect(textOf(q3!)).toContain('请描述问题现象');
    const [done] = await chat(stack.sim, 'cust-xa-01', '流程审批页面打开报错 500，全员无法提交');
    const text = textOf(done!);
    const m = /SD-\d{4}-\d{6}/.exec(text);
    expect(m).not.toBeNull();
    ticketNo = m![0];
    expect(text).toContain('工单已受理');
    expect(text).toContain('二级');
    // 8 working hours from Wed 10:00: Wed 10–12 (2 h) + 13–18 (5 h) + Thu 9–10 (1 h).
    expect(text).toContain('按服务协议，我们将在 2026年3月5日 10:00 前响应');

    const ticket = await ticketModel(stack.desk.db).findById(ticketNo).lean();
    expect(ticket).toMatchObject({
      orgId: 'org-xa-group',
      productLine: 'EKP',
      level: 2,
      status: 'triage',
      open: true,
    });

    // The sorting centre's group receives the new-ticket card.
    const card = await stack.sim.waitFor((r) => r.kind === 'cardCreate' || r.kind === 'cardDeliver', 5000);
    expect(JSON.stringify(card.content)).toContain(ticketNo);
  });

  it('lists the organisation’s open tickets (我的工单), also for a colleague', async () => {
    const [list] = await chat(stack.sim, 'cust-xa-02', '我的工单');
    expect(textOf(list!)).toContain(ticketNo);
  });

  it('shows status and timeline (查询)', async () => {
    const [detail] = await chat(stack.sim, 'cust-xa-01', `查询 ${ticketNo}`);
    expect(textOf(detail!)).toContain('待分拣');
    expect(textOf(detail!)).toContain('处理记录');
  });

  it('answers 查询 of another organisation’s ticket exactly as for a number that does not exist', async () => {
    const [other] = await chat(stack.sim, 'cust-gz-01', `查询 ${ticketNo}`);
    const [missing] = await chat(stack.sim, 'cust-gz-01', '查询 SD-2026-999999');
    expect(textOf(other!).replace(ticketNo, 'X')).toBe(textOf(missing!).replace('SD-2026-999999', 'X'));
  });

  it('files in one sentence and leaves a dialogue with 取消', async () => {
    const [done] = await chat(stack.sim, 'cust-xa-01', '报障 KMS 3级 知识库搜索结果为空');
    expect(textOf(done!)).toMatch(/工单已受理：SD-\d{4}-\d{6}/);
    await chat(stack.sim, 'cust-xa-01', '报障');
    const [bye] = await chat(stack.sim, 'cust-xa-01', '取消');
    expect(textOf(bye!)).toContain('已取消');
    const [help] = await chat(stack.sim, 'cust-xa-01', '天气不错');
    expect(textOf(help!)).toContain('没有理解');
  });

  it('tells an unknown sender how to get registered', async () => {
    const [r] = await chat(stack.sim, 'visitor-01', '报障');
    expect(textOf(r!)).toContain('尚未登记');
    await waitUntil(
      async () => (await ticketModel(stack.desk.db).countDocuments({ contactUserId: 'visitor-01' })) === 0,
    );
  });

  it('marks a ticket outside the service period as without commitment', async () => {
    const [r] = await chat(stack.sim, 'cust-lz-01', '报障 EKP 4级 请问如何配置流程模板');
    expect(textOf(r!)).toContain('不计入 SLA');
  });
});
