import type { Collection, Document } from 'mongodb';
import { isDuplicateKey } from './mongo.ts';

/**
 * Group commit for inserts. On the embedded FerretDB each write costs a
 * round trip and a SQLite transaction (≈200–350 single inserts/s here, ≈4,000
 * docs/s in batches of 100), so inserts that arrive while a batch is in
 * flight are sent together as one `insertMany({ ordered: false })`. Idle, a
 * request goes out at once: batching adds no latency, only throughput.
 * Each caller learns whether its own document went in or hit a duplicate key
 * — the exclusivity every claim in this code relies on.
 */
export class InsertBatcher<T extends Document & { _id: string }> {
  private queue: Array<{
    doc: T;
    resolve: (r: 'inserted' | 'duplicate') => void;
    reject: (e: unknown) => void;
  }> = [];
  private flushing = false;

  constructor(
    private readonly collection: () => Collection<T>,
    private readonly maxBatch = 500,
  ) {}

  insert(doc: T): Promise<'inserted' | 'duplicate'> {
    return new Promise((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        const failures = new Map<number, unknown>();
        try {
          await this.collection().insertMany(
            batch.map((b) => b.doc) as unknown as Parameters<Collection<T>['insertMany']>[0],
            { ordered: false },
          );
        } catch (err) {
          const writeErrors = (
            err as { writeErrors?: Array<{ index: number; code?: number; err?: { code?: number } }> }
          ).writeErrors;
          if (!Array.isArray(writeErrors)) {
            for (const b of batch) b.reject(err);
            continue;
          }
          for (const w of writeErrors) failures.set(w.index, { code: w.code ?? w.err?.code, cause: w });
        }
        batch.forEach((b, i) => {
          const failure = failures.get(i);
          if (failure === undefined) b.resolve('inserted');
          else if (isDuplicateKey(failure)) b.resolve('duplicate');
          else
            b.reject(
              new Error(`insert into ${this.collection().collectionName} failed: ${JSON.stringify(failure)}`),
            );
        });
      }
    } finally {
      this.flushing = false;
    }
  }
}

const batchers = new WeakMap<object, InsertBatcher<Document & { _id: string }>>();

/** One batcher per model (a model belongs to one connection). */
export function insertBatcher<T extends { _id: string }>(model: {
  collection: unknown;
}): InsertBatcher<T & Document> {
  let b = batchers.get(model);
  if (!b) {
    b = new InsertBatcher(() => model.collection as Collection<Document & { _id: string }>);
    batchers.set(model, b);
  }
  return b as unknown as InsertBatcher<T & Document>;
}
