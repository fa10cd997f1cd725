import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/errors.ts';
import type { StaffRole } from '../../../shared/schemas/directory-import.ts';
import { statusNames, type TicketStatus, ticketStatuses } from '../../../shared/ticket/status.ts';
import {
  type ActorClass,
  actionNames,
  addShanghaiMonths,
  allowedActions,
  autoCloseDueAt,
  autoCloseReminderAt,
  decideTransition,
  finalCloseDueAt,
  type GuardFacts,
  initialTicketStatus,
  reopenWindowEndsAt,
  type TransitionAction,
  type TransitionActor,
  type TransitionInput,
  type TransitionRule,
  ticketTransitions,
  transitionActions,
  transitionOrThrow,
} from '../../../shared/ticket/transitions.ts';

// Instants are written as Asia/Shanghai wall-clock time; the process runs in UTC (vitest env).
function sh(local: string): Date {
  const [date, time = '00:00'] = local.split(' ');
  const at = new Date(`${date}T${time.length === 5 ? `${time}:00` : time}+08:00`);
  if (Number.isNaN(at.getTime())) throw new Error(`bad test instant: ${local}`);
  return at;
}
function fmt(at: Date): string {
  const iso = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

const customer: TransitionActor = { kind: 'customer', userId: 'cust-xa-01', name: '张伟' };
const system: TransitionActor = { kind: 'system', name: '自动关闭任务' };
const staff = (...roles: StaffRole[]): TransitionActor => ({
  kind: 'staff',
  userId: `u-${roles.join('-')}`,
  name: `员工 ${roles.join('/')}`,
  roles,
});
const engineer = staff('engineer');
const dispatcher = staff('dispatcher');

const actorOf: Record<ActorClass, TransitionActor> = {
  customer,
  system,
  engineer,
  dispatcher,
  teamLead: staff('teamLead'),
  productCentre: staff('productCentre'),
  admin: staff('admin'),
};
const actorClasses = Object.keys(actorOf) as ActorClass[];

/** Facts under which each guard passes (so the exhaustive sweep tests status and actor only). */
function passingFacts(rule: TransitionRule): GuardFacts {
  switch (rule.guard) {
    case 'autoCloseDue': // 01-10 09:00 + 1 month = 02-10 09:00
      return { now: sh('2026-02-10 09:00'), solutionProposedAt: sh('2026-01-10 09:00') };
    case 'withinReopenWindow': // window open until 03-10 09:00
      return { now: sh('2026-03-10 08:59'), autoClosedAt: sh('2026-02-10 09:00') };
    case 'reopenWindowOver':
      return { now: sh('2026-03-10 09:00'), autoClosedAt: sh('2026-02-10 09:00') };
    default:
      return { now: sh('2026-03-02 10:00') };
  }
}

function inputFor(status: TicketStatus, action: string, actor: TransitionActor, rule?: TransitionRule) {
  return {
    ...(rule ? passingFacts(rule) : { now: sh('2026-03-02 10:00') }),
    status,
    action,
    actor,
    channel: 'dingtalk',
    reason: '测试原因',
    target: { kind: 'team', id: 'support-ekp', name: 'EKP 支持组' },
  } satisfies TransitionInput;
}

describe('the transition table', () => {
  // The agreement's flow, written out: the table must say exactly this.
  it('is the lifecycle of issue 5', () => {
    expect(ticketTransitions.map((r) => [r.from, r.action, r.to])).toEqual([
      ['triage', 'dispatch', 'assigned'],
      ['assigned', 'claim', 'inProgress'],
      ['assigned', 'transfer', 'assigned'],
      ['inProgress', 'transfer', 'assigned'],
      ['inProgress', 'askCustomer', 'waitingCustomer'],
      ['inProgress', 'proposeSolution', 'solutionProposed'],
      ['waitingCustomer', 'customerReplied', 'inProgress'],
      ['waitingCustomer', 'transfer', 'waitingCustomer'],
      ['solutionProposed', 'customerConfirmed', 'closed'],
      ['solutionProposed', 'customerRejected', 'inProgress'],
      ['solutionProposed', 'transfer', 'solutionProposed'],
      ['solutionProposed', 'autoClose', 'autoClosed'],
      ['autoClosed', 'reopen', 'reopened'],
      ['autoClosed', 'finalClose', 'ended'],
      ['reopened', 'startWork', 'inProgress'],
      ['reopened', 'transfer', 'assigned'],
    ]);
  });

  it('has one row per (status, action)', () => {
    const keys = ticketTransitions.map((r) => `${r.from}:${r.action}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses every status and every action', () => {
    const touched = new Set(ticketTransitions.flatMap((r) => [r.from, r.to]));
    expect(ticketStatuses.filter((s) => !touched.has(s))).toEqual([]);
    expect(transitionActions.filter((a) => !ticketTransitions.some((r) => r.action === a))).toEqual([]);
  });

  it('reaches every status from triage, and an end (closed or ended) from every status', () => {
    const reach = (start: TicketStatus, next: (s: TicketStatus) => TicketStatus[]) => {
      const seen = new Set<TicketStatus>([start]);
      const queue = [start];
      for (let s = queue.shift(); s; s = queue.shift()) {
        for (const n of next(s)) {
          if (!seen.has(n)) {
            seen.add(n);
            queue.push(n);
          }
        }
      }
      return seen;
    };
    const forward = (s: TicketStatus) => ticketTransitions.filter((r) => r.from === s).map((r) => r.to);
    expect([...reach(initialTicketStatus, forward)].sort()).toEqual([...ticketStatuses].sort());
    for (const status of ticketStatuses) {
      const ends = [...reach(status, forward)].filter((s) => s === 'closed' || s === 'ended');
      expect(ends.length, `${status} can reach an end`).toBeGreaterThan(0);
    }
  });

  it.each<[what: string, action: TransitionAction, actors: ActorClass[]]>([
    [
      'only the customer confirms (closes only when the customer confirms)',
      'customerConfirmed',
      ['customer'],
    ],
    ['only the customer rejects a solution', 'customerRejected', ['customer']],
    ['only the system auto-closes', 'autoClose', ['system']],
    ['only the system ends', 'finalClose', ['system']],
    [
      'the customer or working staff reopen',
      'reopen',
      ['customer', 'engineer', 'teamLead', 'productCentre', 'admin'],
    ],
    ['the sorting centre, team leads and admins dispatch', 'dispatch', ['dispatcher', 'teamLead', 'admin']],
  ])('%s', (_what, action, actors) => {
    for (const rule of ticketTransitions.filter((r) => r.action === action)) {
      expect([...rule.actors].sort()).toEqual([...actors].sort());
    }
  });

  it('never makes a transfer change the owner (首问负责制), and a reopen goes back to the owner', () => {
    for (const rule of ticketTransitions.filter((r) => r.action === 'transfer')) {
      expect(rule.effects).toEqual(['assignTarget']);
      expect(rule.requiresTarget).toBe(true);
    }
    expect(ticketTransitions.find((r) => r.action === 'reopen')?.effects).toContain('assignOwner');
    expect(ticketTransitions.find((r) => r.action === 'claim')?.effects).toContain('ownIfUnowned');
  });

  it.each<[TicketStatus, TicketStatus]>([
    ['assigned', 'assigned'],
    ['inProgress', 'assigned'],
    ['reopened', 'assigned'],
    ['waitingCustomer', 'waitingCustomer'],
    ['solutionProposed', 'solutionProposed'],
  ])('transfer from %s lands in %s', (from, to) => {
    const decision = decideTransition(inputFor(from, 'transfer', engineer));
    expect(decision.ok && decision.to).toBe(to);
  });
});

describe('decideTransition, exhaustively over status × action × actor', () => {
  const cases = ticketStatuses.flatMap((status) =>
    transitionActions.flatMap((action) => actorClasses.map((actorClass) => ({ status, action, actorClass }))),
  );

  it.each(cases)('$status · $action · $actorClass', ({ status, action, actorClass }) => {
    const rule = ticketTransitions.find((r) => r.from === status && r.action === action);
    const decision = decideTransition(inputFor(status, action, actorOf[actorClass], rule));
    if (!rule) {
      expect(decision).toMatchObject({ ok: false, code: 'invalidTransition' });
      if (decision.ok) return;
      expect(decision.reason.zh).toContain(statusNames[status].zh);
      expect(decision.reason.zh).toContain(actionNames[action].zh);
      expect(decision.reason.en).toContain(actionNames[action].en);
    } else if (!rule.actors.includes(actorClass)) {
      expect(decision).toMatchObject({ ok: false, code: 'forbidden' });
      if (decision.ok) return;
      expect(decision.reason.zh).toContain(actionNames[action].zh);
      expect(decision.reason.zh).toMatch(/只能由.+执行/);
    } else {
      expect(decision).toMatchObject({ ok: true, to: rule.to, entry: { from: status, to: rule.to, action } });
    }
  });
});

describe('reasons and targets', () => {
  it.each<[TicketStatus, TransitionAction, string]>([
    ['solutionProposed', 'customerRejected', '请说明未解决的原因'],
    ['inProgress', 'proposeSolution', '请写明解决方案'],
    ['inProgress', 'askCustomer', '请写明需要客户补充的信息'],
  ])('%s · %s needs a reason', (status, action, prompt) => {
    const actor = action === 'customerRejected' ? customer : engineer;
    for (const reason of [undefined, '', '   ']) {
      const decision = decideTransition({ ...inputFor(status, action, actor), reason });
      expect(decision).toMatchObject({ ok: false, code: 'validation' });
      expect(!decision.ok && decision.reason.zh).toContain(prompt);
    }
    const given = decideTransition({ ...inputFor(status, action, actor), reason: '  导出仍然报错  ' });
    expect(given.ok && given.entry.reason).toBe('导出仍然报错');
  });

  it('refuses a reason longer than 2000 characters', () => {
    const decision = decideTransition({
      ...inputFor('solutionProposed', 'customerRejected', customer),
      reason: '太'.repeat(2001),
    });
    expect(decision).toMatchObject({ ok: false, code: 'validation' });
  });

  it.each<[TicketStatus, TransitionAction, TransitionActor]>([
    ['triage', 'dispatch', dispatcher],
    ['inProgress', 'transfer', engineer],
  ])('%s · %s needs a target', (status, action, actor) => {
    const { target: _target, ...withoutTarget } = inputFor(status, action, actor);
    expect(decideTransition(withoutTarget)).toMatchObject({ ok: false, code: 'validation' });
    expect(decideTransition({ ...withoutTarget, target: { kind: 'person', id: ' ' } })).toMatchObject({
      ok: false,
      code: 'validation',
    });
  });

  it('records who, when, channel, reason, target, from, to and action', () => {
    const decision = decideTransition({
      status: 'inProgress',
      action: 'transfer',
      actor: engineer,
      channel: 'dingtalk',
      now: sh('2026-03-02 10:15'),
      reason: '需要 KMS 组协助',
      target: { kind: 'person', id: 'eng-zhao', name: '赵敏' },
    });
    expect(decision).toEqual({
      ok: true,
      to: 'assigned',
      rule: ticketTransitions[3],
      entry: {
        kind: 'status',
        at: sh('2026-03-02 10:15'),
        by: { kind: 'staff', userId: 'u-engineer', name: '员工 engineer' },
        channel: 'dingtalk',
        action: 'transfer',
        from: 'inProgress',
        to: 'assigned',
        reason: '需要 KMS 组协助',
        target: { kind: 'person', id: 'eng-zhao', name: '赵敏' },
      },
    });
  });

  it('leaves reason and target out of the entry when not given or not asked for', () => {
    const decision = decideTransition({
      status: 'solutionProposed',
      action: 'customerConfirmed',
      actor: customer,
      channel: 'dingtalk',
      now: sh('2026-03-02 10:15'),
      target: { kind: 'team', id: 'x' },
    });
    expect(decision.ok && decision.entry).toEqual({
      kind: 'status',
      at: sh('2026-03-02 10:15'),
      by: { kind: 'customer', userId: 'cust-xa-01', name: '张伟' },
      channel: 'dingtalk',
      action: 'customerConfirmed',
      from: 'solutionProposed',
      to: 'closed',
    });
  });
});

describe('bad input', () => {
  it.each<[what: string, patch: Partial<TransitionInput>]>([
    ['an unknown action', { action: 'fly' }],
    ['an unknown status', { status: 'lost' as TicketStatus }],
    ['an invalid clock', { now: new Date(Number.NaN) }],
    ['windows out of range', { windows: { autoCloseMonths: 0 } }],
    ['a fractional window', { windows: { autoCloseMonths: 1.5 } }],
    ['no solution time for autoClose', { solutionProposedAt: undefined }],
    ['an invalid last-reply time', { lastCustomerMessageAt: new Date(Number.NaN) }],
  ])('%s is a validation refusal', (_what, patch) => {
    const rule = ticketTransitions.find((r) => r.action === 'autoClose')!;
    const decision = decideTransition({
      ...inputFor('solutionProposed', 'autoClose', system, rule),
      ...patch,
    });
    expect(decision).toMatchObject({ ok: false, code: 'validation' });
  });

  it('reopen and finalClose need the auto-closure time', () => {
    for (const [action, actor] of [
      ['reopen', customer],
      ['finalClose', system],
    ] as const) {
      const decision = decideTransition({
        ...inputFor('autoClosed', action, actor),
        now: sh('2026-06-01 10:00'),
      });
      expect(decision).toMatchObject({ ok: false, code: 'validation' });
    }
  });
});

describe('calendar months in Asia/Shanghai', () => {
  it.each<[from: string, months: number, expected: string, why: string]>([
    ['2026-01-15 00:00', 1, '2026-02-15 00:00', 'same day next month'],
    ['2026-01-31 10:00', 1, '2026-02-28 10:00', 'clamped to the end of February'],
    ['2026-01-29 10:00', 1, '2026-02-28 10:00', 'also clamped'],
    ['2028-01-31 10:00', 1, '2028-02-29 10:00', 'leap year'],
    ['2026-03-31 23:30', 1, '2026-04-30 23:30', 'clamped to a 30-day month'],
    ['2026-12-31 23:59', 1, '2027-01-31 23:59', 'into the next year (UTC is still 12-31 15:59)'],
    // 03-01 07:00 Shanghai is 02-28 23:00 UTC: counted in UTC it would become 03-29 07:00.
    ['2026-03-01 07:00', 1, '2026-04-01 07:00', 'the Shanghai date counts, not the UTC one'],
    ['2026-01-31 10:00', 2, '2026-03-31 10:00', 'two months at once are clamped only at the end'],
    ['2026-11-30 10:00', 3, '2027-02-28 10:00', 'three months across a year end'],
  ])('%s + %i month(s) = %s (%s)', (from, months, expected) => {
    expect(fmt(addShanghaiMonths(sh(from), months))).toBe(expected);
    expect(fmt(autoCloseDueAt(sh(from), months))).toBe(expected);
    expect(fmt(reopenWindowEndsAt(sh(from), months))).toBe(expected);
    expect(fmt(finalCloseDueAt(sh(from), months))).toBe(expected);
  });

  it('defaults to one month', () => {
    expect(fmt(autoCloseDueAt(sh('2026-01-31 10:00')))).toBe('2026-02-28 10:00');
    expect(fmt(finalCloseDueAt(sh('2026-02-28 10:00')))).toBe('2026-03-28 10:00');
  });

  it.each<[proposed: string, months: number, daysBefore: number, expected: string]>([
    ['2026-01-31 10:00', 1, 7, '2026-02-21 10:00'], // due 02-28 10:00 − 7 days
    ['2026-01-10 09:00', 1, 0, '2026-02-10 09:00'],
    ['2026-01-10 09:00', 2, 7, '2026-03-03 09:00'], // due 03-10 09:00 − 7 days
    ['2026-02-10 09:00', 1, 40, '2026-02-10 09:00'], // never before the solution itself
  ])(
    'reminder for a solution of %s (%i month, %i days before) is at %s',
    (proposed, months, days, expected) => {
      expect(fmt(autoCloseReminderAt(sh(proposed), months, days))).toBe(expected);
    },
  );

  it('uses the default 7-day reminder', () => {
    expect(fmt(autoCloseReminderAt(sh('2026-01-31 10:00')))).toBe('2026-02-21 10:00');
  });

  it.each<[what: string, run: () => unknown]>([
    ['zero months', () => addShanghaiMonths(sh('2026-01-01 00:00'), 0)],
    ['fractional months', () => autoCloseDueAt(sh('2026-01-01 00:00'), 1.5)],
    ['an invalid date', () => reopenWindowEndsAt(new Date('nope'))],
    ['negative reminder days', () => autoCloseReminderAt(sh('2026-01-01 00:00'), 1, -1)],
  ])('refuses %s', (_what, run) => {
    expect(run).toThrow(DomainError);
  });
});

describe('guards at their edges', () => {
  const autoClose = (facts: Omit<GuardFacts, 'now'>, now: string) =>
    decideTransition({
      status: 'solutionProposed',
      action: 'autoClose',
      actor: system,
      channel: 'system',
      ...facts,
      now: sh(now),
    });

  it.each<[what: string, facts: Omit<GuardFacts, 'now'>, now: string, ok: boolean]>([
    // proposed 01-31 10:00 → due 02-28 10:00
    [
      'a second before the clamped due time',
      { solutionProposedAt: sh('2026-01-31 10:00') },
      '2026-02-28 09:59:59',
      false,
    ],
    ['at the due time', { solutionProposedAt: sh('2026-01-31 10:00') }, '2026-02-28 10:00', true],
    // a customer message on 02-20 15:00 restarts the clock: due 03-20 15:00
    [
      'a reply restarts the clock',
      { solutionProposedAt: sh('2026-01-31 10:00'), lastCustomerMessageAt: sh('2026-02-20 15:00') },
      '2026-03-01 10:00',
      false,
    ],
    [
      'a month after the reply',
      { solutionProposedAt: sh('2026-01-31 10:00'), lastCustomerMessageAt: sh('2026-02-20 15:00') },
      '2026-03-20 15:00',
      true,
    ],
    [
      'a message before the solution does not count',
      { solutionProposedAt: sh('2026-01-31 10:00'), lastCustomerMessageAt: sh('2026-01-20 15:00') },
      '2026-02-28 10:00',
      true,
    ],
    [
      'a configured two-month window (due 03-31 10:00)',
      { solutionProposedAt: sh('2026-01-31 10:00'), windows: { autoCloseMonths: 2 } },
      '2026-03-30 10:00',
      false,
    ],
  ])('autoClose: %s', (_what, facts, now, ok) => {
    expect(autoClose(facts, now).ok).toBe(ok);
  });

  it('says from when auto-closure is possible', () => {
    const decision = autoClose({ solutionProposedAt: sh('2026-01-31 10:00') }, '2026-02-27 10:00');
    expect(decision).toMatchObject({ ok: false, code: 'invalidTransition' });
    expect(!decision.ok && decision.reason.zh).toContain('2026-02-28 10:00');
  });

  // auto-closed 02-28 10:00 → reopen window open until 03-28 10:00 (exclusive), then ended
  it.each<[now: string, reopen: boolean, finalClose: boolean]>([
    ['2026-02-28 10:00', true, false],
    ['2026-03-28 09:59:59', true, false],
    ['2026-03-28 10:00', false, true],
    ['2026-05-01 00:00', false, true],
  ])('at %s reopen is %s and finalClose is %s', (now, reopen, finalClose) => {
    const facts = { autoClosedAt: sh('2026-02-28 10:00'), now: sh(now) };
    const base = { status: 'autoClosed', channel: 'dingtalk' } as const;
    expect(decideTransition({ ...base, ...facts, action: 'reopen', actor: customer }).ok).toBe(reopen);
    expect(decideTransition({ ...base, ...facts, action: 'finalClose', actor: system }).ok).toBe(finalClose);
  });

  it('refuses a late reopen clearly and offers a new linked ticket', () => {
    const decision = decideTransition({
      status: 'autoClosed',
      action: 'reopen',
      actor: customer,
      channel: 'dingtalk',
      now: sh('2026-04-30 18:00'),
      autoClosedAt: sh('2026-03-31 18:00'), // window ends 04-30 18:00
    });
    expect(decision).toMatchObject({ ok: false, code: 'invalidTransition', offer: 'newLinkedTicket' });
    expect(!decision.ok && decision.reason.zh).toContain('2026-04-30 18:00');
    expect(!decision.ok && decision.reason.zh).toContain('新建工单');
  });

  it.each<[TicketStatus, string]>([
    ['ended', '超过重新打开期限'],
    ['closed', '已确认解决'],
  ])('refuses reopening a %s ticket and offers a new linked ticket', (status, words) => {
    const decision = decideTransition(inputFor(status, 'reopen', customer));
    expect(decision).toMatchObject({ ok: false, code: 'invalidTransition', offer: 'newLinkedTicket' });
    expect(!decision.ok && decision.reason.zh).toContain(words);
  });
});

describe('allowedActions', () => {
  const proposed = { solutionProposedAt: sh('2026-01-31 10:00') };
  const autoClosed = { autoClosedAt: sh('2026-02-28 10:00') };

  it.each<
    [
      what: string,
      status: TicketStatus,
      actor: TransitionActor,
      facts: GuardFacts | undefined,
      expected: TransitionAction[],
    ]
  >([
    ['triage, dispatcher', 'triage', dispatcher, undefined, ['dispatch']],
    ['triage, engineer', 'triage', engineer, undefined, []],
    ['triage, customer', 'triage', customer, undefined, []],
    ['assigned, engineer: 接单 and 转派 buttons', 'assigned', engineer, undefined, ['claim', 'transfer']],
    ['assigned, dispatcher', 'assigned', dispatcher, undefined, ['transfer']],
    ['engineer who is also a dispatcher', 'triage', staff('engineer', 'dispatcher'), undefined, ['dispatch']],
    [
      'in progress, engineer',
      'inProgress',
      engineer,
      undefined,
      ['transfer', 'askCustomer', 'proposeSolution'],
    ],
    [
      'solution proposed, customer: 已解决 / 未解决',
      'solutionProposed',
      customer,
      undefined,
      ['customerConfirmed', 'customerRejected'],
    ],
    ['solution proposed, system, guard not evaluated', 'solutionProposed', system, undefined, ['autoClose']],
    [
      'solution proposed, system, not yet due',
      'solutionProposed',
      system,
      { now: sh('2026-02-28 09:00'), ...proposed },
      [],
    ],
    [
      'solution proposed, system, due',
      'solutionProposed',
      system,
      { now: sh('2026-02-28 10:00'), ...proposed },
      ['autoClose'],
    ],
    [
      'auto-closed, customer, in the window',
      'autoClosed',
      customer,
      { now: sh('2026-03-01 10:00'), ...autoClosed },
      ['reopen'],
    ],
    [
      'auto-closed, customer, after the window',
      'autoClosed',
      customer,
      { now: sh('2026-03-28 10:00'), ...autoClosed },
      [],
    ],
    [
      'auto-closed, system, after the window',
      'autoClosed',
      system,
      { now: sh('2026-03-28 10:00'), ...autoClosed },
      ['finalClose'],
    ],
    ['closed, anyone', 'closed', staff('admin'), undefined, []],
    ['ended, customer', 'ended', customer, undefined, []],
  ])('%s', (_what, status, actor, facts, expected) => {
    expect(allowedActions(status, actor, facts)).toEqual(expected);
  });
});

describe('transitionOrThrow', () => {
  it('returns the decision when allowed', () => {
    expect(transitionOrThrow(inputFor('assigned', 'claim', engineer)).to).toBe('inProgress');
  });

  it('throws a DomainError with the refusal code and zh message', () => {
    let thrown: unknown;
    try {
      transitionOrThrow(inputFor('closed', 'claim', engineer));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    const err = thrown as DomainError;
    expect(err.code).toBe('invalidTransition');
    expect(err.message).toContain('已关闭');
    expect(err.details).toMatchObject({ status: 'closed', action: 'claim' });
    expect(String(err.details?.reasonEn)).toContain('Claim');
  });

  it('maps an actor refusal to forbidden', () => {
    expect(() => transitionOrThrow(inputFor('assigned', 'claim', customer))).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
  });
});
