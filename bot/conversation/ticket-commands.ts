import { findTicketNo } from '../../shared/ticket/number.ts';
import { normalise } from './intent.ts';

/**
 * Commands about an existing ticket, typed in chat (engineers @bot in their
 * group or 1:1; customers in 1:1, usually by tapping a card button that sends
 * the text). Pure: text in, command out.
 *
 *   engineers: 接单 / 分派 / 转派 / 升级 / 回复 / 补充 / 方案 / 远程 / 现场 / 开始 <工单号> …
 *   customers: 已解决 / 未解决 / 评价 / 重新打开 <工单号> …
 */
export type TicketCommand =
  | { kind: 'claim'; ticketNo: string }
  | { kind: 'dispatch' | 'transfer'; ticketNo: string; target: string }
  | { kind: 'level'; ticketNo: string; level: number }
  | { kind: 'reply' | 'ask' | 'solution'; ticketNo: string; text: string }
  | {
      kind: 'remote';
      ticketNo: string;
      mode: 'phone' | 'video' | 'remoteControl';
      minutes: number;
      note: string;
    }
  | { kind: 'onSite'; ticketNo: string; what: 'required' | 'arrived' }
  | { kind: 'startWork'; ticketNo: string }
  | { kind: 'confirm'; ticketNo: string }
  | { kind: 'reject'; ticketNo: string; reason: string }
  | { kind: 'rate'; ticketNo: string; rating: number; comment: string }
  | { kind: 'reopen'; ticketNo: string };

export type ParsedCommand =
  | { ok: true; command: TicketCommand }
  /** A command word without what it needs: `usage` says how to write it. */
  | { ok: false; usage: string }
  | null;

const words: Record<string, string> = {
  接单: 'claim',
  分派: 'dispatch',
  转派: 'transfer',
  升级: 'level',
  调整级别: 'level',
  回复: 'reply',
  补充: 'ask',
  请补充: 'ask',
  方案: 'solution',
  解决方案: 'solution',
  远程: 'remote',
  远程服务: 'remote',
  现场: 'onSite',
  开始: 'startWork',
  开始处理: 'startWork',
  已解决: 'confirm',
  未解决: 'reject',
  评价: 'rate',
  重新打开: 'reopen',
};

const usages: Record<string, string> = {
  claim: '接单 <工单号>',
  dispatch: '分派 <工单号> <团队编号或工程师ID>',
  transfer: '转派 <工单号> <团队编号或工程师ID>',
  level: '升级 <工单号> <级别1-5>',
  reply: '回复 <工单号> <给客户的内容>',
  ask: '补充 <工单号> <需要客户补充的信息>',
  solution: '方案 <工单号> <解决方案>',
  remote: '远程 <工单号> <电话|视频|远程控制> <分钟数> [备注]',
  onSite: '现场 <工单号> <需要|到达>',
  startWork: '开始 <工单号>',
  confirm: '已解决 <工单号>',
  reject: '未解决 <工单号> <原因>',
  rate: '评价 <工单号> <1-5分> [意见]',
  reopen: '重新打开 <工单号>',
};

const commandPattern = new RegExp(
  `^(${Object.keys(words)
    .sort((a, b) => b.length - a.length)
    .join('|')})(?:\\s+|$)(.*)$`,
  's',
);

export function parseTicketCommand(raw: string): ParsedCommand {
  const text = normalise(raw);
  const m = commandPattern.exec(text);
  if (!m) return null;
  const kind = words[m[1]!]!;
  const rest = m[2]!.trim();
  const usage = { ok: false as const, usage: `格式：${usages[kind]}` };
  const ticketNo = findTicketNo(rest);
  if (!ticketNo) return usage;
  const after = rest.replace(/^\s*[A-Za-z]{1,6}-\d{4}-\d{1,9}\s*/, '').trim();
  const ok = (command: TicketCommand): ParsedCommand => ({ ok: true, command });
  switch (kind) {
    case 'claim':
    case 'startWork':
    case 'confirm':
    case 'reopen':
      return ok({ kind, ticketNo });
    case 'dispatch':
    case 'transfer':
      return after ? ok({ kind, ticketNo, target: after.split(' ')[0]! }) : usage;
    case 'level': {
      const level = Number(/^([1-5])\s*级?$/.exec(after)?.[1] ?? levelFromChinese(after));
      return level >= 1 && level <= 5 ? ok({ kind, ticketNo, level }) : usage;
    }
    case 'reply':
    case 'ask':
    case 'solution':
      return after ? ok({ kind, ticketNo, text: after }) : usage;
    case 'reject':
      return after
        ? ok({ kind, ticketNo, reason: after })
        : { ok: false, usage: `请说明未解决的原因。格式：${usages.reject}` };
    case 'remote': {
      const r = /^(电话|视频|远程控制|远控)\s*(\d{1,4})\s*(?:分钟|min)?\s*(.*)$/.exec(after);
      if (!r) return usage;
      const mode = r[1] === '电话' ? 'phone' : r[1] === '视频' ? 'video' : 'remoteControl';
      const minutes = Number(r[2]);
      return minutes > 0 ? ok({ kind, ticketNo, mode, minutes, note: r[3]!.trim() }) : usage;
    }
    case 'onSite':
      if (/^(需要|需现场|需要现场)/.test(after)) return ok({ kind, ticketNo, what: 'required' });
      if (/^(到达|已到达|到场)/.test(after)) return ok({ kind, ticketNo, what: 'arrived' });
      return usage;
    case 'rate': {
      const r = /^([1-5])\s*(?:分|星)?\s*(.*)$/.exec(after);
      return r ? ok({ kind, ticketNo, rating: Number(r[1]), comment: r[2]!.trim() }) : usage;
    }
  }
  return null;
}

function levelFromChinese(text: string): number {
  const m = /^([一二三四五])级?$/.exec(text);
  return m ? '一二三四五'.indexOf(m[1]!) + 1 : Number.NaN;
}
