/**
 * The targets an SLA clock measures, in display order.
 * - firstResponse: the first reply by vendor staff that the customer can see (bot acknowledgements
 *   do not count); working minutes from creation.
 * - nextUpdate: the next such reply, counted from the previous one (optional per level).
 * - resolution: closure (optional per level).
 * - onSite: level 1 only, an engineer on site within 48 calendar hours once remote work failed.
 */
export const slaTargets = ['firstResponse', 'nextUpdate', 'resolution', 'onSite'] as const;
export type SlaTarget = (typeof slaTargets)[number];

export const slaTargetNames: Record<SlaTarget, { zh: string; en: string }> = {
  firstResponse: { zh: '首次响应', en: 'First response' },
  nextUpdate: { zh: '进展更新', en: 'Next update' },
  resolution: { zh: '解决', en: 'Resolution' },
  onSite: { zh: '现场到达', en: 'On-site arrival' },
};
