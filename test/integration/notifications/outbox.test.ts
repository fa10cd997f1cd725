import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/mongo.ts';
import { simulatorApp } from '../../../server/demo/simulator-registry.ts';
import { DingTalkClient } from '../../../server/dingtalk/dingtalk-client.ts';
import {
  deliverOne,
  enqueue,
  isSent,
  outboxModel,
  safetyNetMs,
} from '../../../server/notifications/outbox.ts';
import { OutboxWorker } from '../../../server/notifications/outbox-worker.ts';
import type { Simulator } from '../../../simulator/simulator.ts';
import { freshDbName, openTestDb } from '../../support/db.ts';
import { startTestSimulator } from '../../support/stack.ts';

let sim: Simulator;
let a: Db;
let b: Db;
let dingtalk: DingTalkClient;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  sim = await startTestSimulator();
  sim.registerApp(simulatorApp);
  sim.registerUser({ userId: 'lead-1', name: '组长', corpId: simulatorApp.corpId });
  sim.registerGroup({
    openConversationId: 'cid-ops',
    title: '运维群',
    memberUserIds: ['lead-1'],
    robotCodes: [simulatorApp.robotCode],
  });
  const name = freshDbName();
  a = await openTestDb(name);
  b = await openTestDb(name);
  dingtalk = new DingTalkClient({ ...simulatorApp, apiBase: sim.url, oapiBase: sim.url });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await sim?.close();
});

const text = (content: string) => ({ type: 'text' as const, content });

describe('outbox', () => {
  it('keeps one item per key, however often it is enqueued', async () => {
    const now = new Date();
    const first = await enqueue(
      a,
      [{ key: 'k-dup', notice: { kind: 'group', conversationId: 'cid-ops', message: text('一次') } }],
      now,
    );
    const second = await enqueue(
      b,
      [{ key: 'k-dup', notice: { kind: 'group', conversationId: 'cid-ops', message: text('两次') } }],
      now,
    );
    expect(first.map((i) => i._id)).toEqual(['k-dup']);
    expect(second).toEqual([]);
    expect(await outboxModel(a).countDocuments({ _id: 'k-dup' })).toBe(1);
  });

  it('sends each item exactly once with two workers racing on every item', async () => {
    const now = new Date(Date.now() - 60_000); // already due for the pass
    const keys = Array.from({ length: 20 }, (_, i) => `race-${i}`);
    await enqueue(
      a,
      keys.map((key) => ({
        key,
        notice: { kind: 'group', conversationId: 'cid-ops', message: text(`通知 ${key}`) },
      })),
      now,
    );
    const clock = () => new Date();
    await Promise.all(
      keys.flatMap((key) => [deliverOne(a, dingtalk, key, clock), deliverOne(b, dingtalk, key, clock)]),
    );
    for (const key of keys) {
      const sent = sim
        .records({ kind: 'groupSend' })
        .filter((r) => r.content.type === 'text' && r.content.text === `通知 ${key}`);
      expect(sent, key).toHaveLength(1);
    }
    for (const key of keys) expect(await isSent(a, key), key).toBe(true);
    // Delivering again (a pass on either process) sends nothing more.
    await Promise.all(keys.map((key) => deliverOne(b, dingtalk, key, clock)));
    const all = sim
      .records({ kind: 'groupSend' })
      .filter((r) => r.content.type === 'text' && r.content.text.startsWith('通知 race-'));
    expect(all).toHaveLength(20);
  });

  it('a cause handled again after its notice was sent and cleared sends nothing more', async () => {
    // E.g. a timer re-read within the sweep's look-back after a restart, minutes after the first run.
    let t = new Date('2026-03-02T04:00:00Z');
    const clock = () => t;
    const worker = new OutboxWorker(a, dingtalk, logger, clock);
    const item = {
      key: 'handled-twice',
      notice: { kind: 'group' as const, conversationId: 'cid-ops', message: text('只发一次') },
    };
    await worker.send([item]);
    await worker.idle();
    t = new Date(t.getTime() + 2 * safetyNetMs);
    await worker.pass(); // sent: the item is cleared, its sent marker and attempt claim stay
    expect(await outboxModel(a).findById('handled-twice').lean()).toBeNull();
    t = new Date(t.getTime() + 3 * 60_000);
    await new OutboxWorker(b, dingtalk, logger, clock).send([item]);
    await worker.send([item]);
    await worker.idle();
    const sent = sim
      .records({ kind: 'groupSend' })
      .filter((r) => r.content.type === 'text' && r.content.text === '只发一次');
    expect(sent).toHaveLength(1);
  });

  it('the pass delivers what a dead process enqueued, then clears it', async () => {
    let t = new Date('2026-03-02T02:00:00Z');
    const clock = () => t;
    await enqueue(
      a,
      [{ key: 'orphan', notice: { kind: 'group', conversationId: 'cid-ops', message: text('孤儿通知') } }],
      t,
    );
    const worker = new OutboxWorker(b, dingtalk, logger, clock);
    await worker.pass(); // before the safety net: the enqueuing process may still be sending
    expect(await isSent(a, 'orphan')).toBe(false);
    t = new Date(t.getTime() + safetyNetMs);
    await worker.pass();
    expect(await isSent(a, 'orphan')).toBe(true);
    await worker.pass();
    expect(await outboxModel(a).findById('orphan').lean()).toBeNull();
    const sent = sim
      .records({ kind: 'groupSend' })
      .filter((r) => r.content.type === 'text' && r.content.text === '孤儿通知');
    expect(sent).toHaveLength(1);
  });

  it('retries a failed delivery with backoff and never loses it', async () => {
    let t = new Date('2026-03-02T02:00:00Z');
    const clock = () => t;
    const worker = new OutboxWorker(a, dingtalk, logger, clock);
    await worker.send([
      {
        key: 'to-new-group',
        notice: { kind: 'group', conversationId: 'cid-later', message: text('稍后送达') },
      },
    ]);
    await worker.idle();
    const failed = await outboxModel(a).findById('to-new-group').lean();
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(failed!.lastError).toContain('invalid.openConversationId');
    expect(failed!.nextAttemptAt.getTime()).toBeGreaterThan(t.getTime());

    await worker.pass(); // not due yet: nothing happens
    expect((await outboxModel(a).findById('to-new-group').lean())!.attempts).toBe(1);

    sim.registerGroup({
      openConversationId: 'cid-later',
      title: '新群',
      memberUserIds: ['lead-1'],
      robotCodes: [simulatorApp.robotCode],
    });
    t = new Date(t.getTime() + 60_000);
    await worker.pass();
    expect(await isSent(a, 'to-new-group')).toBe(true);
    expect(await outboxModel(a).findById('to-new-group').lean()).toBeNull(); // cleared by the pass
    expect(sim.records({ kind: 'groupSend', conversationId: 'cid-later' })).toHaveLength(1);
  });
});
