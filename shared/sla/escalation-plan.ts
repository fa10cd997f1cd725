import type { WorkingCalendar } from '../calendar/compile-calendar.ts';
import { defaultOnCallBranch, type ResponseLevel } from '../catalog.ts';
import { isAfterHours } from './is-after-hours.ts';
import type { SlaTarget } from './targets.ts';

/**
 * Who is told what when an SLA event happens — data only; the outbox sends it.
 *
 * | event                                   | recipients                                                        |
 * | --------------------------------------- | ----------------------------------------------------------------- |
 * | atRisk (any target)                     | assignee (work notice) + team group (group message);              |
 * |                                         | the sorting centre's group when neither is known (unassigned)     |
 * | breach (any target)                     | team lead + sorting centre group, each with the ticket card      |
 * | created / raised to level 1             | 技术协调会 notice: team lead (work notice) + branch (work notice); |
 * |                                         | the sorting centre's group when the team lead is not known yet    |
 * | created / raised to level 1–2,          | branch on-call roster by work notice and by group message, and   |
 * | after hours (isAfterHours)              | the customer, told who is on call (names, phone, email)           |
 */
export type EscalationEvent =
  | { readonly kind: 'atRisk' | 'breach'; readonly target: SlaTarget; readonly at: Date }
  | { readonly kind: 'created'; readonly at: Date }
  /** The level was raised at `at` (to the ticket's current level) from `from`. */
  | { readonly kind: 'levelRaised'; readonly at: Date; readonly from: ResponseLevel };

export interface OnCallContact {
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
}

/** What the plan needs to know about the ticket; ids as the DingTalk client uses them. */
export interface EscalationTicket {
  readonly ticketNo: string;
  readonly level: ResponseLevel;
  readonly assigneeUserId?: string;
  /** openConversationId of the responsible team's group chat. */
  readonly teamGroupId?: string;
  readonly teamLeadUserId?: string;
  /** openConversationId of the HQ sorting centre's group. */
  readonly sortingCentreGroupId?: string;
  /** The customer's responsible branch; defaultOnCallBranch (西安分公司) when not set. */
  readonly branch?: string;
  /** Where the customer reported the ticket (their conversation with the bot). */
  readonly customerRef?: string;
  /** The branch's on-call people now, as the customer is to see them. */
  readonly onCall?: readonly OnCallContact[];
}

export type RecipientKind = 'user' | 'group' | 'roster' | 'customer';
export type NoticeChannel = 'workNotice' | 'groupMessage' | 'chat' | 'card';
export type NoticeTemplate =
  | 'sla.atRisk'
  | 'sla.breach'
  | 'sla.coordination'
  | 'sla.afterHours.onCall'
  | 'sla.afterHours.customer';
export type RecipientRole =
  | 'assignee'
  | 'teamGroup'
  | 'teamLead'
  | 'sortingCentre'
  | 'branch'
  | 'customer'
  | 'onCallContacts';

export interface Notice {
  /** Dedupe key of this one notice: the event key + template + recipient + channel. */
  readonly key: string;
  /**
   * user: a DingTalk userId; group: an openConversationId; roster: a branch name, to be resolved by
   * the caller to that branch's on-call people (work notice) or its group (group message);
   * customer: customerRef.
   */
  readonly kind: RecipientKind;
  readonly ref: string;
  /** Why this recipient (for logs and tests). */
  readonly role: RecipientRole;
  readonly channel: NoticeChannel;
  readonly template: NoticeTemplate;
  /** For sla.afterHours.customer: who is on call. */
  readonly onCall?: readonly OnCallContact[];
}

export interface EscalationPlan {
  readonly eventKey: string;
  readonly notices: readonly Notice[];
  /** created / levelRaised: whether the event happened after hours (isAfterHours); false otherwise. */
  readonly afterHours: boolean;
  /** Recipients the rules call for that the ticket does not name (to log; a fallback may be in notices). */
  readonly unresolved: readonly RecipientRole[];
}

/**
 * Key of an event, the same however often it is computed: `sla:<ticketNo>:<target>:<kind>:<at ISO>`
 * for at-risk and breach, where `at` is the instant the event happened (atRiskAt, dueAt). Those are
 * in the past when the event fires, so recomputing later from the same history gives the same key;
 * a change of level, policy or calendar that moves them is a different event with a new key.
 */
export function slaEventKey(ticketNo: string, event: EscalationEvent): string {
  const at = event.at.toISOString();
  switch (event.kind) {
    case 'atRisk':
    case 'breach':
      return `sla:${ticketNo}:${event.target}:${event.kind}:${at}`;
    case 'created':
      return `sla:${ticketNo}:created:${at}`;
    case 'levelRaised':
      return `sla:${ticketNo}:raised:${at}`;
    default:
      return assertNever(event);
  }
}

export function planEscalation(input: {
  readonly event: EscalationEvent;
  readonly ticket: EscalationTicket;
  readonly calendar: WorkingCalendar;
}): EscalationPlan {
  const { event, ticket, calendar } = input;
  const eventKey = slaEventKey(ticket.ticketNo, event);
  const notices: Notice[] = [];
  const unresolved: RecipientRole[] = [];
  const add = (
    role: RecipientRole,
    kind: RecipientKind,
    ref: string | undefined,
    channel: NoticeChannel,
    template: NoticeTemplate,
    extra: Pick<Notice, 'onCall'> = {},
  ): boolean => {
    if (!ref) {
      if (!unresolved.includes(role)) unresolved.push(role);
      return false;
    }
    const key = `${eventKey}:${template}:${kind}:${channel}:${ref}`;
    if (!notices.some((n) => n.key === key))
      notices.push({ key, kind, ref, role, channel, template, ...extra });
    return true;
  };
  const branch = ticket.branch?.trim() || defaultOnCallBranch;
  let afterHours = false;

  switch (event.kind) {
    case 'atRisk': {
      const toAssignee = add('assignee', 'user', ticket.assigneeUserId, 'workNotice', 'sla.atRisk');
      const toTeam = add('teamGroup', 'group', ticket.teamGroupId, 'groupMessage', 'sla.atRisk');
      if (!toAssignee && !toTeam) {
        add('sortingCentre', 'group', ticket.sortingCentreGroupId, 'groupMessage', 'sla.atRisk');
      }
      break;
    }
    case 'breach':
      add('teamLead', 'user', ticket.teamLeadUserId, 'card', 'sla.breach');
      add('sortingCentre', 'group', ticket.sortingCentreGroupId, 'card', 'sla.breach');
      break;
    case 'created':
    case 'levelRaised': {
      const from = event.kind === 'levelRaised' ? event.from : undefined;
      const became = (level: ResponseLevel) => ticket.level <= level && (from === undefined || from > level);
      if (became(1)) {
        const toLead = add('teamLead', 'user', ticket.teamLeadUserId, 'workNotice', 'sla.coordination');
        add('branch', 'roster', branch, 'workNotice', 'sla.coordination');
        if (!toLead) {
          add('sortingCentre', 'group', ticket.sortingCentreGroupId, 'groupMessage', 'sla.coordination');
        }
      }
      afterHours = isAfterHours(calendar, event.at);
      if (afterHours && became(2)) {
        add('branch', 'roster', branch, 'workNotice', 'sla.afterHours.onCall');
        add('branch', 'roster', branch, 'groupMessage', 'sla.afterHours.onCall');
        const onCall = ticket.onCall ?? [];
        add('customer', 'customer', ticket.customerRef, 'chat', 'sla.afterHours.customer', { onCall });
        if (onCall.length === 0) unresolved.push('onCallContacts');
      }
      break;
    }
    default:
      assertNever(event);
  }
  return { eventKey, notices, afterHours, unresolved };
}

function assertNever(value: never): never {
  throw new Error(`unexpected escalation event: ${JSON.stringify(value)}`);
}
