import { describe, expect, it } from 'vitest';
import {
  answer,
  draftFromSentence,
  nextStep,
  parseLevel,
  parseProductLine,
} from '../../../bot/conversation/filing.ts';
import { parseIntent } from '../../../bot/conversation/intent.ts';
import { findTicketNo } from '../../../shared/ticket/number.ts';

const lines = ['EKP', 'KMS', 'EIS', 'KK'] as const;

describe('parseIntent', () => {
  it.each([
    ['取消', 'cancel'],
    ['  cancel ', 'cancel'],
    ['帮助', 'help'],
    ['', 'help'],
    ['你好', 'help'],
    ['报障', 'fileTicket'],
    ['报障 EKP 2级 登录报错', 'fileTicket'],
    ['提交工单', 'fileTicket'],
    ['我的工单', 'myTickets'],
    ['查询 SD-2026-000123', 'query'],
    ['查询', 'query'],
    ['SD-2026-000123', 'query'],
    ['sd-2026-12', 'query'],
    ['流程审批页面打开报错，无法提交', 'describeProblem'],
    ['系统很慢很慢很慢', 'describeProblem'],
    ['天气不错', 'unknown'],
    ['@服务助手 帮助', 'help'],
    ['\u3000我的工单\u3000', 'myTickets'],
  ])('%j → %s', (text, kind) => {
    expect(parseIntent(text).kind).toBe(kind);
  });

  it('takes the ticket number out of a query', () => {
    expect(parseIntent('查询 sd-2026-123 进度')).toEqual({ kind: 'query', ticketNo: 'SD-2026-000123' });
    expect(parseIntent('查询')).toEqual({ kind: 'query', ticketNo: undefined });
  });
});

describe('findTicketNo', () => {
  it.each([
    ['SD-2026-000123', 'SD-2026-000123'],
    ['请查 sd-2026-7 谢谢', 'SD-2026-000007'],
    ['没有编号', undefined],
  ])('%j → %s', (text, no) => {
    expect(findTicketNo(text)).toBe(no);
  });
});

describe('报障 dialogue', () => {
  it.each([
    ['2', 2],
    ['2级', 2],
    ['二级', 2],
    ['L1', 1],
    ['level 5', 5],
    ['级别3', 3],
    ['6', undefined],
    ['0', undefined],
    ['高', undefined],
  ])('level %j → %s', (text, level) => {
    expect(parseLevel(text)).toBe(level);
  });

  it.each([
    ['ekp', 'EKP'],
    ['KK', 'KK'],
    ['2', 'KMS'],
    ['9', undefined],
    ['OA', undefined],
  ])('product line %j → %s', (text, line) => {
    expect(parseProductLine(text, lines)).toBe(line);
  });

  it('asks product line, then level, then description', () => {
    expect(nextStep({})).toBe('productLine');
    expect(nextStep({ productLine: 'EKP' })).toBe('level');
    expect(nextStep({ productLine: 'EKP', level: 3 })).toBe('description');
    expect(nextStep({ productLine: 'EKP', level: 3, description: '登录报错' })).toBe('complete');
  });

  it('refuses answers it cannot use, with the reason', () => {
    expect(answer({}, 'productLine', 'OA', lines)).toEqual({ ok: false, problem: 'productLine' });
    expect(answer({ productLine: 'EKP' }, 'level', '很急', lines)).toEqual({ ok: false, problem: 'level' });
    expect(answer({ productLine: 'EKP', level: 2 }, 'description', '坏了', lines)).toEqual({
      ok: false,
      problem: 'descriptionShort',
    });
    expect(answer({ productLine: 'EKP', level: 2 }, 'description', 'x'.repeat(4001), lines)).toEqual({
      ok: false,
      problem: 'descriptionLong',
    });
    expect(answer({ productLine: 'EKP', level: 2 }, 'description', '  登录页报错 500  ', lines)).toEqual({
      ok: true,
      draft: { productLine: 'EKP', level: 2, description: '登录页报错 500' },
    });
  });

  it.each([
    ['报障 EKP 2级 登录页报错500', { productLine: 'EKP', level: 2, description: '登录页报错500' }],
    ['报障 kms 三级 搜索结果为空', { productLine: 'KMS', level: 3, description: '搜索结果为空' }],
    ['报障：EIS L1 系统全部瘫痪了', { productLine: 'EIS', level: 1, description: '系统全部瘫痪了' }],
    ['报障 EKP', { productLine: 'EKP' }],
    ['报障', {}],
    ['报障 EKPX 登录慢了很多', { description: 'EKPX 登录慢了很多' }],
    ['报障 第3个流程 KK 卡住了', { productLine: 'KK', description: '第3个流程 卡住了' }],
  ])('one sentence %j', (text, draft) => {
    expect(draftFromSentence(text, lines)).toEqual(draft);
  });
});
