import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/mongo.ts';
import { organisationModel } from '../../../server/directory/organisation-model.ts';
import { runCli } from '../../../server/directory/run-cli.ts';
import { openTestDb } from '../../support/db.ts';

const demoPath = fileURLToPath(new URL('../../../server/demo/demo-directory.json', import.meta.url));
let tmp: string;
let db: Db;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'desk-cli-'));
  db = await openTestDb();
});
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await db.dropDatabase();
  await db.close();
});

/** Runs the CLI, collecting stdout and stderr separately; counts database openings. */
async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let opened = 0;
  const code = await runCli(argv, {
    db: async () => {
      opened++;
      return db;
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    cwd: tmp,
  });
  return { code, out: out.join('\n'), err: err.join('\n'), opened };
}

function writeJson(name: string, value: unknown): string {
  const file = path.join(tmp, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('usage', () => {
  it('help prints the commands and opens no database', async () => {
    const r = await run('help');
    expect(r).toMatchObject({ code: 0, err: '', opened: 0 });
    expect(r.out).toContain('import <文件.json>');
    expect(r.out).toContain('validate <文件.json>');
  });

  it.each([
    [[], '用法错误：缺少命令'],
    [['frobnicate'], '用法错误：未知命令 frobnicate'],
    [['import'], '用法错误：import 需要一个文件路径'],
    [['validate', 'a.json', 'b.json'], '用法错误：validate 只接受一个文件路径'],
  ])('%j → exit 2', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(message);
    expect(r.err).toContain('用法: npm run desk');
    expect(r.opened).toBe(0);
  });
});

describe('validate and import', () => {
  it('validate counts what an import would do and writes nothing', async () => {
    const r = await run('validate', demoPath);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      `校验通过：${demoPath} 可以导入（本次未写入任何数据）。`,
      '  客户组织\u3000\u3000将新建 3，将更新 0，无需改动 0',
      '  客户联系人\u3000将新建 7，将更新 0，无需改动 0',
      '  团队\u3000\u3000\u3000\u3000将新建 5，将更新 0，无需改动 0',
      '  员工\u3000\u3000\u3000\u3000将新建 11，将更新 0，无需改动 0',
    ]);
    expect(await organisationModel(db).countDocuments()).toBe(0);
  });

  it('import writes, a second import reports that nothing changed', async () => {
    const first = await run('import', demoPath);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`导入完成：${demoPath}`);
    expect(first.out).toContain('员工\u3000\u3000\u3000\u3000新建 11，更新 0，未变 0');
    expect(await organisationModel(db).countDocuments()).toBe(3);

    const second = await run('import', demoPath);
    expect(second.code).toBe(0);
    expect(second.out).toContain('客户联系人\u3000新建 0，更新 0，未变 7');
    expect(second.out.split('\n').at(-1)).toBe('数据库已与文件一致，没有任何改动。');
  });

  it('a bad file: numbered problems on stderr, exit 1', async () => {
    writeJson('bad.json', {
      organisations: [
        { id: 'acme', name: '甲', contacts: [{ userId: 'cust-xa-01', name: '张伟' }] },
        {
          id: 'acme',
          name: '乙',
          licences: [
            {
              id: 'L',
              productLine: 'EKP',
              servicePeriods: [{ kind: 'paid', from: '2026-13-01', to: '2026-12-31' }],
            },
          ],
        },
      ],
    });
    const r = await run('validate', 'bad.json'); // relative to cwd
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toEqual([
      '文件 bad.json 有 3 个问题，已整份拒绝，未写入任何数据：',
      '  1. organisations[0] (id=acme).contacts[0] (userId=cust-xa-01).userId: 该钉钉用户已是组织 org-xa-group 的联系人',
      '  2. organisations[1] (id=acme).licences[0] (id=L).servicePeriods[0].from: 2026-13-01 不是真实存在的日期',
      '  3. organisations[1] (id=acme).id: 组织 id acme 在文件中重复（首次出现于 organisations[0]）',
    ]);
  });

  it.each([
    ['missing.json', null, '无法读取文件'],
    ['broken.json', '{ "teams": [ }', '不是有效的 JSON'],
  ])('%s → exit 1 before touching the database', async (name, content, message) => {
    if (content !== null) writeJson(name, content);
    const r = await run('import', name);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.opened).toBe(0);
  });

  it('accepts a file saved with a byte-order mark', async () => {
    writeJson('bom.json', `\uFEFF${JSON.stringify({ teams: [{ id: 'x', name: 'X', kind: 'support' }] })}`);
    const r = await run('validate', 'bom.json');
    expect(r.code).toBe(0);
  });
});
