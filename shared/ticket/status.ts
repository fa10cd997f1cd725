/**
 * Ticket statuses and their names. The transition table that moves between
 * them lives in transitions.ts; this file only names them.
 */
export const ticketStatuses = [
  'triage',
  'assigned',
  'inProgress',
  'waitingCustomer',
  'solutionProposed',
  'closed',
  'autoClosed',
  'reopened',
  'ended',
] as const;

export type TicketStatus = (typeof ticketStatuses)[number];

export const statusNames: Record<TicketStatus, { zh: string; en: string }> = {
  triage: { zh: '待分拣', en: 'In triage' },
  assigned: { zh: '已指派', en: 'Assigned' },
  inProgress: { zh: '处理中', en: 'In progress' },
  waitingCustomer: { zh: '待客户反馈', en: 'Waiting for customer' },
  solutionProposed: { zh: '待客户确认', en: 'Solution proposed' },
  closed: { zh: '已关闭', en: 'Closed' },
  autoClosed: { zh: '已自动关闭', en: 'Auto-closed' },
  reopened: { zh: '已重新打开', en: 'Reopened' },
  ended: { zh: '已结束', en: 'Ended' },
};

/** Statuses in which the ticket still needs work from someone. */
export function isOpenStatus(s: TicketStatus): boolean {
  return s !== 'closed' && s !== 'autoClosed' && s !== 'ended';
}
