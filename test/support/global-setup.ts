import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDb } from '../../server/db/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

/**
 * One embedded FerretDB per test run, in a throw-away directory; each test
 * file opens its own database on it (test/support/db.ts). With MONGODB_URI
 * set, the suite runs against that server instead.
 */
export default async function setup(project: TestProject) {
  if (process.env.MONGODB_URI) {
    project.provide('mongoUri', process.env.MONGODB_URI);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'desk-test-db-'));
  const db = await startEmbeddedDb(dir);
  project.provide('mongoUri', db.uri);
  return async () => {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
