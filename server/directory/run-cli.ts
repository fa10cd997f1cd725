import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ErrorIssue, isDomainError } from '../../shared/errors.ts';
import type { DirectoryImportOptions } from '../../shared/schemas/directory-import.ts';
import { CalendarService } from '../calendar/calendar-service.ts';
import type { Db } from '../db/mongo.ts';
import { enqueue } from '../notifications/outbox.ts';
import { contactsChanged, noticesForRosterChange, setRoster } from '../oncall/oncall-service.ts';
import { SlaPolicyService } from '../sla/sla-policy-service.ts';
import {
  type CollectionCounts,
  countedCollections,
  type ImportCounts,
  importDirectory,
} from './import-directory.ts';

export interface CliDeps {
  /** Opened only by commands that need it (not by help or a usage error). */
  db: () => Promise<Db>;
  /** One line of normal output. */
  out: (line: string) => void;
  /** One line about a problem; defaults to `out`. */
  err?: (line: string) => void;
  /** Where relative file paths start (npm runs scripts from the package root: pass INIT_CWD). */
  cwd?: string;
  productLines?: DirectoryImportOptions['productLines'];
}

export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

export const usage = `用法: npm run desk -- <命令> [参数]

命令:
  import <文件.json>     校验并导入通讯录文件（客户组织、许可、联系人、团队、员工）。
                         文件有任何问题则整份拒绝，不写入任何数据；重复导入同一文件不会改变数据。
  validate <文件.json>   只校验并统计将新建/更新的记录，不写入任何数据。
  sla-policies show      显示当前 SLA 策略（JSON）。
  sla-policies set <文件.json>
                         用文件中的策略列表替换全部 SLA 策略（须恰有一个不填 tier 的默认策略）。
  holidays import <文件.json>
                         导入一年的国务院节假日安排（格式见 shared/calendar/README.md）。
  oncall set <文件.json> 设置某分公司的值班表：{ "branch": "西安分公司", "entries": [...] }。
  help                   显示本帮助。

退出码: 0 成功；1 文件有问题或执行失败；2 用法错误。
数据库: 设置了 MONGODB_URI 则连接它，否则在 DATA_DIR/db 启动内置数据库；库名取 MONGODB_DB。`;

/** The desk command line, without process globals: returns the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const err = deps.err ?? deps.out;
  const [command, ...args] = argv;
  const usageError = (message: string) => {
    err(`用法错误：${message}`);
    err('');
    err(usage);
    return exitCodes.usage;
  };

  switch (command) {
    case 'help':
    case '--help':
    case '-h':
      deps.out(usage);
      return exitCodes.ok;
    case 'import':
    case 'validate': {
      if (args.length !== 1 || args[0] === undefined) {
        return usageError(
          args.length === 0 ? `${command} 需要一个文件路径` : `${command} 只接受一个文件路径`,
        );
      }
      return importCommand(args[0], command === 'validate', deps, err);
    }
    case 'sla-policies':
    case 'holidays':
    case 'oncall':
      return settingsCommand(command, args, deps, err, usageError);
    case undefined:
      return usageError('缺少命令');
    default:
      return usageError(`未知命令 ${command}`);
  }
}

async function settingsCommand(
  command: 'sla-policies' | 'holidays' | 'oncall',
  args: readonly string[],
  deps: CliDeps,
  err: (line: string) => void,
  usageError: (message: string) => number,
): Promise<number> {
  const [sub, file, ...rest] = args;
  const expected = { 'sla-policies': ['show', 'set'], holidays: ['import'], oncall: ['set'] }[command];
  if (!sub || !expected.includes(sub)) return usageError(`${command} 的子命令应为 ${expected.join(' 或 ')}`);
  if (command === 'sla-policies' && sub === 'show') {
    const db = await deps.db();
    deps.out(JSON.stringify((await new SlaPolicyService(db).list()).policies, null, 2));
    return exitCodes.ok;
  }
  if (!file || rest.length > 0) return usageError(`${command} ${sub} 需要一个文件路径`);
  const json = await readJson(path.resolve(deps.cwd ?? process.cwd(), file));
  if (!json.ok) {
    err(json.message);
    return exitCodes.failed;
  }
  const db = await deps.db();
  const now = new Date();
  try {
    if (command === 'sla-policies') {
      const policies = await new SlaPolicyService(db).replaceAll(json.value, 'cli', now);
      deps.out(`已保存 ${policies.length} 个 SLA 策略：${policies.map((p) => p.id).join('、')}`);
    } else if (command === 'holidays') {
      const settings = await new CalendarService(db).importSchedule(json.value, 'cli');
      deps.out(`已导入节假日安排：${settings.importedSchedules.map((s) => s.year).join('、')} 年`);
    } else {
      const { roster, previous } = await setRoster(db, json.value, 'cli', now);
      deps.out(`已保存 ${roster._id} 值班表（${roster.entries.length} 人）`);
      if (contactsChanged(previous, roster)) {
        // Queued in the outbox; a running desk's worker delivers them.
        const notices = await noticesForRosterChange(db, roster);
        await enqueue(db, notices, now);
        deps.out(`已排队通知 ${notices.length} 位客户联系人值班变更。`);
      }
    }
    return exitCodes.ok;
  } catch (e) {
    if (!isDomainError(e)) throw e;
    printIssues(file, e.issues ?? [{ path: '(root)', message: e.message }], err);
    return exitCodes.failed;
  }
}

async function importCommand(
  file: string,
  dryRun: boolean,
  deps: CliDeps,
  err: (line: string) => void,
): Promise<number> {
  const fullPath = path.resolve(deps.cwd ?? process.cwd(), file);
  const json = await readJson(fullPath);
  if (!json.ok) {
    err(json.message);
    return exitCodes.failed;
  }
  const db = await deps.db();
  const result = await importDirectory(db, json.value, {
    dryRun,
    ...(deps.productLines && { productLines: deps.productLines }),
  });
  if (!result.ok) {
    printIssues(file, result.issues, err);
    return exitCodes.failed;
  }
  printCounts(file, result.counts, dryRun, deps.out);
  return exitCodes.ok;
}

async function readJson(
  file: string,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? '文件不存在' : code === 'EISDIR' ? '这是一个目录' : (e as Error).message;
    return { ok: false, message: `无法读取文件 ${file}：${why}` };
  }
  try {
    // Editors on Windows like to start UTF-8 files with a byte-order mark.
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (e) {
    return { ok: false, message: `文件 ${file} 不是有效的 JSON：${(e as Error).message}` };
  }
}

function printIssues(file: string, issues: readonly ErrorIssue[], err: (line: string) => void): void {
  err(`文件 ${file} 有 ${issues.length} 个问题，已整份拒绝，未写入任何数据：`);
  issues.forEach((issue, i) => {
    err(`  ${i + 1}. ${issue.path}: ${issue.message}`);
  });
}

const collectionNames: Record<(typeof countedCollections)[number], string> = {
  organisations: '客户组织',
  contacts: '客户联系人',
  teams: '团队',
  staff: '员工',
};

function printCounts(file: string, counts: ImportCounts, dryRun: boolean, out: (line: string) => void): void {
  const verbs = dryRun ? ['将新建', '将更新', '无需改动'] : ['新建', '更新', '未变'];
  out(dryRun ? `校验通过：${file} 可以导入（本次未写入任何数据）。` : `导入完成：${file}`);
  const format = (c: CollectionCounts) =>
    [c.created, c.updated, c.unchanged].map((n, i) => `${verbs[i]} ${n}`).join('，');
  for (const name of countedCollections) {
    out(`  ${collectionNames[name].padEnd(6, '\u3000')}${format(counts[name])}`);
  }
  const changes = countedCollections.reduce((n, c) => n + counts[c].created + counts[c].updated, 0);
  if (changes === 0)
    out(dryRun ? '数据库已与文件一致，导入不会改变任何数据。' : '数据库已与文件一致，没有任何改动。');
}
