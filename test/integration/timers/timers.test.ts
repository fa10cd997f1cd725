import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/mongo.ts';
import type { TicketTimer } from '../../../server/timers/timer-store.ts';
import { countPrefix, readMinute, TimerStore, timerModel } from '../../../server/timers/timer-store.ts';
import { TimerSweeper } from '../../../server/timers/timer-sweeper.ts';
import { freshDbName, openTestDb } from '../../support/db.ts';

const logger = pino({ level: 'silent' });
let a: Db;
let b: Db;

beforeAll(async () => {
  const name = freshDbName();
  // Two connections play two server processes on one database.
  a = await openTestDb(name);
  b = await openTestDb(name);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

const at = (iso: string) => new Date(iso);
/** The same connection on another database (a fresh one per round below). */
const onDb = (conn: Db, name: string): Db => conn.useDb(name);

describe('timer store', () => {
  it('two processes writing the same minute at once get distinct, contiguous slots', async () => {
    const storeA = new TimerStore(a);
    const storeB = new TimerStore(b);
    const now = at('2026-03-02T01:00:00Z');
    const ids = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? storeA : storeB).schedule(
          { at: at(`2026-03-02T01:10:${String(i).padStart(2, '0')}Z`), ticketId: `T${i}`, kind: 'x' },
          now,
        ),
      ),
    );
    expect(new Set(ids).size).toBe(40);
    expect(ids.map((id) => Number(id.split('#')[1])).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect(await countPrefix(a, '2026-03-02T01:10', 0)).toBe(40);
    const read = await readMinute(b, '2026-03-02T01:10', 0);
    expect(read.next).toBe(40);
    expect(new Set(read.timers.map((t) => t.ticketId)).size).toBe(40);
  });

  it('a restarted process continues after the timers already in the minute', async () => {
    const now = at('2026-03-02T01:00:00Z');
    await new TimerStore(a).schedule({ at: at('2026-03-02T01:20:05Z'), ticketId: 'A', kind: 'x' }, now);
    await new TimerStore(a).schedule({ at: at('2026-03-02T01:20:06Z'), ticketId: 'B', kind: 'x' }, now);
    const fresh = new TimerStore(b);
    const id = await fresh.schedule({ at: at('2026-03-02T01:20:07Z'), ticketId: 'C', kind: 'x' }, now);
    expect(id).toBe('2026-03-02T01:20#2');
  });

  it('a timer in a minute long past goes into the current minute, where sweeps still look', async () => {
    const now = at('2026-03-02T02:00:30Z');
    const id = await new TimerStore(a).schedule(
      { at: at('2026-03-01T00:00:00Z'), ticketId: 'old', kind: 'x' },
      now,
    );
    expect(id.startsWith('2026-03-02T02:00#')).toBe(true);
  });
});

describe('timer sweeper', () => {
  function recorder() {
    const seen: Array<{ id: string; ticketId: string; now: Date }> = [];
    const handler = async (t: TicketTimer, now: Date) => {
      seen.push({ id: t._id, ticketId: t.ticketId, now });
    };
    return { seen, handler };
  }

  it('two processes sweeping a fresh database for the first time at once both succeed', async () => {
    // Both store the cursor with an upsert at once; the loser of that race got a duplicate key.
    const now = at('2026-03-02T02:00:00Z');
    for (let round = 0; round < 30; round++) {
      const name = freshDbName();
      const sweeps = [a, b].map((conn) => new TimerSweeper(onDb(conn, name), {}, logger).sweep(now));
      await expect(Promise.all(sweeps)).resolves.toHaveLength(2);
    }
  });

  it('hands each timer to its handler once its instant has come, and only once', async () => {
    const db = await openTestDb();
    try {
      const store = new TimerStore(db);
      const t0 = at('2026-04-01T03:00:00Z');
      await store.schedule({ at: at('2026-04-01T03:00:20Z'), ticketId: 'early', kind: 'k' }, t0);
      await store.schedule({ at: at('2026-04-01T03:00:50Z'), ticketId: 'late', kind: 'k' }, t0);
      await store.schedule({ at: at('2026-04-01T03:02:10Z'), ticketId: 'next', kind: 'k' }, t0);
      const { seen, handler } = recorder();
      const sweeper = new TimerSweeper(db, { k: handler }, logger);
      await sweeper.sweep(at('2026-04-01T03:00:10Z'));
      expect(seen).toEqual([]);
      const r = await sweeper.sweep(at('2026-04-01T03:00:21Z'));
      expect(seen.map((s) => s.ticketId)).toEqual(['early']);
      expect(r.lagsMs).toEqual([1000]);
      await sweeper.sweep(at('2026-04-01T03:00:22Z'));
      expect(seen.map((s) => s.ticketId)).toEqual(['early']);
      await sweeper.sweep(at('2026-04-01T03:01:00Z'));
      expect(seen.map((s) => s.ticketId)).toEqual(['early', 'late']);
      // Scheduled after the sweep passed its minute: still found (recent minutes stay watched).
      await store.schedule({ at: at('2026-04-01T03:00:40Z'), ticketId: 'straggler', kind: 'k' }, t0);
      await sweeper.sweep(at('2026-04-01T03:01:30Z'));
      expect(seen.map((s) => s.ticketId)).toEqual(['early', 'late', 'straggler']);
      await sweeper.sweep(at('2026-04-01T03:02:10Z'));
      expect(seen.map((s) => s.ticketId)).toEqual(['early', 'late', 'straggler', 'next']);
    } finally {
      await db.close();
    }
  });

  it('after a restart catches up with the minutes it missed; a failing handler is retried', async () => {
    const name = freshDbName();
    const db = await openTestDb(name);
    try {
      const store = new TimerStore(db);
      const first = recorder();
      const s1 = new TimerSweeper(db, { k: first.handler }, logger);
      await s1.sweep(at('2026-05-06T01:00:00Z'));
      // Down for three hours; timers fell due meanwhile.
      await store.schedule(
        { at: at('2026-05-06T02:10:00Z'), ticketId: 'during', kind: 'k' },
        at('2026-05-06T01:00:00Z'),
      );
      let failOnce = true;
      const seen: string[] = [];
      const s2 = new TimerSweeper(
        db,
        {
          k: async (t) => {
            if (failOnce) {
              failOnce = false;
              throw new Error('DingTalk down');
            }
            seen.push(t.ticketId);
          },
        },
        logger,
      );
      const r1 = await s2.sweep(at('2026-05-06T04:00:00Z'));
      expect(r1.failed).toBe(1);
      expect(seen).toEqual([]);
      await s2.sweep(at('2026-05-06T04:00:01Z'));
      expect(seen).toEqual(['during']);
      expect(await timerModel(db).countDocuments()).toBe(1);
    } finally {
      await db.close();
    }
  });
});
