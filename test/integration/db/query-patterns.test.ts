import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, isDuplicateKey, pingDb } from '../../../server/db/mongo.ts';
import { openTestDb } from '../../support/db.ts';

/**
 * Every query pattern the product uses, run against the database the suite
 * runs on (embedded FerretDB v1 by default, MongoDB with MONGODB_URI set).
 * When code starts using a new pattern, add it here first: the product must
 * run unchanged on both (../shared/ferretdb-subset.md).
 */
let db: Db;
interface Doc {
  _id: string;
  org: string;
  open: boolean;
  n: number;
  at: Date;
  tags: string[];
  note?: string;
}
let C: mongoose.Model<Doc>;

beforeAll(async () => {
  db = await openTestDb();
  C = db.model<Doc>(
    'Pattern',
    new mongoose.Schema<Doc>(
      { _id: String, org: String, open: Boolean, n: Number, at: Date, tags: [String], note: String },
      { versionKey: false },
    ),
  );
  await C.init();
});
afterAll(async () => {
  await db?.close();
});

const at = (m: number) => new Date(Date.UTC(2026, 2, 2, 1, m));

describe('query patterns on this database', () => {
  it('ping (healthz)', async () => {
    await expect(pingDb(db)).resolves.toBeUndefined();
  });

  it('insert with a natural _id; a second insert is a duplicate-key error (code 11000)', async () => {
    await C.create({ _id: 'a', org: 'o1', open: true, n: 1, at: at(1), tags: ['x'] });
    const err = await C.create({ _id: 'a', org: 'o1', open: true, n: 2, at: at(1), tags: [] }).catch(
      (e: unknown) => e,
    );
    expect(isDuplicateKey(err)).toBe(true);
  });

  it('insertMany ordered:false keeps going past duplicates and reports which went in', async () => {
    const err = await C.insertMany(
      [
        { _id: 'b', org: 'o1', open: true, n: 3, at: at(3), tags: [] },
        { _id: 'a', org: 'o1', open: true, n: 9, at: at(9), tags: [] },
        { _id: 'c', org: 'o2', open: false, n: 4, at: at(4), tags: [] },
      ],
      { ordered: false },
    ).catch(
      (e: unknown) =>
        e as {
          writeErrors?: Array<{ code?: number; err?: { code?: number } }>;
          insertedDocs?: Array<{ _id: string }>;
        },
    );
    expect(err).toBeDefined();
    expect((err as { writeErrors: unknown[] }).writeErrors).toHaveLength(1);
    // The index of the failed document is what InsertBatcher maps back to its caller.
    expect((err as { writeErrors: Array<{ index: number }> }).writeErrors[0]!.index).toBe(1);
    expect((err as { insertedDocs: Array<{ _id: string }> }).insertedDocs.map((d) => d._id).sort()).toEqual([
      'b',
      'c',
    ]);
    expect(await C.countDocuments()).toBe(3);
  });

  it('findById, projection, find by fields with sort and limit, countDocuments', async () => {
    expect(await C.findById('b').lean()).toMatchObject({ n: 3 });
    expect(await C.findById('b', { n: 1 }).lean()).toEqual({ _id: 'b', n: 3 });
    const open = await C.find({ org: 'o1', open: true }).sort({ at: -1 }).limit(1).lean();
    expect(open.map((d) => d._id)).toEqual(['b']);
    expect(await C.countDocuments({ open: true })).toBe(2);
    expect((await C.find({ _id: { $in: ['a', 'c', 'zz'] } }).lean()).map((d) => d._id).sort()).toEqual([
      'a',
      'c',
    ]);
    expect(
      (
        await C.find({ at: { $lte: at(3) } })
          .sort({ at: 1 })
          .lean()
      ).map((d) => d._id),
    ).toEqual(['a', 'b']);
  });

  it('updateOne with $set, $unset, $inc, $max and upsert', async () => {
    await C.updateOne({ _id: 'a' }, { $set: { note: 'x' }, $inc: { n: 1 } });
    await C.updateOne({ _id: 'a' }, { $unset: { note: 1 } });
    expect(await C.findById('a').lean()).toMatchObject({ n: 2 });
    expect((await C.findById('a').lean())!.note).toBeUndefined();
    await C.updateOne({ _id: 'cnt' }, { $max: { n: 5 } }, { upsert: true });
    await C.updateOne({ _id: 'cnt' }, { $max: { n: 3 } }, { upsert: true });
    expect((await C.findById('cnt').lean())!.n).toBe(5);
  });

  it('bulkWrite of upserts (the directory import)', async () => {
    await C.bulkWrite([
      {
        updateOne: { filter: { _id: 'd' }, update: { $set: { org: 'o3', open: true, n: 1 } }, upsert: true },
      },
      { updateOne: { filter: { _id: 'a' }, update: { $set: { org: 'o9' } }, upsert: true } },
    ]);
    expect((await C.findById('d').lean())!.org).toBe('o3');
    expect((await C.findById('a').lean())!.org).toBe('o9');
  });

  it('a unique-_id insert is exclusive under concurrency — what every exactly-once rests on', async () => {
    // FerretDB v1 applies updates as read-modify-write without isolation: two
    // concurrent conditional updates can both succeed. Inserts are exclusive.
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        C.create({ _id: 'claim', org: 'o', open: true, n: 0, at: at(0), tags: [] }).then(
          () => 'won',
          (e: unknown) => (isDuplicateKey(e) ? 'lost' : 'error'),
        ),
      ),
    );
    expect(results.filter((r) => r === 'won')).toHaveLength(1);
    expect(results.filter((r) => r === 'lost')).toHaveLength(19);
  });

  it('reads, updates and deletes by _id use the _id index: their cost does not grow with the collection', async () => {
    // Unpatched FerretDB v1.24.2 filtered writes by a different expression than
    // its _id index, scanning the table (see ferretPatches in server/db/embedded.ts):
    // at 20,000 documents an update took ≈120 ms. Indexed, it takes 1–3 ms; the
    // bound is loose so a busy machine does not fail it, and tight enough to
    // catch a scan.
    const Big = db.collection<{ _id: string; s: string }>('pattern_big');
    for (let o = 0; o < 20_000; o += 5000)
      await Big.insertMany(
        Array.from({ length: 5000 }, (_, i) => ({ _id: `k${o + i}`, s: 'x'.repeat(300) })),
      );
    const median = async (op: (i: number) => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t = performance.now();
        await op(i);
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[7]!;
    };
    expect(await median((i) => Big.findOne({ _id: `k${i * 997}` }))).toBeLessThan(40);
    expect(await median((i) => Big.updateOne({ _id: `k${i * 991}` }, { $set: { s: 'y' } }))).toBeLessThan(40);
    expect(await median((i) => Big.deleteOne({ _id: `k${i * 983}` }))).toBeLessThan(40);
    expect(await Big.countDocuments()).toBe(20_000 - 15);
  });
});
