import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarService } from '../../../server/calendar/calendar-service.ts';
import type { Db } from '../../../server/db/mongo.ts';
import { runCli } from '../../../server/directory/run-cli.ts';
import { outboxModel } from '../../../server/notifications/outbox.ts';
import { onCallNow } from '../../../server/oncall/oncall-service.ts';
import { SlaPolicyService } from '../../../server/sla/sla-policy-service.ts';
import { openTestDb } from '../../support/db.ts';

/** SLA policies, a new year's holiday schedule and on-call rosters from the command line. */
const demoPath = fileURLToPath(new URL('../../../server/demo/demo-directory.json', import.meta.url));
let tmp: string;
let db: Db;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'desk-sla-cli-'));
  db = await openTestDb();
  expect((await run('import', demoPath)).code).toBe(0);
});
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await db?.close();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const code = await runCli(argv, {
    db: async () => db,
    out: (l) => out.push(l),
    err: (l) => out.push(l),
    cwd: tmp,
  });
  return { code, out: out.join('\n') };
}
function file(name: string, value: unknown): string {
  writeFileSync(path.join(tmp, name), JSON.stringify(value));
  return name;
}

describe('desk CLI: service-level settings', () => {
  it('replaces the SLA policies; a bad set is refused whole with each field named', async () => {
    const policies = [
      { id: 'default', name: '标准服务协议' },
      { id: 'gold', name: '金牌服务', tier: 'premium', levels: { 1: { firstResponseMinutes: 30 } } },
    ];
    const ok = await run('sla-policies', 'set', file('p.json', policies));
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toContain('default、gold');
    const stored = await new SlaPolicyService(db).list();
    expect(stored.policies.find((p) => p.id === 'gold')?.levels[1].firstResponseMinutes).toBe(30);
    expect(stored.policies.find((p) => p.id === 'gold')?.levels[2].firstResponseMinutes).toBe(480);

    const bad = await run(
      'sla-policies',
      'set',
      file('bad.json', [
        { id: 'default', name: 'x', atRiskRatio: 2, levels: { 3: { firstResponseMinutes: -1 } } },
      ]),
    );
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('atRiskRatio');
    expect(bad.out).toContain('levels.3.firstResponseMinutes');
    expect((await new SlaPolicyService(db).list()).policies).toHaveLength(2);
    expect((await run('sla-policies', 'show')).out).toContain('"gold"');
  });

  it('imports a new year’s official holiday schedule', async () => {
    const schedule = {
      year: 2027,
      source: '国务院办公厅关于2027年部分节假日安排的通知',
      holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-03' }],
      workdays: [{ date: '2027-01-04', name: '测试调休' }],
    };
    expect((await run('holidays', 'import', file('h.json', schedule))).code).toBe(0);
    const calendars = new CalendarService(db);
    expect((await calendars.coverage()).end).toBe('2027-12-31');
    const bad = await run(
      'holidays',
      'import',
      file('hb.json', { ...schedule, holidays: [{ name: 'x', from: '2027-13-01', to: '2027-01-01' }] }),
    );
    expect(bad.code).toBe(1);
  });

  it('sets a branch roster and queues a notice to each contact of the organisations it serves', async () => {
    const roster = {
      branch: '西安分公司',
      entries: [
        { userId: 'lead-xa-ma', name: '马涛', phone: '13900000041', email: 'matao@vendor.example.com' },
      ],
    };
    const r = await run('oncall', 'set', file('r.json', roster));
    expect(r.code).toBe(0);
    expect((await onCallNow(db, '西安分公司', new Date())).map((e) => e.name)).toEqual(['马涛']);
    const queued = await outboxModel(db)
      .find({ _id: { $regex: '^oncall-change:西安分公司:v1:' } })
      .lean();
    // All organisations of the demo are served by 西安分公司 (the default branch); inactive contacts are not told.
    expect(queued.length).toBeGreaterThan(3);
    expect(JSON.stringify(queued[0]!.notice)).toContain('13900000041');
    // The same roster again changes nothing and tells nobody again.
    await run('oncall', 'set', file('r.json', roster));
    expect(await outboxModel(db).countDocuments({ _id: { $regex: '^oncall-change:' } })).toBe(queued.length);
    expect((await run('oncall', 'set', file('rb.json', { branch: '西安分公司', entries: [] }))).code).toBe(1);
  });
});
