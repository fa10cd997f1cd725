import { describe, expect, it } from 'vitest';
import { type EscalationTicket, planEscalation, slaEventKey } from '../../../shared/sla/escalation-plan.ts';
import { isAfterHours } from '../../../shared/sla/is-after-hours.ts';
import { calendar, sh } from './fixtures.ts';

const ticket: EscalationTicket = {
  ticketNo: 'T20260302-0001',
  level: 1,
  assigneeUserId: 'eng-li',
  teamGroupId: 'cid-team-ekp',
  teamLeadUserId: 'lead-wang',
  sortingCentreGroupId: 'cid-sorting',
  customerRef: 'cust-conv-42',
  onCall: [{ name: '张工', phone: '029-88886666', email: 'zhang@example.com' }],
};

/** "role kind:ref channel template" per notice, for compact expectations. */
const summary = (plan: ReturnType<typeof planEscalation>) =>
  plan.notices.map((n) => `${n.role} ${n.kind}:${n.ref} ${n.channel} ${n.template}`);

describe('isAfterHours (default calendar)', () => {
  it.each([
    ['2026-03-02 08:59', true], // Mon before opening
    ['2026-03-02 09:00', false],
    ['2026-03-02 12:30', false], // lunch break inside the day: not after hours
    ['2026-03-02 17:59', false],
    ['2026-03-02 18:00', true], // period end is outside
    ['2026-03-06 19:00', true], // Fri evening
    ['2026-03-07 10:00', true], // Sat
    ['2026-02-14 10:00', false], // make-up Saturday 14 Feb is a working day
    ['2026-02-18 10:00', true], // Spring Festival holiday (Wed)
    ['2026-10-01 10:00', true], // National Day
    ['2026-10-10 10:00', false], // National Day make-up Saturday
  ])('%s → %s', (at, expected) => {
    expect(isAfterHours(calendar, sh(at))).toBe(expected);
  });
});

describe('planEscalation', () => {
  it('at risk → assignee by work notice and the team group', () => {
    const at = sh('2026-03-02 10:45');
    const plan = planEscalation({ event: { kind: 'atRisk', target: 'firstResponse', at }, ticket, calendar });
    expect(plan.eventKey).toBe('sla:T20260302-0001:firstResponse:atRisk:2026-03-02T02:45:00.000Z');
    expect(summary(plan)).toEqual([
      'assignee user:eng-li workNotice sla.atRisk',
      'teamGroup group:cid-team-ekp groupMessage sla.atRisk',
    ]);
    expect(plan.unresolved).toEqual([]);
  });

  it('at risk without assignee and team (still in triage) → the sorting centre group', () => {
    const { ticketNo, level, sortingCentreGroupId } = ticket;
    const plan = planEscalation({
      event: { kind: 'atRisk', target: 'firstResponse', at: sh('2026-03-02 10:45') },
      ticket: { ticketNo, level, sortingCentreGroupId },
      calendar,
    });
    expect(summary(plan)).toEqual(['sortingCentre group:cid-sorting groupMessage sla.atRisk']);
    expect(plan.unresolved).toEqual(['assignee', 'teamGroup']);
  });

  it('breach → team lead and sorting centre, each with the ticket card', () => {
    const plan = planEscalation({
      event: { kind: 'breach', target: 'resolution', at: sh('2026-03-03 18:00') },
      ticket,
      calendar,
    });
    expect(plan.eventKey).toBe('sla:T20260302-0001:resolution:breach:2026-03-03T10:00:00.000Z');
    expect(summary(plan)).toEqual([
      'teamLead user:lead-wang card sla.breach',
      'sortingCentre group:cid-sorting card sla.breach',
    ]);
  });

  it('level 1 created in working hours → 技术协调会 notice to team lead and branch, nothing after-hours', () => {
    const plan = planEscalation({ event: { kind: 'created', at: sh('2026-03-02 10:00') }, ticket, calendar });
    expect(plan.afterHours).toBe(false);
    expect(summary(plan)).toEqual([
      'teamLead user:lead-wang workNotice sla.coordination',
      'branch roster:西安分公司 workNotice sla.coordination',
    ]);
  });

  it('level 1 created Friday 19:00 → coordination plus the on-call roster and the customer told who is on call', () => {
    const plan = planEscalation({
      event: { kind: 'created', at: sh('2026-03-06 19:00') },
      ticket: { ...ticket, branch: '成都分公司' },
      calendar,
    });
    expect(plan.afterHours).toBe(true);
    expect(summary(plan)).toEqual([
      'teamLead user:lead-wang workNotice sla.coordination',
      'branch roster:成都分公司 workNotice sla.coordination',
      'branch roster:成都分公司 workNotice sla.afterHours.onCall',
      'branch roster:成都分公司 groupMessage sla.afterHours.onCall',
      'customer customer:cust-conv-42 chat sla.afterHours.customer',
    ]);
    expect(plan.notices.at(-1)?.onCall).toEqual(ticket.onCall);
  });

  it.each([
    // level, created at, after hours, templates
    [2, '2026-02-18 10:00', true], // Spring Festival holiday
    [2, '2026-02-14 10:00', false], // make-up Saturday: a working day
    [2, '2026-03-02 12:30', false], // lunch break: not after hours
    [2, '2026-03-02 07:30', true], // before opening
    [3, '2026-03-07 10:00', true], // Saturday, but level 3 waits for Monday
  ] as const)('level %i created %s: after hours %s', (level, at, afterHours) => {
    const plan = planEscalation({
      event: { kind: 'created', at: sh(at) },
      ticket: { ...ticket, level },
      calendar,
    });
    expect(plan.afterHours).toBe(afterHours);
    const onCall = plan.notices.filter((n) => n.template.startsWith('sla.afterHours'));
    expect(onCall.length).toBe(afterHours && level <= 2 ? 3 : 0);
    expect(plan.notices.some((n) => n.template === 'sla.coordination')).toBe(false);
  });

  it('after hours without the customer’s conversation or on-call contacts: reported as unresolved', () => {
    const { customerRef: _c, onCall: _o, ...rest } = ticket;
    const plan = planEscalation({
      event: { kind: 'created', at: sh('2026-03-07 10:00') },
      ticket: { ...rest, level: 2 },
      calendar,
    });
    expect(summary(plan)).toEqual([
      'branch roster:西安分公司 workNotice sla.afterHours.onCall',
      'branch roster:西安分公司 groupMessage sla.afterHours.onCall',
    ]);
    expect(plan.unresolved).toEqual(['customer', 'onCallContacts']);
  });

  it('level 1 without a team lead yet → the sorting centre convenes, the branch is told', () => {
    const { teamLeadUserId: _t, ...rest } = ticket;
    const plan = planEscalation({
      event: { kind: 'created', at: sh('2026-03-02 10:00') },
      ticket: rest,
      calendar,
    });
    expect(summary(plan)).toEqual([
      'branch roster:西安分公司 workNotice sla.coordination',
      'sortingCentre group:cid-sorting groupMessage sla.coordination',
    ]);
    expect(plan.unresolved).toEqual(['teamLead']);
  });

  it.each([
    // from, to, at, coordination, on-call
    [3, 1, '2026-03-07 10:00', true, true], // raised out of hours from 3 to 1: both
    [2, 1, '2026-03-07 10:00', true, false], // 2 → 1: on-call already called at level 2
    [4, 2, '2026-03-07 10:00', false, true], // 4 → 2 out of hours: on-call only
    [3, 1, '2026-03-02 10:00', true, false], // in working hours: coordination only
    [4, 3, '2026-03-07 10:00', false, false],
  ] as const)('level raised %i → %i at %s', (from, to, at, coordination, onCall) => {
    const plan = planEscalation({
      event: { kind: 'levelRaised', at: sh(at), from },
      ticket: { ...ticket, level: to },
      calendar,
    });
    expect(plan.notices.some((n) => n.template === 'sla.coordination')).toBe(coordination);
    expect(plan.notices.some((n) => n.template === 'sla.afterHours.onCall')).toBe(onCall);
    expect(plan.eventKey).toBe(`sla:T20260302-0001:raised:${sh(at).toISOString()}`);
  });

  it('dedupe keys: stable across calls, unique per notice, new only when the event changes', () => {
    const event = { kind: 'created', at: sh('2026-03-06 19:00') } as const;
    const a = planEscalation({ event, ticket, calendar });
    const b = planEscalation({ event, ticket, calendar });
    expect(a.notices.map((n) => n.key)).toEqual(b.notices.map((n) => n.key));
    expect(new Set(a.notices.map((n) => n.key)).size).toBe(a.notices.length);
    expect(a.notices[0]?.key).toBe(
      'sla:T20260302-0001:created:2026-03-06T11:00:00.000Z:sla.coordination:user:workNotice:lead-wang',
    );
    const breach = (at: string) => slaEventKey('T1', { kind: 'breach', target: 'firstResponse', at: sh(at) });
    expect(breach('2026-03-02 11:00')).toBe(breach('2026-03-02 11:00'));
    expect(breach('2026-03-02 11:00')).not.toBe(breach('2026-03-02 11:30'));
  });
});
