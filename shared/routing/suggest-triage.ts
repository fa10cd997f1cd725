/**
 * The sorting centre's first guess for a new ticket: type, product line and response level from the
 * customer's own words, with the keywords that decided each, so the dispatcher sees why and confirms
 * or overrides. Keyword tables are data (zh first, a few en); matching is on NFKC-normalised,
 * lower-cased text, so full-width "ＥＫＰ" and "３级" count too.
 */
import type { ResponseLevel } from '../catalog.ts';
import { type TicketType, ticketTypeHandling } from './ticket-types.ts';

/** Words that say which type a ticket is. */
export const typeKeywords: Record<TicketType, readonly string[]> = {
  complaint: ['投诉', '不满意', '服务态度', '态度差', '差评', '没人理', '无人响应', 'complaint', 'complain'],
  fault: [
    '故障',
    '报错',
    '出错',
    '错误',
    '异常',
    '崩溃',
    '宕机',
    '瘫痪',
    '无法登录',
    '登录不了',
    '登不上',
    '无法访问',
    '打不开',
    '无法打开',
    '无法使用',
    '用不了',
    '不能用',
    '失败',
    '白屏',
    '卡死',
    '乱码',
    'bug',
    'error',
    'crash',
    'exception',
    'failed',
    'not working',
    'system down',
    'cannot log in',
    'outage',
  ],
  changeRequest: [
    '需求变更',
    '变更需求',
    '功能变更',
    '定制',
    '二次开发',
    '新增报表',
    'change request',
    'customisation',
    'customization',
  ],
  suggestion: [
    '建议',
    '希望增加',
    '希望能',
    '希望可以',
    '能否增加',
    '能不能增加',
    'suggest',
    'feature request',
    'please add',
  ],
  inspection: ['巡检', '健康检查', '体检', 'inspection', 'health check'],
  training: ['培训', '直播课', '课程', 'training', 'webinar'],
  // Not plain 升级: "请升级处理" means escalate, not a version upgrade.
  upgrade: ['升级到', '版本升级', '升级包', '升级补丁', '系统升级', '补丁', '新版本', 'upgrade', 'patch'],
  consultation: [
    '怎么',
    '如何',
    '怎样',
    '请问',
    '咨询',
    '是否支持',
    '在哪里',
    '配置',
    'how to',
    'how do',
    'how can',
  ],
};

/**
 * When several types match, the first in this order wins: a complaint stays a complaint whatever it
 * is about; a fault reported with "建议尽快处理" is still a fault; consultation words are the weakest.
 */
export const typePriority: readonly TicketType[] = [
  'complaint',
  'fault',
  'changeRequest',
  'suggestion',
  'inspection',
  'training',
  'upgrade',
  'consultation',
];

/** Words that suggest a response level; the most severe match wins. */
export const levelKeywords: Record<ResponseLevel, readonly string[]> = {
  1: [
    '瘫痪',
    '无法登录',
    '登录不了',
    '登不上',
    '全部用户',
    '所有用户',
    '全员',
    '宕机',
    '系统崩溃',
    'system down',
    'all users',
    'cannot log in',
    'outage',
  ],
  2: ['核心功能', '严重', '业务中断', '大量用户', '大面积', 'critical', 'core function', 'severe', 'serious'],
  3: [
    '部分功能',
    '报错',
    '部分用户',
    '个别用户',
    '出错',
    '错误',
    '异常',
    '失败',
    'error',
    'exception',
    'some users',
    'bug',
  ],
  4: [
    '怎么',
    '如何',
    '怎样',
    '配置',
    '请问',
    '咨询',
    '安装',
    '是否支持',
    'how to',
    'how do',
    'how can',
    'configure',
    'install',
  ],
  5: [
    '建议',
    '希望增加',
    '希望能',
    '希望可以',
    '能否增加',
    '新增功能',
    '需求变更',
    '定制',
    'suggest',
    'feature request',
  ],
};

/** A keyword right after one of these is negated ("没有报错", "并不严重") and does not count. */
export const negations: readonly string[] = ['不', '没', '没有', '无', '未', '非', 'not ', 'no '];

/** …except in a question: "有没有直播课" asks, it does not negate. */
export const questionForms: readonly string[] = ['有没有', '是不是', '会不会', '能不能'];

/** "三级菜单", "二级部门": 级 followed by one of these is not a response level. */
export const levelCompounds: readonly string[] = [
  '菜单',
  '部门',
  '目录',
  '页面',
  '分类',
  '节点',
  '组织',
  '科目',
  '标题',
  '机构',
  '单位',
  '栏目',
  '导航',
  '权限',
  '审批',
  '域名',
  '缓存',
  '联动',
  '下拉',
  '子',
];

export interface TriageReason {
  field: 'type' | 'productLine' | 'level';
  value: string | number;
  /** The words that decided it (as written in the table, or the text's explicit level). */
  keyword?: string;
  /** keyword: a table word; explicit: "3级" in the text; typeLevel: the type fixes the level; default: nothing matched. */
  source: 'keyword' | 'explicit' | 'typeLevel' | 'default';
}

export interface TriageSuggestion {
  type: TicketType;
  productLine?: string;
  level: ResponseLevel;
  reasons: TriageReason[];
}

/** Suggests type, product line and level for a ticket text. Pure; the dispatcher decides. */
export function suggestTriage(text: string, options: { productLines: readonly string[] }): TriageSuggestion {
  const normalised = text.normalize('NFKC').toLowerCase();
  const reasons: TriageReason[] = [];

  let type: TicketType = 'fault'; // most tickets are problem reports (报障)
  const typeHit = typePriority
    .map((t) => ({ t, words: matches(normalised, typeKeywords[t]) }))
    .find((hit) => hit.words.length > 0);
  if (typeHit) {
    type = typeHit.t;
    for (const keyword of typeHit.words)
      reasons.push({ field: 'type', value: type, keyword, source: 'keyword' });
  } else {
    reasons.push({ field: 'type', value: type, source: 'default' });
  }

  const productLine = findProductLine(normalised, options.productLines);
  if (productLine) reasons.push({ field: 'productLine', ...productLine, source: 'keyword' });

  const level = suggestLevel(normalised, type);
  reasons.push(...level.reasons);

  return { type, ...(productLine ? { productLine: productLine.value } : {}), level: level.level, reasons };
}

function suggestLevel(text: string, type: TicketType): { level: ResponseLevel; reasons: TriageReason[] } {
  const explicit = explicitLevel(text);
  if (explicit) {
    return {
      level: explicit.level,
      reasons: [{ field: 'level', value: explicit.level, keyword: explicit.keyword, source: 'explicit' }],
    };
  }
  const handling = ticketTypeHandling[type];
  if (handling.levelFixed) {
    return {
      level: handling.defaultLevel,
      reasons: [{ field: 'level', value: handling.defaultLevel, source: 'typeLevel' }],
    };
  }
  for (const level of [1, 2, 3, 4, 5] as const) {
    const words = matches(text, levelKeywords[level]);
    if (words.length > 0) {
      return {
        level,
        reasons: words.map((keyword) => ({ field: 'level', value: level, keyword, source: 'keyword' })),
      };
    }
  }
  return {
    level: handling.defaultLevel,
    reasons: [{ field: 'level', value: handling.defaultLevel, source: 'default' }],
  };
}

const chineseDigits: Record<string, ResponseLevel> = {
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
};

const explicitLevelPatterns: readonly RegExp[] = [
  // "3级", "三级", "3 级" — not "13级", "十三级", nor a compound such as "三级菜单"
  new RegExp(
    `(?<![0-9一二三四五六七八九十])([1-5一二三四五])\\s*级(?!别)(?!${levelCompounds.join('|')})`,
    'u',
  ),
  /级别\s*[:：]?\s*([1-5一二三四五])/u,
  /(?<![a-z0-9])(?:level\s*|l)([1-5])(?![0-9])/u,
];

/** A level the customer stated; it wins over keywords. */
function explicitLevel(text: string): { level: ResponseLevel; keyword: string } | undefined {
  let first: { level: ResponseLevel; keyword: string; index: number } | undefined;
  for (const pattern of explicitLevelPatterns) {
    const m = pattern.exec(text);
    const level = m?.[1] === undefined ? undefined : chineseDigits[m[1]];
    if (m && level && (!first || m.index < first.index)) first = { level, keyword: m[0], index: m.index };
  }
  return first && { level: first.level, keyword: first.keyword };
}

/** Table words present in the text and not negated, in table order. */
function matches(text: string, words: readonly string[]): string[] {
  return words.filter((word) => {
    const needle = word.toLowerCase();
    // ASCII words must start a word: "bug" not in "debug", "patch" not in "dispatch".
    const ascii = /^[\x20-\x7e]+$/.test(needle);
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      if (ascii && /[a-z0-9]/.test(text[at - 1] ?? '')) continue;
      const negated = negations.some((n) => text.endsWith(n, at));
      if (negated && !questionForms.some((q) => text.endsWith(q, at))) continue;
      return true;
    }
    return false;
  });
}

/** The configured product line named first in the text, as a whole word ("ekp系统" → EKP; not "kkk"). */
function findProductLine(
  text: string,
  productLines: readonly string[],
): { value: string; keyword: string } | undefined {
  let best: { value: string; keyword: string; index: number } | undefined;
  for (const line of productLines) {
    const escaped = line.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`(?<![a-z0-9])${escaped}(?![a-z])`, 'u').exec(text);
    if (m && (!best || m.index < best.index)) best = { value: line, keyword: m[0], index: m.index };
  }
  return best && { value: best.value, keyword: best.keyword };
}
