import { describe, expect, it } from 'vitest';
import { InsertBatcher, WriteQueue } from '../../../server/db/insert-batcher.ts';

type Doc = { _id: string };
type Reply = { ok: 1; n: number; writeErrors?: Array<{ index: number; code: number; errmsg: string }> };

/** A stand-in for the driver: records each insert command and answers when told to. */
function fakeDb(existing = new Set<string>()) {
  const commands: Array<{ collection: string; ids: string[] }> = [];
  const pending: Array<() => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const db = {
    command(cmd: { insert: string; documents: Doc[] }): Promise<Reply> {
      commands.push({ collection: cmd.insert, ids: cmd.documents.map((d) => d._id) });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise((resolve) => {
        pending.push(() => {
          inFlight--;
          const writeErrors = cmd.documents.flatMap((d, index) => {
            if (d._id === 'boom') return [{ index, code: 2, errmsg: 'bad value' }];
            if (existing.has(`${cmd.insert}/${d._id}`)) return [{ index, code: 11000, errmsg: 'E11000' }];
            existing.add(`${cmd.insert}/${d._id}`);
            return [];
          });
          resolve({
            ok: 1,
            n: cmd.documents.length - writeErrors.length,
            ...(writeErrors.length ? { writeErrors } : {}),
          });
        });
      });
    },
  };
  /** Answers the oldest command in flight, then lets the next one start. */
  const answer = async () => {
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { db, commands, answer, maxInFlight: () => maxInFlight };
}

function batcherFor(db: ReturnType<typeof fakeDb>['db'], collectionName: string, writes: WriteQueue) {
  return new InsertBatcher<Doc>(() => ({ db, collectionName }), writes);
}

describe('insert batcher', () => {
  it('sends an insert at once when idle, and what arrives meanwhile together, one command at a time', async () => {
    const fake = fakeDb();
    const writes = new WriteQueue();
    const tickets = batcherFor(fake.db, 'tickets', writes);
    const markers = batcherFor(fake.db, 'markers', writes);

    const first = tickets.insert({ _id: 't1' });
    expect(fake.commands).toEqual([{ collection: 'tickets', ids: ['t1'] }]);
    // While t1 is in flight: more for both collections.
    const later = [
      tickets.insert({ _id: 't2' }),
      markers.insert({ _id: 'm1' }),
      tickets.insert({ _id: 't3' }),
      markers.insert({ _id: 'm2' }),
    ];
    await new Promise((r) => setImmediate(r));
    expect(fake.commands).toHaveLength(1); // nothing else goes out while one command is in flight
    await fake.answer();
    // Collections take turns: markers asked while tickets was sending.
    expect(fake.commands[1]).toEqual({ collection: 'markers', ids: ['m1', 'm2'] });
    await fake.answer();
    expect(fake.commands[2]).toEqual({ collection: 'tickets', ids: ['t2', 't3'] });
    await fake.answer();
    expect(await Promise.all([first, ...later])).toEqual(Array(5).fill('inserted'));
    expect(fake.commands).toHaveLength(3);
    expect(fake.maxInFlight()).toBe(1);
  });

  it('tells each caller its own outcome: inserted, duplicate, or the error', async () => {
    const fake = fakeDb(new Set(['claims/taken']));
    const writes = new WriteQueue();
    const claims = batcherFor(fake.db, 'claims', writes);
    const blocker = claims.insert({ _id: 'first' });
    const outcomes = [
      claims.insert({ _id: 'free' }),
      claims.insert({ _id: 'taken' }),
      claims.insert({ _id: 'boom' }),
      claims.insert({ _id: 'free' }), // the same id twice in one batch: the second is the duplicate
    ].map((p) =>
      p.then(
        (r) => r,
        (e: Error) => `error: ${e.message}`,
      ),
    );
    await fake.answer();
    await fake.answer();
    expect(await blocker).toBe('inserted');
    const [free, taken, boom, again] = await Promise.all(outcomes);
    expect(free).toBe('inserted');
    expect(taken).toBe('duplicate');
    expect(boom).toMatch(/^error: insert into claims failed: .*bad value/);
    expect(again).toBe('duplicate');
  });

  it('rejects the whole batch when the command itself fails, and goes on with the next', async () => {
    let calls = 0;
    const db = {
      command: async (cmd: { documents: Doc[] }): Promise<Reply> => {
        calls++;
        if (calls === 1) throw new Error('connection reset');
        return { ok: 1, n: cmd.documents.length };
      },
    };
    const writes = new WriteQueue();
    const items = new InsertBatcher<Doc>(() => ({ db, collectionName: 'items' }), writes);
    await expect(items.insert({ _id: 'a' })).rejects.toThrow('connection reset');
    expect(await items.insert({ _id: 'b' })).toBe('inserted');
  });
});
