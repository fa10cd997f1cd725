import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectDb, type Db } from '../../server/db/mongo.ts';

/** A fresh, uniquely named database for one test file (or one test). */
export function freshDbName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

export function testMongoUri(): string {
  return inject('mongoUri');
}

export async function openTestDb(dbName = freshDbName()): Promise<Db> {
  return connectDb(testMongoUri(), dbName);
}
