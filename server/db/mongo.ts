import mongoose from 'mongoose';

export type Db = mongoose.Connection;

/**
 * One connection per process role. Models are registered per connection
 * (see `model()` below), never on the global mongoose, so tests can run
 * several "processes" against one server in one Node process.
 */
export async function connectDb(uri: string, dbName: string): Promise<Db> {
  const conn = mongoose.createConnection(uri, {
    dbName,
    serverSelectionTimeoutMS: 10_000,
    // FerretDB v1 has no sessions; keep the driver from relying on them.
    retryWrites: false,
  });
  await conn.asPromise();
  return conn;
}

/** Registers (once) and returns a model on this connection. */
export function model<T>(db: Db, name: string, schema: mongoose.Schema<T>): mongoose.Model<T> {
  return (db.models[name] as mongoose.Model<T> | undefined) ?? db.model<T>(name, schema);
}

/** Database round trip for /healthz. */
export async function pingDb(db: Db): Promise<void> {
  await db.db!.admin().command({ ping: 1 });
}

/** MongoDB duplicate-key error (unique index or _id), also raised by FerretDB. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
