import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the mini-app when miniapp/dist is missing or older than its
 * sources: `npm start` runs this first (so nobody has to remember
 * `npm run build:miniapp`), and the browser tests share one build. A lock
 * directory keeps two processes from building at once.
 *
 *   npx tsx miniapp/ensure-built.ts [--force]
 */
const miniappDir = path.dirname(fileURLToPath(import.meta.url));
export const distDir = path.join(miniappDir, 'dist');
const lockDir = path.join(miniappDir, '.build-lock');

export async function ensureMiniAppBuilt(
  opts: { force?: boolean; log?: (line: string) => void } = {},
): Promise<'fresh' | 'built'> {
  const log = opts.log ?? (() => {});
  if (!opts.force && isFresh()) return 'fresh';
  await acquireLock();
  try {
    if (!opts.force && isFresh()) return 'fresh'; // another process built it while we waited
    log('正在构建微应用（miniapp → miniapp/dist）…');
    const { build } = await import('vite');
    await build({ configFile: path.join(miniappDir, 'vite.config.ts'), logLevel: 'warn' });
    log('微应用构建完成。');
    return 'built';
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** dist/index.html exists and is newer than every source file (the mini-app's and shared/). */
export function isFresh(): boolean {
  const built = mtime(path.join(distDir, 'index.html'));
  if (built === undefined) return false;
  const sources = [
    path.join(miniappDir, 'index.html'),
    path.join(miniappDir, 'vite.config.ts'),
    ...filesUnder(path.join(miniappDir, 'src')),
    ...filesUnder(path.join(miniappDir, 'public')),
    // the screens import pure code from shared/ (status names, levels, holiday data)
    ...filesUnder(path.join(miniappDir, '..', 'shared')),
  ];
  return sources.every((f) => (mtime(f) ?? 0) <= built);
}

function mtime(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function filesUnder(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

async function acquireLock(): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // a build that crashed leaves its lock behind: stale after 5 minutes
      if (Date.now() - (mtime(lockDir) ?? Date.now()) > 5 * 60_000) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another build holds ${lockDir}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureMiniAppBuilt({ force: process.argv.includes('--force'), log: (l) => console.log(l) }).catch(
    (err: unknown) => {
      console.error(`微应用构建失败：${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
