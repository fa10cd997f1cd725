import type { ResponseLevel } from '../../shared/catalog.ts';
import { DomainError } from '../../shared/errors.ts';
import { checkEntitlement, shanghaiDate } from '../../shared/schemas/entitlement.ts';
import { findTicketNo } from '../../shared/ticket/number.ts';
import type { Db } from '../db/mongo.ts';
import type { DirectoryCache } from '../directory/directory-cache.ts';
import type { Notice } from '../notifications/outbox.ts';
import { handlingOf, triageFor } from '../routing/triage-service.ts';
import type { SlaService } from '../sla/sla-service.ts';
import { cardId, ticketCardParams } from './lifecycle-effects.ts';
import type { Channel, Ticket } from './ticket-model.ts';
import { fileTicket, getTicketFor } from './ticket-service.ts';

/**
 * A new ticket from any channel (chat, mini-app, later hotline and email),
 * under the same rules: entitlement (outside a service period: filed, no
 * commitment, told so), the sorting centre's suggestion, SLA clocks, the
 * new-ticket card, level-1 and after-hours notices. Idempotent per source
 * key: a repeated request answers what the first one did.
 */
export interface IntakeDeps {
  db: Db;
  directory: DirectoryCache;
  sla: SlaService;
  notify: (items: Array<{ key: string; notice: Notice }>) => Promise<void>;
  settings: { ticketPrefix: string; productLines: readonly string[]; cardTemplateId: string };
}

export interface IntakeInput {
  contactUserId: string;
  productLine: string;
  level: ResponseLevel;
  description: string;
  channel: Channel;
  sourceKey: string;
  conversationId?: string;
  now: Date;
}

export class IntakeService {
  constructor(private readonly deps: IntakeDeps) {}

  async file(input: IntakeInput): Promise<{ ticket: Ticket; promise: string }> {
    const { deps } = this;
    const { now } = input;
    const who = await deps.directory.whoIs(input.contactUserId);
    if (who.kind !== 'contact') throw new DomainError('forbidden', '只有已登记的客户联系人可以提交工单');
    if (!deps.settings.productLines.includes(input.productLine))
      throw new DomainError('validation', `产品线应为 ${deps.settings.productLines.join('、')} 之一`);
    const org = who.organisation;
    const entitlement = checkEntitlement(org.licences, input.productLine, shanghaiDate(now));
    const entitlementNote = entitlement.entitled
      ? undefined
      : entitlement.reason === 'noLicence'
        ? `贵单位没有 ${input.productLine} 产品的有效许可，本工单不在服务协议范围内，我们会尽力协助，但不作响应时限承诺（不计入 SLA）。如需开通服务请联系客户经理。`
        : `贵单位 ${input.productLine} 的服务期${entitlement.lastEndedOn ? `已于 ${entitlement.lastEndedOn} 到期` : '尚未开始'}，本工单无响应时限承诺（不计入 SLA）。如需续约请联系客户经理。`;
    // The sorting centre's suggestion: type, level, team.
    const teams = await deps.directory.listTeams();
    const { info: triage } = await triageFor(deps.db, teams, {
      description: input.description,
      productLine: input.productLine,
      region: org.region,
      productLines: deps.settings.productLines,
    });
    const handling = handlingOf(triage.suggestedType);
    // Only a ticket inside a service period carries a commitment (SPEC: preconditions of service);
    // chargeable customisation is answered but kept out of SLA statistics.
    const sla =
      entitlement.entitled && handling.countsInSla
        ? await deps.sla.start({ tier: org.contractTier, level: input.level, createdAt: now })
        : undefined;
    const { ticket, created } = await fileTicket(
      deps.db,
      {
        orgId: org.id,
        orgName: org.name,
        contact: { userId: who.contact.userId, name: who.contact.name },
        productLine: input.productLine,
        level: input.level,
        description: input.description,
        channel: input.channel,
        entitled: entitlement.entitled,
        ...(entitlementNote ? { entitlementNote } : {}),
        ...(input.conversationId ? { conversationId: input.conversationId } : {}),
        sourceKey: input.sourceKey,
        tier: org.contractTier,
        branch: org.branch,
        ...(sla ? { sla: sla.sla, nextEscalationAt: sla.nextEscalationAt } : {}),
        type: triage.suggestedType,
        triage,
        ...(await this.relatedTicket(input.description, org.id)),
        ...(handling.charge === 'chargeable' ? { chargeable: true } : {}),
      },
      { prefix: deps.settings.ticketPrefix },
      now,
    );
    // Enqueued on every (re)run; the outbox key makes it one notice. The card
    // and the SLA timer are stored side by side, neither waits for the other.
    const sorting = teams.filter((t) => t.kind === 'sorting' && t.groupConversationId);
    const [slaNotices] = await Promise.all([
      deps.sla.afterFiled(ticket, now),
      deps.notify(
        sorting.map((team) => ({
          key: `ticket-created:${ticket._id}:${team.id}`,
          notice: {
            kind: 'card',
            card: {
              outTrackId: cardId(ticket._id, team.id),
              templateId: deps.settings.cardTemplateId,
              params: ticketCardParams(ticket),
              target: { kind: 'group', conversationId: team.groupConversationId! },
            },
          } as const,
        })),
      ),
    ]);
    if (slaNotices.length > 0) await deps.notify(slaNotices);
    // The promise: a new ticket's clocks are the ones just computed; a re-run
    // computes them from the stored ticket, so it answers what the first run promised.
    const clocks = created && sla ? sla.clocks : await deps.sla.clocksOf(ticket, new Date(ticket.createdAt));
    const promise = clocks ? deps.sla.promiseFor(ticket, clocks) : '';
    // Suggestions go to the product centre's review; change requests are chargeable: the customer is told.
    const notice = handling.customerNotice?.zh;
    return { ticket, promise: notice ? (promise ? `${promise}。${notice}` : notice) : promise };
  }

  /** "关联 SD-2026-000123" in a description links the new ticket to that ticket of the same organisation. */
  private async relatedTicket(description: string, orgId: string) {
    const m = /关联\s*([A-Za-z]{1,6}-\d{4}-\d{1,9})/.exec(description);
    const no = m ? findTicketNo(m[1]!) : undefined;
    if (!no) return {};
    const t = await getTicketFor(this.deps.db, no, { kind: 'contact', orgId }).catch(() => undefined);
    return t ? { relatedTo: t._id } : {};
  }
}
