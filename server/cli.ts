import path from 'node:path';
import { ConfigError, loadConfig } from './config.ts';
import { startEmbeddedDb } from './db/embedded.ts';
import { connectDb, type Db } from './db/mongo.ts';
import { runCli } from './directory/run-cli.ts';

/**
 * `npm run desk -- <command>`: wires configuration and the database to
 * runCli (server/directory/run-cli.ts), which holds the command logic.
 */
const cleanups: (() => Promise<void>)[] = [];

async function openDb(): Promise<Db> {
  const config = loadConfig();
  let uri = config.MONGODB_URI;
  if (!uri) {
    const embedded = await startEmbeddedDb(path.join(config.DATA_DIR, 'db'));
    cleanups.push(embedded.stop);
    uri = embedded.uri;
  }
  const db = await connectDb(uri, config.MONGODB_DB);
  cleanups.unshift(async () => {
    // Let index builds started by the models finish before closing.
    await Promise.allSettled(Object.values(db.models).map((m) => m.init()));
    await db.close();
  });
  return db;
}

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    db: openDb,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    // npm runs scripts from the package root; relative paths mean the caller's directory.
    cwd: process.env.INIT_CWD ?? process.cwd(),
  });
} catch (e) {
  process.stderr.write(
    e instanceof ConfigError ? `${e.message}\n` : `执行失败：${(e as Error).stack ?? String(e)}\n`,
  );
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
}
