import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The embedded database: FerretDB v1 (SQLite handler) compiled from the Go
 * program beside this file. Used when MONGODB_URI is unset. The binary is
 * built once from the Go module proxy and cached under .cache/, keyed by a
 * hash of the Go sources so a change rebuilds it.
 */
const goDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ferretdb');
const repoRoot = path.resolve(goDir, '../../..');
const cacheDir = path.join(repoRoot, '.cache', 'ferretdb');

export interface EmbeddedDb {
  uri: string;
  stop(): Promise<void>;
}

type Status = (line: string) => void;

const defaultStatus: Status = (line) => process.stderr.write(`${line}\n`);

export function binaryPath(): string {
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(path.join(goDir, f)));
  return path.join(cacheDir, `ferretdb-embedded-${hash.digest('hex').slice(0, 12)}`);
}

/** Builds the FerretDB binary if it is not cached yet; returns its path. */
export async function ensureBinary(status: Status = defaultStatus): Promise<string> {
  const bin = binaryPath();
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  status(
    '正在构建内置数据库 FerretDB v1.24.2（首次运行约需 1–2 分钟，之后使用缓存）… / building embedded FerretDB (first run only)',
  );
  const started = Date.now();
  const ticker = setInterval(
    () => status(`  …仍在构建 (${Math.round((Date.now() - started) / 1000)} s)`),
    15_000,
  );
  try {
    await run('go', ['build', '-trimpath', '-o', tmp, '.'], goDir);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(
      `无法构建内置数据库（需要 Go 1.22+ 与 Go 模块代理），或设置 MONGODB_URI 使用外部 MongoDB。\n${(err as Error).message}`,
    );
  } finally {
    clearInterval(ticker);
  }
  renameSync(tmp, bin); // atomic: a concurrent builder simply overwrites with an identical file
  status(`内置数据库构建完成 (${Math.round((Date.now() - started) / 1000)} s)`);
  return bin;
}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}\n${stderr}`)),
    );
  });
}

/**
 * Starts FerretDB storing its files in `dir`. The child watches its stdin: if
 * this process dies (even by SIGKILL) the pipe closes and FerretDB exits.
 */
export async function startEmbeddedDb(dir: string, status: Status = defaultStatus): Promise<EmbeddedDb> {
  const bin = await ensureBinary(status);
  mkdirSync(dir, { recursive: true });
  const child = spawn(bin, ['-dir', path.resolve(dir), '-listen', '127.0.0.1:0'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const uri = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`FerretDB did not start in 30 s\n${stderr}`)), 30_000);
    lines.on('line', (line) => {
      const m = /^MONGODB_URI=(.+)$/.exec(line.trim());
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`FerretDB exited (${code}) before it was ready\n${stderr}`));
    });
  });
  // Do not keep the event loop alive just for the child.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  return { uri, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
