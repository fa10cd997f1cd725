import { describe, expect, it } from 'vitest';
import {
  type TicketType,
  ticketTypeHandling,
  ticketTypeNames,
  ticketTypes,
} from '../../../shared/routing/ticket-types.ts';

describe('ticket types and their handling (SPEC: response levels, preconditions)', () => {
  it.each<[TicketType, string]>([
    ['fault', '故障'],
    ['consultation', '咨询'],
    ['suggestion', '建议'],
    ['changeRequest', '需求变更'],
    ['complaint', '投诉'],
    ['upgrade', '升级'],
    ['inspection', '巡检'],
    ['training', '培训'],
  ])('%s is called %s', (type, zh) => {
    expect(ticketTypeNames[type].zh).toBe(zh);
    expect(ticketTypeNames[type].en.length).toBeGreaterThan(0);
  });

  it.each<[TicketType, Partial<(typeof ticketTypeHandling)[TicketType]>]>([
    ['suggestion', { defaultLevel: 5, levelFixed: true, destination: 'productCentreReview', charge: 'free' }],
    ['changeRequest', { defaultLevel: 5, levelFixed: true, charge: 'chargeable', countsInSla: false }],
    ['complaint', { destination: 'complaintHandler' }],
    ['training', { charge: 'conditional' }],
    ['fault', { levelFixed: false, destination: 'team', charge: 'free', countsInSla: true }],
  ])('%s is handled as the agreement says', (type, expected) => {
    expect(ticketTypeHandling[type]).toMatchObject(expected);
  });

  it('tells the customer that a change request is chargeable customisation', () => {
    expect(ticketTypeHandling.changeRequest.customerNotice?.zh).toContain('收费定制');
    expect(ticketTypeHandling.suggestion.customerNotice?.zh).toContain('产品中心评审');
  });

  it('keeps every chargeable type out of SLA statistics and only level-5 types fixed', () => {
    for (const type of ticketTypes) {
      const handling = ticketTypeHandling[type];
      if (handling.charge === 'chargeable') expect(handling.countsInSla, type).toBe(false);
      expect(handling.levelFixed, type).toBe(handling.defaultLevel === 5);
    }
  });
});
