import { describe, expect, it } from 'vitest';
import type { ResponseLevel } from '../../../shared/catalog.ts';
import { defaultProductLines } from '../../../shared/catalog.ts';
import {
  levelKeywords,
  suggestTriage,
  type TriageReason,
  typeKeywords,
} from '../../../shared/routing/suggest-triage.ts';
import { type TicketType, ticketTypes } from '../../../shared/routing/ticket-types.ts';

const options = { productLines: defaultProductLines };

type Case = [text: string, type: TicketType, productLine: string | undefined, level: ResponseLevel];

describe('suggestTriage', () => {
  it.each<Case>([
    // level 1: system down, everyone affected
    ['EKP 系统瘫痪，所有人都无法使用', 'fault', 'EKP', 1],
    ['ekp无法登录，全部用户受影响', 'fault', 'EKP', 1],
    ['KMS 登录不了', 'fault', 'KMS', 1],
    ['EIS服务器宕机了', 'fault', 'EIS', 1],
    ['System down, all users cannot log in to EKP', 'fault', 'EKP', 1],
    // level 2: core function, serious
    ['KK 核心功能流程审批无法提交，影响严重', 'fault', 'KK', 2],
    ['EKP 考勤模块严重卡顿', 'fault', 'EKP', 2],
    // level 3: part of the functions, errors
    ['部分功能不可用：报表导出报错', 'fault', undefined, 3],
    ['流程审批页面报错 500', 'fault', undefined, 3],
    ['个别用户打开附件出错', 'fault', undefined, 3],
    ['Got an error when exporting in KK', 'fault', 'KK', 3],
    ['EKP和KMS都打不开', 'fault', 'EKP', 3], // the product named first; no level word → the fault default
    ['升级后流程无法打开', 'fault', undefined, 3], // a fault after an upgrade is a fault
    ['请升级处理，很急', 'fault', undefined, 3], // 升级 alone means escalate, not an upgrade
    // explicit levels win over keywords
    ['EKP 3级 流程审批页面报错', 'fault', 'EKP', 3],
    ['三级：首页加载异常，所有用户都看到', 'fault', undefined, 3],
    ['二级 KMS 知识库搜索失败', 'fault', 'KMS', 2],
    ['ＥＫＰ　３级　附件上传失败', 'fault', 'EKP', 3], // full-width
    ['level 2: EIS sync failed', 'fault', 'EIS', 2],
    ['L1 outage in KK', 'fault', 'KK', 1],
    ['EKP 1级 建议增加导出', 'suggestion', 'EKP', 1],
    // …but not compounds such as 三级菜单 / 二级部门
    ['系统瘫痪，三级菜单打不开', 'fault', undefined, 1],
    ['二级部门的组织架构同步失败', 'fault', undefined, 3],
    // level 4: how-to, configuration
    ['如何配置 EKP 的单点登录？', 'consultation', 'EKP', 4],
    ['请问KMS怎么设置文档权限', 'consultation', 'KMS', 4],
    ['EIS 是否支持国产数据库', 'consultation', 'EIS', 4],
    ['怎样安装 KK 客户端', 'consultation', 'KK', 4],
    ['How to configure KMS search?', 'consultation', 'KMS', 4],
    ['kkk测试账号怎么开通', 'consultation', undefined, 4], // kkk is not KK
    ['debug 日志在哪里看', 'consultation', undefined, 4], // debug is not a bug
    // negations
    ['没有报错，只是想咨询一下导出格式', 'consultation', undefined, 4],
    ['问题并不严重，请问怎么处理', 'consultation', undefined, 4],
    ['是不是系统报错了', 'fault', undefined, 3], // a question, not a negation
    // level 5: suggestions and change requests, whatever other words say
    ['建议增加批量导出功能', 'suggestion', undefined, 5],
    ['希望增加移动端的签到提醒', 'suggestion', undefined, 5],
    ['能否增加配置项来控制默认视图', 'suggestion', undefined, 5],
    ['Feature request: please add dark mode to KMS', 'suggestion', 'KMS', 5],
    ['我们需要定制一个采购报表', 'changeRequest', undefined, 5],
    ['需求变更：审批流增加会签节点', 'changeRequest', undefined, 5],
    // the other types
    ['投诉：工程师三天没人理', 'complaint', undefined, 3],
    ['对上次的服务态度很不满意', 'complaint', undefined, 3],
    ['投诉 EKP 系统瘫痪两天无人处理', 'complaint', 'EKP', 1],
    ['申请 EKP 升级到 V16', 'upgrade', 'EKP', 4],
    ['请帮忙安装最新补丁', 'upgrade', undefined, 4],
    ['预约本季度的系统巡检', 'inspection', undefined, 4],
    ['巡检报告里提示磁盘空间不足', 'inspection', undefined, 4],
    ['想给新员工安排一次培训', 'training', undefined, 4],
    ['有没有直播课介绍 KMS 新功能', 'training', 'KMS', 4],
  ])('%s → %s, %s, level %i', (text, type, productLine, level) => {
    const suggestion = suggestTriage(text, options);
    expect({ type: suggestion.type, productLine: suggestion.productLine, level: suggestion.level }).toEqual({
      type,
      productLine,
      level,
    });
  });

  it.each<[text: string, reasons: TriageReason[]]>([
    [
      'EKP 系统瘫痪，全部用户无法使用',
      [
        { field: 'type', value: 'fault', keyword: '瘫痪', source: 'keyword' },
        { field: 'type', value: 'fault', keyword: '无法使用', source: 'keyword' },
        { field: 'productLine', value: 'EKP', keyword: 'ekp', source: 'keyword' },
        { field: 'level', value: 1, keyword: '瘫痪', source: 'keyword' },
        { field: 'level', value: 1, keyword: '全部用户', source: 'keyword' },
      ],
    ],
    [
      'KMS 三级 导出报错',
      [
        { field: 'type', value: 'fault', keyword: '报错', source: 'keyword' },
        { field: 'productLine', value: 'KMS', keyword: 'kms', source: 'keyword' },
        { field: 'level', value: 3, keyword: '三级', source: 'explicit' },
      ],
    ],
    [
      '能否增加配置项',
      [
        { field: 'type', value: 'suggestion', keyword: '能否增加', source: 'keyword' },
        { field: 'level', value: 5, source: 'typeLevel' },
      ],
    ],
    [
      '合同里的那个事情',
      [
        { field: 'type', value: 'fault', source: 'default' },
        { field: 'level', value: 3, source: 'default' },
      ],
    ],
  ])('gives its reasons for %s', (text, reasons) => {
    expect(suggestTriage(text, options).reasons).toEqual(reasons);
  });

  it.each<[text: string, productLines: string[], expected: string | undefined]>([
    ['OA8 报错', ['EKP', 'OA8'], 'OA8'],
    ['oa8报错', ['EKP', 'OA8'], 'OA8'],
    ['KMS 报错', ['EKP'], undefined], // not configured in this deployment
    ['先是 kms 后是 ekp', ['EKP', 'KMS'], 'KMS'],
    ['没有产品线', ['EKP'], undefined],
  ])('finds the configured product line in %s', (text, productLines, expected) => {
    expect(suggestTriage(text, { productLines }).productLine).toBe(expected);
  });

  it('has keywords for every type and every level', () => {
    for (const type of ticketTypes) expect(typeKeywords[type].length, type).toBeGreaterThan(0);
    for (const level of [1, 2, 3, 4, 5] as const) expect(levelKeywords[level].length).toBeGreaterThan(0);
  });
});
