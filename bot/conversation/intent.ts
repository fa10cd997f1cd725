import { findTicketNo } from '../../shared/ticket/number.ts';

/**
 * What a chat message asks for, decided from its text alone (pure). The
 * dialogue state decides what a message means when it is an answer to a
 * question (see conversation.ts); this is for messages outside a dialogue.
 */
export type Intent =
  | { kind: 'cancel' }
  | { kind: 'help' }
  | { kind: 'fileTicket'; text: string }
  | { kind: 'myTickets' }
  | { kind: 'query'; ticketNo: string | undefined }
  | { kind: 'describeProblem'; text: string }
  | { kind: 'unknown'; text: string };

const cancelWords = /^(取消|退出|算了|不用了|cancel|quit)$/i;
const helpWords = /^(帮助|help|\?|？|菜单|menu|你好|您好|hi|hello|在吗)$/i;
const fileWords = /^(报障|报修|报故障|提交工单|新建工单|提问题|我要报障|new ticket|report)/i;
const myTicketsWords = /^(我的工单|工单列表|我的问题|my tickets)$/i;
const queryWords = /^(查询|查看|进度|query|status)/i;

// Words that make a free sentence look like a problem report.
const problemWords =
  /(报错|错误|异常|失败|无法|不能|打不开|登录不了|登不上|进不去|卡死|很慢|变慢|崩溃|瘫痪|故障|问题|bug|error|500|404|超时|白屏|乱码)/i;

export function parseIntent(raw: string): Intent {
  const text = normalise(raw);
  if (text === '') return { kind: 'help' };
  if (cancelWords.test(text)) return { kind: 'cancel' };
  if (helpWords.test(text)) return { kind: 'help' };
  if (myTicketsWords.test(text)) return { kind: 'myTickets' };
  if (fileWords.test(text)) return { kind: 'fileTicket', text };
  if (queryWords.test(text)) return { kind: 'query', ticketNo: findTicketNo(text) };
  const no = findTicketNo(text);
  if (no && text.length <= no.length + 4) return { kind: 'query', ticketNo: no };
  if (text.length >= 6 && problemWords.test(text)) return { kind: 'describeProblem', text };
  return { kind: 'unknown', text };
}

/** Trims, collapses whitespace (full-width too) and drops a leading @mention. */
export function normalise(raw: string): string {
  return raw
    .replace(/\u3000/g, ' ')
    .replace(/^\s*@\S+\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}
