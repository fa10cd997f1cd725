import mongoose from 'mongoose';
import { isResponseLevel, levelCatalog, type ResponseLevel } from '../../shared/catalog.ts';
import { DomainError } from '../../shared/errors.ts';
import { isOpenStatus, statusNames } from '../../shared/ticket/status.ts';
import {
  type LifecycleWindows,
  type TransferTarget,
  type TransitionActor,
  transitionOrThrow,
} from '../../shared/ticket/transitions.ts';
import { insertBatcher } from '../db/insert-batcher.ts';
import { type Db, model } from '../db/mongo.ts';
import { findStaff, listTeams } from '../directory/directory-service.ts';
import type { Logger } from '../log.ts';
import type { Notice } from '../notifications/outbox.ts';
import type { SlaService } from '../sla/sla-service.ts';
import { type Channel, type Ticket, type TimelineEntry, ticketModel } from './ticket-model.ts';

/**
 * Everything that happens to a ticket after it is filed — status changes
 * through the transition table, replies, customer messages, remote
 * sessions, level changes, ratings — as one ordered event log per ticket.
 *
 * Why a log: FerretDB v1 does not isolate updates (two engineers tapping
 * 接单 at once could both "win" a conditional update), but it does make an
 * insert with a given `_id` exclusive. Event n of a ticket is the document
 * `<ticketNo>#<n>`: whoever inserts it decided from state n−1, so decisions
 * are serialised; the loser reads the winner's event and decides again from
 * the new state. The ticket document is a projection of the log (its
 * `version` says how far); readers that decide fold any newer events in.
 */
export interface TicketEvent {
  _id: string;
  ticketId: string;
  n: number;
  at: Date;
  entry: TimelineEntry;
  /** The ticket's fields after this event. */
  set: Partial<Pick<Ticket, ProjectedField>>;
}
type ProjectedField =
  | 'status'
  | 'triagedAt'
  | 'open'
  | 'level'
  | 'teamId'
  | 'ownerUserId'
  | 'assigneeUserId'
  | 'solutionProposedAt'
  | 'autoClosedAt'
  | 'lastCustomerMessageAt'
  | 'csat'
  | 'sla';

const eventSchema = new mongoose.Schema<TicketEvent>(
  {
    _id: String,
    ticketId: String,
    n: Number,
    at: Date,
    entry: mongoose.Schema.Types.Mixed,
    set: mongoose.Schema.Types.Mixed,
  },
  { versionKey: false, minimize: false },
);

export function ticketEventModel(db: Db) {
  return model<TicketEvent>(db, 'TicketEvent', eventSchema);
}

export type LifecycleActor = TransitionActor;

export interface LifecycleDeps {
  db: Db;
  sla: SlaService;
  notify: (items: Array<{ key: string; notice: Notice }>) => Promise<void>;
  logger: Logger;
  windows?: Partial<LifecycleWindows>;
  /** Told after every recorded event (card refresh, owner notice, timers). */
  onEvent?: (ticket: Ticket, event: TicketEvent) => Promise<void>;
}

/** What a change does to the state, decided from the current state (may throw a DomainError). */
type Change = (ticket: Ticket) => { entry: TimelineEntry; set: TicketEvent['set'] };

export class LifecycleService {
  constructor(private readonly deps: LifecycleDeps) {}

  /** The ticket with every recorded event applied. */
  async load(ticketNo: string): Promise<Ticket> {
    const doc = (await ticketModel(this.deps.db).findById(ticketNo).lean()) as Ticket | null;
    if (!doc) throw new DomainError('notFound', `工单 ${ticketNo} 不存在`, { details: { ticketNo } });
    return this.foldNewer(doc);
  }

  private async foldNewer(doc: Ticket): Promise<Ticket> {
    let ticket = doc;
    for (let n = (doc.version ?? 0) + 1; ; n++) {
      const event = (await ticketEventModel(this.deps.db)
        .findById(`${doc._id}#${n}`)
        .lean()) as TicketEvent | null;
      if (!event) return ticket;
      ticket = apply(ticket, event);
    }
  }

  /** A lifecycle action (接单, 转派, 已解决, …) by a person or the system. */
  async act(input: {
    ticketNo: string;
    action: string;
    actor: LifecycleActor;
    channel: Channel | 'system';
    now: Date;
    reason?: string;
    target?: TransferTarget;
  }): Promise<Ticket> {
    return this.record(input.ticketNo, input.now, (ticket) => {
      const decision = transitionOrThrow({
        status: ticket.status,
        action: input.action,
        actor: input.actor,
        channel: input.channel,
        now: input.now,
        ...(input.reason ? { reason: input.reason } : {}),
        ...(input.target ? { target: input.target } : {}),
        ...(ticket.solutionProposedAt ? { solutionProposedAt: new Date(ticket.solutionProposedAt) } : {}),
        ...(ticket.lastCustomerMessageAt
          ? { lastCustomerMessageAt: new Date(ticket.lastCustomerMessageAt) }
          : {}),
        ...(ticket.autoClosedAt ? { autoClosedAt: new Date(ticket.autoClosedAt) } : {}),
        ...(this.deps.windows ? { windows: this.deps.windows } : {}),
      });
      const set: TicketEvent['set'] = { status: decision.to, open: isOpenStatus(decision.to) };
      const actorId = input.actor.kind === 'system' ? undefined : input.actor.userId;
      for (const effect of decision.rule.effects) {
        if (effect === 'assignTarget' && input.target) {
          if (input.target.kind === 'team') {
            set.teamId = input.target.id;
            set.assigneeUserId = '';
          } else set.assigneeUserId = input.target.id;
        }
        if (effect === 'assignActor' && actorId) set.assigneeUserId = actorId;
        if (effect === 'ownIfUnowned' && actorId && !ticket.ownerUserId) set.ownerUserId = actorId;
        if (effect === 'assignOwner' && ticket.ownerUserId) set.assigneeUserId = ticket.ownerUserId;
      }
      if (ticket.status === 'triage' && decision.to !== 'triage') set.triagedAt = input.now;
      if (decision.to === 'solutionProposed') set.solutionProposedAt = input.now;
      if (decision.to === 'autoClosed') set.autoClosedAt = input.now;
      if (input.actor.kind === 'customer') set.lastCustomerMessageAt = input.now;
      if ((decision.to === 'closed' || decision.to === 'autoClosed') && ticket.sla)
        set.sla = { ...ticket.sla, resolvedAt: input.now };
      if (decision.to === 'reopened' && ticket.sla) {
        const { resolvedAt: _resolved, ...rest } = ticket.sla;
        set.sla = rest;
      }
      return {
        entry: {
          at: input.now,
          kind: 'status',
          by: actorOf(input.actor),
          channel: input.channel,
          from: ticket.status,
          to: decision.to,
          action: decision.entry.action,
          ...(input.reason ? { reason: input.reason } : {}),
          ...(input.target ? { target: input.target } : {}),
          ...ownership(ticket, set),
        },
        set,
      };
    });
  }

  /**
   * A reply by vendor staff that the customer sees: the first one is the SLA's
   * first response; every one is an update (next-update clock). The person
   * who answers an unowned ticket becomes its owner (首问负责制).
   */
  async reply(
    ticketNo: string,
    by: LifecycleActor & { kind: 'staff' },
    text: string,
    channel: Channel,
    now: Date,
  ) {
    return this.record(ticketNo, now, (ticket) => {
      if (!isOpenStatus(ticket.status))
        throw new DomainError(
          'invalidTransition',
          `工单 ${ticketNo} 已${statusNames[ticket.status].zh}，不能再回复`,
        );
      const set: TicketEvent['set'] = {};
      if (!ticket.ownerUserId) set.ownerUserId = by.userId;
      if (ticket.sla) set.sla = withVendorResponse(ticket.sla, now);
      return {
        entry: { at: now, kind: 'reply', by: actorOf(by), channel, text, ...ownership(ticket, set) },
        set,
      };
    });
  }

  /** 远程服务 recorded against the ticket (phone, video, remote control) with its duration; counts as a response. */
  async remoteSession(
    ticketNo: string,
    by: LifecycleActor & { kind: 'staff' },
    session: { mode: 'phone' | 'video' | 'remoteControl'; minutes: number; note?: string },
    channel: Channel,
    now: Date,
  ) {
    const modeName = { phone: '电话', video: '视频', remoteControl: '远程控制' }[session.mode];
    return this.record(ticketNo, now, (ticket) => {
      const set: TicketEvent['set'] = {};
      if (!ticket.ownerUserId) set.ownerUserId = by.userId;
      if (ticket.sla) set.sla = withVendorResponse(ticket.sla, now);
      return {
        entry: {
          at: now,
          kind: 'remoteSession',
          by: actorOf(by),
          channel,
          text: `${modeName} ${session.minutes} 分钟${session.note ? `：${session.note}` : ''}`,
          data: { ...session },
          ...ownership(ticket, set),
        },
        set,
      };
    });
  }

  /** Level 1: remote work cannot fix it → the 48-hour on-site promise starts; later, the engineer arrives. */
  async onSite(
    ticketNo: string,
    by: LifecycleActor & { kind: 'staff' },
    what: 'required' | 'arrived',
    channel: Channel,
    now: Date,
  ) {
    return this.record(ticketNo, now, (ticket) => {
      if (!ticket.sla) throw new DomainError('validation', '该工单不在服务期内，没有现场服务时限');
      if (what === 'required' && ticket.level !== 1)
        throw new DomainError('validation', '现场到达时限只适用于一级问题');
      if (what === 'arrived' && !ticket.sla.onSite)
        throw new DomainError('validation', '尚未登记需要现场服务（先发送“现场 <工单号> 需要”）');
      const onSite =
        what === 'required'
          ? { requiredAt: now }
          : { requiredAt: new Date(ticket.sla.onSite!.requiredAt), arrivedAt: now };
      return {
        entry: {
          at: now,
          kind: 'onSite',
          by: actorOf(by),
          channel,
          text: what === 'required' ? '远程无法解决，需要现场服务（48 小时内到达）' : '工程师已到达现场',
        },
        set: { sla: { ...ticket.sla, onSite } },
      };
    });
  }

  /** 升级/降级: a new level; the SLA clocks are recomputed from the history with it. */
  async changeLevel(
    ticketNo: string,
    by: LifecycleActor & { kind: 'staff' },
    level: number,
    channel: Channel,
    now: Date,
  ) {
    if (!isResponseLevel(level)) throw new DomainError('validation', '响应级别应为 1–5');
    return this.record(ticketNo, now, (ticket) => {
      if (ticket.level === level)
        throw new DomainError('conflict', `工单 ${ticketNo} 已是${levelCatalog[level].nameZh}`);
      return {
        entry: {
          at: now,
          kind: 'levelChange',
          by: actorOf(by),
          channel,
          text: `${levelCatalog[ticket.level].nameZh} → ${levelCatalog[level].nameZh}`,
          data: { from: ticket.level, to: level },
        },
        set: { level: level as ResponseLevel },
      };
    });
  }

  /** A message from the customer about the ticket (kept, relayed by the caller). */
  async customerMessage(
    ticketNo: string,
    by: LifecycleActor & { kind: 'customer' },
    text: string,
    channel: Channel,
    now: Date,
    /** Pictures and files (DingTalk download codes), kept with the ticket. */
    attachments: Array<{ kind: string; downloadCode: string; fileName?: string }> = [],
  ) {
    return this.record(ticketNo, now, () => ({
      entry: {
        at: now,
        kind: 'customerMessage',
        by: actorOf(by),
        channel,
        text,
        ...(attachments.length > 0 ? { data: { attachments } } : {}),
      },
      set: { lastCustomerMessageAt: now },
    }));
  }

  async rate(
    ticketNo: string,
    by: LifecycleActor & { kind: 'customer' },
    rating: number,
    comment: string | undefined,
    now: Date,
  ) {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5)
      throw new DomainError('validation', '评分应为 1–5 的整数');
    return this.record(ticketNo, now, (ticket) => {
      if (ticket.status !== 'closed' && ticket.status !== 'autoClosed' && ticket.status !== 'ended')
        throw new DomainError('invalidTransition', '工单关闭后才能评价');
      return {
        entry: {
          at: now,
          kind: 'csat',
          by: actorOf(by),
          channel: 'dingtalk',
          text: `${rating} 分${comment ? `：${comment}` : ''}`,
        },
        set: { csat: { rating, ...(comment ? { comment } : {}), at: now } },
      };
    });
  }

  /**
   * Appends one event decided from the current state: claims `<no>#<n>` by
   * insert, retrying from the newer state when another process got there
   * first; then moves the projection and lets the SLA engine re-evaluate.
   */
  private async record(ticketNo: string, now: Date, change: Change): Promise<Ticket> {
    const Events = ticketEventModel(this.deps.db);
    let ticket = await this.load(ticketNo);
    for (let attempt = 0; attempt < 50; attempt++) {
      const { entry, set } = change(ticket);
      const n = (ticket.version ?? 0) + 1;
      const event: TicketEvent = { _id: `${ticketNo}#${n}`, ticketId: ticketNo, n, at: now, entry, set };
      if ((await insertBatcher<TicketEvent>(Events).insert(event)) === 'duplicate') {
        ticket = await this.foldNewer(ticket);
        continue;
      }
      const after = apply(ticket, event);
      await this.project(after, event);
      const raised =
        entry.kind === 'levelChange' && Number(entry.data?.to) < Number(entry.data?.from)
          ? [{ kind: 'levelRaised' as const, at: now, from: Number(entry.data?.from) as ResponseLevel }]
          : [];
      await this.deps.sla
        .evaluate(ticketNo, now, raised)
        .catch((err: unknown) =>
          this.deps.logger.error({ err, ticketNo }, 'SLA re-evaluation failed (the sweep will retry)'),
        );
      if (this.deps.onEvent) await this.deps.onEvent(after, event);
      return after;
    }
    throw new DomainError('conflict', `工单 ${ticketNo} 正被频繁修改，请稍后再试`);
  }

  /** Moves the stored ticket to the event (only forward). */
  private async project(after: Ticket, event: TicketEvent): Promise<void> {
    const Tickets = ticketModel(this.deps.db);
    const $set: Record<string, unknown> = { ...event.set, version: event.n, updatedAt: event.at };
    for (const [k, v] of Object.entries($set)) if (v === '') delete $set[k];
    const $unset: Record<string, ''> = {};
    for (const [k, v] of Object.entries(event.set)) if (v === '') $unset[k] = '';
    const res = await Tickets.updateOne(
      // Tickets filed before the event log carried no version: treat it as 0.
      event.n === 1
        ? { _id: after._id, $or: [{ version: 0 }, { version: { $exists: false } }] }
        : { _id: after._id, version: event.n - 1 },
      { $set, ...(Object.keys($unset).length ? { $unset } : {}), $push: { timeline: event.entry } },
    );
    if (res.matchedCount === 0) {
      // Another event's projection is ahead or behind: write the folded state whole.
      const fresh = await this.load(after._id);
      const { _id, ...rest } = fresh;
      await Tickets.replaceOne(
        { _id, $or: [{ version: { $lt: fresh.version ?? 0 } }, { version: { $exists: false } }] },
        rest,
      );
    }
  }
}

function apply(ticket: Ticket, event: TicketEvent): Ticket {
  const next: Ticket = {
    ...ticket,
    version: event.n,
    updatedAt: event.at,
    timeline: [...ticket.timeline, event.entry],
  };
  for (const [k, v] of Object.entries(event.set)) {
    if (v === '') delete (next as unknown as Record<string, unknown>)[k];
    else (next as unknown as Record<string, unknown>)[k] = v;
  }
  return next;
}

function actorOf(actor: LifecycleActor): TimelineEntry['by'] {
  if (actor.kind === 'system') return { kind: 'system', name: actor.name };
  return { kind: actor.kind, userId: actor.userId, name: actor.name };
}

function ownership(
  ticket: Ticket,
  set: TicketEvent['set'],
): Pick<TimelineEntry, 'ownerUserId' | 'assigneeUserId'> {
  const owner = set.ownerUserId ?? ticket.ownerUserId;
  const assignee = set.assigneeUserId === '' ? undefined : (set.assigneeUserId ?? ticket.assigneeUserId);
  return { ...(owner ? { ownerUserId: owner } : {}), ...(assignee ? { assigneeUserId: assignee } : {}) };
}

function withVendorResponse(sla: NonNullable<Ticket['sla']>, now: Date): NonNullable<Ticket['sla']> {
  return {
    ...sla,
    firstResponseAt: sla.firstResponseAt ?? now,
    vendorUpdates: [...(sla.vendorUpdates ?? []), now],
  };
}

/** A staff actor from the directory (for commands and card taps). */
export async function staffActor(
  db: Db,
  userId: string,
): Promise<(LifecycleActor & { kind: 'staff' }) | null> {
  const staff = await findStaff(db, userId);
  if (!staff?.active) return null;
  return { kind: 'staff', userId: staff.userId, name: staff.name, roles: staff.roles };
}

/** A transfer or dispatch target named in chat or on a card: a team (id or name), else an active staff member. */
export async function resolveTransferTarget(db: Db, ref: string): Promise<TransferTarget | undefined> {
  if (!ref) return undefined;
  const team = (await listTeams(db)).find((t) => t.id === ref || t.name === ref);
  if (team) return { kind: 'team', id: team.id, name: team.name };
  const staff = await staffActor(db, ref);
  return staff ? { kind: 'person', id: staff.userId, name: staff.name } : undefined;
}
