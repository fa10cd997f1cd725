import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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

/**
 * Source patches applied to FerretDB v1.24.2 before building (the module is
 * copied from the module cache, patched, and used through a `replace` in a
 * generated go.mod; the committed go.mod stays untouched).
 *
 * `_id` lookups: the SQLite backend indexes `_id` as `_ferretdb_sjson->"_id"`
 * but filters, updates and deletes by `_ferretdb_sjson->'$._id'`. Same value,
 * different expression, so SQLite's planner never used the index: every
 * update or delete by `_id` scanned the table (180 ms at 30,000 documents,
 * growing with the collection) and `findOne({_id})` too (9 ms). Written the
 * index's way, all of them take 1–2 ms at any size
 * (test/integration/db/query-patterns.test.ts measures it).
 */
const ferretModule = 'github.com/FerretDB/FerretDB';
const ferretPatches = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: 'IDColumn = DefaultColumn + `->"_id"`',
  },
  // FerretDB's leak tracker records a pprof stack and sets a finalizer for every iterator and
  // connection object (resource.Track), in release builds too: about 15 % of its CPU on a find
  // (perf). It only reports programming errors of FerretDB itself, so it is switched off.
  {
    file: 'internal/util/resource/resource.go',
    from: 'func Track(obj any, token *Token) {\n',
    to: 'func Track(obj any, token *Token) {\n\tif obj != nil {\n\t\treturn\n\t}\n',
  },
  {
    file: 'internal/util/resource/resource.go',
    from: 'func Untrack(obj any, token *Token) {\n',
    to: 'func Untrack(obj any, token *Token) {\n\tif obj != nil {\n\t\treturn\n\t}\n',
  },
] as const;

export interface EmbeddedDb {
  uri: string;
  stop(): Promise<void>;
}

type Status = (line: string) => void;

const defaultStatus: Status = (line) => process.stderr.write(`${line}\n`);

export function binaryPath(): string {
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(path.join(goDir, f)));
  hash.update(JSON.stringify(ferretPatches));
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
    const modfile = await patchedModule(`${bin}.${process.pid}.src`);
    await run('go', ['build', `-modfile=${modfile}`, '-trimpath', '-o', tmp, '.'], goDir);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(
      `无法构建内置数据库（需要 Go 1.22+ 与 Go 模块代理），或设置 MONGODB_URI 使用外部 MongoDB。\n${(err as Error).message}`,
    );
  } finally {
    clearInterval(ticker);
    rmSync(`${bin}.${process.pid}.src`, { recursive: true, force: true });
  }
  renameSync(tmp, bin); // atomic: a concurrent builder simply overwrites with an identical file
  status(`内置数据库构建完成 (${Math.round((Date.now() - started) / 1000)} s)`);
  return bin;
}

/** Copies FerretDB from the module cache into `work`, patches it, and returns a go.mod that uses the copy. */
async function patchedModule(work: string): Promise<string> {
  const version = /github\.com\/FerretDB\/FerretDB (v\S+)/.exec(
    readFileSync(path.join(goDir, 'go.mod'), 'utf8'),
  )?.[1];
  if (!version) throw new Error(`go.mod does not require ${ferretModule}`);
  const info = JSON.parse(
    await output('go', ['mod', 'download', '-json', `${ferretModule}@${version}`], goDir),
  ) as {
    Dir?: string;
  };
  if (!info.Dir) throw new Error(`go mod download gave no directory for ${ferretModule}@${version}`);
  const src = path.join(work, 'ferretdb');
  cpSync(info.Dir, src, { recursive: true });
  for (const patch of ferretPatches) {
    const file = path.join(src, patch.file);
    const text = readFileSync(file, 'utf8');
    if (!text.includes(patch.from)) throw new Error(`FerretDB patch no longer applies to ${patch.file}`);
    chmodSync(file, 0o644); // the module cache is read-only
    writeFileSync(file, text.replace(patch.from, patch.to));
  }
  const modfile = path.join(work, 'go.mod');
  writeFileSync(
    modfile,
    `${readFileSync(path.join(goDir, 'go.mod'), 'utf8')}\nreplace ${ferretModule} => ${src}\n`,
  );
  copyFileSync(path.join(goDir, 'go.sum'), path.join(work, 'go.sum'));
  return modfile;
}

function output(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}\n${err}`)),
    );
  });
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
