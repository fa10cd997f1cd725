import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../bot/inbound.ts';
import { Inbox, inboxDoneModel } from '../../../bot/inbox.ts';
import type { Db } from '../../../server/db/mongo.ts';
import { openTestDb } from '../../support/db.ts';

let db: Db;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db?.close();
});

const message = (msgId: string, text: string): InboundMessage => ({
  msgId,
  conversationId: 'cid-inbox',
  isGroup: false,
  senderUserId: 'cust-1',
  senderNick: '客户',
  createdAt: Date.now(),
  msgtype: 'text',
  text,
  attachments: [],
  atUserIds: [],
});

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe('inbox', () => {
  it('works a conversation in order; it is idle again once no turn is left to store its state', async () => {
    const replying = gate();
    const worked: string[] = [];
    const inbox = new Inbox(
      db,
      async (m, settled) => {
        worked.push(m.text);
        settled(); // state stored; the replies (below) are still going out
        if (m.text === 'one') await replying.opened;
      },
      pino({ level: 'silent' }),
    );
    const one = message('inbox-m1', 'one');
    const two = message('inbox-m2', 'two');
    expect(inbox.isIdleFor(one)).toBe(true);
    expect(await inbox.accept(one)).toBe('new');
    expect(await inbox.accept(two)).toBe('new');
    await new Promise((r) => setImmediate(r));
    // One has settled but is still replying; two waits for it, so the conversation is not idle.
    expect(worked).toEqual(['one']);
    expect(inbox.isIdleFor(one)).toBe(false);
    replying.open();
    await inbox.idle();
    expect(worked).toEqual(['one', 'two']);
    expect(inbox.isIdleFor(one)).toBe(true);
    expect(await inboxDoneModel(db).countDocuments({ _id: { $in: ['inbox-m1', 'inbox-m2'] } })).toBe(2);
  });

  it('is idle for the next message as soon as the turn before it settled, before that turn is done', async () => {
    const replying = gate();
    const settledNow = gate();
    const inbox = new Inbox(
      db,
      async (_m, settled) => {
        settled();
        settledNow.open();
        await replying.opened;
      },
      pino({ level: 'silent' }),
    );
    const first = message('inbox-m3', 'first');
    await inbox.accept(first);
    await settledNow.opened;
    expect(inbox.isIdleFor(first)).toBe(true);
    // A redelivery of a message being worked is not worked twice.
    expect(await inbox.accept(first)).toBe('duplicate');
    replying.open();
    await inbox.idle();
  });

  it('a turn that fails before settling keeps the conversation busy until it is retried', async () => {
    let attempts = 0;
    let idleDuringRetryWait: boolean | undefined;
    const msg = message('inbox-m4', 'flaky');
    const inbox: Inbox = new Inbox(
      db,
      async (_m, settled) => {
        attempts++;
        if (attempts === 1) {
          setTimeout(() => {
            idleDuringRetryWait = inbox.isIdleFor(msg);
          }, 50);
          throw new Error('database hiccup');
        }
        settled();
      },
      pino({ level: 'silent' }),
    );
    await inbox.accept(msg);
    await inbox.idle();
    expect(attempts).toBe(2);
    expect(idleDuringRetryWait).toBe(false);
    expect(inbox.isIdleFor(msg)).toBe(true);
  });
});
