import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/mongo.ts';
import { registerDirectoryOnSimulator, simulatorApp } from '../../../server/demo/simulator-registry.ts';
import { importDirectory } from '../../../server/directory/import-directory.ts';
import { ticketModel } from '../../../server/tickets/ticket-model.ts';
import type { Simulator } from '../../../simulator/simulator.ts';
import { freshDbName, openTestDb, testMongoUri } from '../../support/db.ts';
import { robotCode, sleep, startTestSimulator, textOf, waitUntil } from '../../support/stack.ts';

/**
 * Fault test: the bot runs as its own process (npm start's entry, bot and
 * worker roles, pointed at the simulator as if it were DingTalk). While
 * customers keep sending, it is killed with SIGKILL and started again.
 * Afterwards every message produced exactly one ticket or dialogue step.
 */
const repo = path.resolve(import.meta.dirname, '../../..');
let sim: Simulator;
let db: Db;
let dbName: string;
let bot: ChildProcess | undefined;

function startBotProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repo,
    env: {
      ...process.env,
      ROLES: 'bot,worker',
      LOG_LEVEL: 'warn',
      MONGODB_URI: testMongoUri(),
      MONGODB_DB: dbName,
      DEMO_DATA: 'false',
      DINGTALK_CLIENT_ID: simulatorApp.clientId,
      DINGTALK_CLIENT_SECRET: simulatorApp.clientSecret,
      DINGTALK_CORP_ID: simulatorApp.corpId,
      DINGTALK_AGENT_ID: simulatorApp.agentId,
      DINGTALK_API_BASE: sim.url,
      DINGTALK_OAPI_BASE: sim.url,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => {
    if (process.env.TEST_LOG_LEVEL) process.stderr.write(d);
  });
  return child;
}

beforeAll(async () => {
  // Redelivery keeps trying while the bot is down (real DingTalk's retry count is unconfirmed).
  sim = await startTestSimulator({ redeliveryMs: 500, maxRedeliveries: 100 });
  dbName = freshDbName();
  db = await openTestDb(dbName);
  const demo = JSON.parse(readFileSync(path.join(repo, 'server/demo/demo-directory.json'), 'utf8'));
  const imported = await importDirectory(db, demo);
  expect(imported.ok).toBe(true);
  await registerDirectoryOnSimulator(db, sim);
});

afterAll(async () => {
  bot?.kill('SIGKILL');
  await db?.close();
  await sim?.close();
});

describe('bot killed with SIGKILL mid-stream', () => {
  it('loses no message and doubles none', async () => {
    bot = startBotProcess();
    await waitUntil(() => sim.connections(simulatorApp.clientId) > 0, 20_000, 'bot connection');

    // Stream 1: one-sentence reports fired without waiting (each must file exactly one ticket).
    const oneShot: string[] = [];
    const fire = async (count: number, from: number) => {
      for (let i = from; i < from + count; i++) {
        const text = `报障 EKP 3级 批量故障用例 ${i} 附件上传失败`;
        oneShot.push(text);
        await sim.say({ userId: i % 2 === 0 ? 'cust-xa-01' : 'cust-xa-02', text, robotCode });
        await sleep(15);
      }
    };
    // Stream 2: a customer in a dialogue who waits for each answer, like a person.
    const dialogue = async () => {
      // Each step waits for the answer to *this* step. A reply may come twice
      // when the bot dies after replying but before recording the turn as
      // worked (replies are at-least-once; the dialogue step is exactly-once).
      const steps: Array<[string, string]> = [
        ['报障', '请选择产品线'],
        ['KMS', '请选择响应级别'],
        ['2', '请描述问题现象'],
        ['对话用例：报表导出超时，影响月结', '工单已受理'],
      ];
      const answers: string[] = [];
      for (const [text, expected] of steps) {
        const { msgId, conversationId } = await sim.say({ userId: 'cust-xa-03', text, robotCode });
        const inbound = sim.records({ kind: 'inbound' }).find((r) => r.msgId === msgId)!;
        const reply = await sim.waitFor(
          (r) =>
            r.conversationId === conversationId &&
            r.seq > inbound.seq &&
            (r.kind === 'reply' || r.kind === 'otoSend') &&
            textOf(r).includes(expected),
          30_000,
        );
        answers.push(textOf(reply));
      }
      return answers;
    };

    const firing = fire(40, 0);
    const talking = dialogue();
    await sleep(300);
    bot.kill('SIGKILL'); // mid-stream: some messages stored, some acked, some not yet delivered
    await new Promise((r) => bot!.once('exit', r));
    await sleep(300);
    bot = startBotProcess();
    await firing;
    await fire(10, 40);
    const answers = await talking;

    // Every one-shot message filed exactly one ticket.
    await waitUntil(
      async () => (await ticketModel(db).countDocuments()) >= oneShot.length + 1,
      30_000,
      'all tickets',
    );
    await waitUntil(() => sim.pendingAcks() === 0, 30_000, 'all frames acked');
    const tickets = await ticketModel(db).find().lean();
    const descriptions = tickets.map((t) => t.description);
    for (const text of oneShot) {
      const desc = text.replace(/^报障 EKP 3级 /, '');
      expect(
        descriptions.filter((d) => d === desc),
        desc,
      ).toHaveLength(1);
    }
    // The dialogue advanced one step per message and filed one ticket.
    expect(answers[0]).toContain('请选择产品线');
    expect(answers[1]).toContain('请选择响应级别');
    expect(answers[2]).toContain('请描述问题现象');
    expect(answers[3]).toContain('工单已受理');
    const fromDialogue = tickets.filter((t) => t.description.startsWith('对话用例'));
    expect(fromDialogue).toHaveLength(1);
    expect(fromDialogue[0]).toMatchObject({ productLine: 'KMS', level: 2, contactUserId: 'cust-xa-03' });
    expect(tickets).toHaveLength(oneShot.length + 1);
  }, 120_000);
});
