/**
 * Ticket types the sorting centre (总部分拣中心) classifies by, and how the agreement handles each
 * (SPEC "Response levels", "Standard product support", "Preconditions of service"). Data only: the
 * triage suggestion, routing and customer notices read it.
 */
import type { ResponseLevel } from '../catalog.ts';

type Bilingual = { zh: string; en: string };

export const ticketTypes = [
  'fault',
  'consultation',
  'suggestion',
  'changeRequest',
  'complaint',
  'upgrade',
  'inspection',
  'training',
] as const;
export type TicketType = (typeof ticketTypes)[number];

export const ticketTypeNames: Record<TicketType, Bilingual> = {
  fault: { zh: '故障', en: 'Fault' },
  consultation: { zh: '咨询', en: 'Consultation' },
  suggestion: { zh: '建议', en: 'Suggestion' },
  changeRequest: { zh: '需求变更', en: 'Change request' },
  complaint: { zh: '投诉', en: 'Complaint' },
  upgrade: { zh: '升级', en: 'Upgrade' },
  inspection: { zh: '巡检', en: 'Inspection' },
  training: { zh: '培训', en: 'Training' },
};

export interface TicketTypeHandling {
  /** Level when the text gives no level keyword; fixed types always use it unless a level is stated. */
  defaultLevel: ResponseLevel;
  /** SPEC: suggestions and change requests are level 5 by definition (非故障情况下). */
  levelFixed: boolean;
  /** Where the sorting centre sends it, before team routing rules apply. */
  destination: 'team' | 'productCentreReview' | 'complaintHandler';
  /** free; chargeable (told to the customer, kept out of SLA statistics); conditional (see note). */
  charge: 'free' | 'chargeable' | 'conditional';
  /** Whether the response target counts in SLA statistics. */
  countsInSla: boolean;
  /** Told to the customer when the type is confirmed, if anything. */
  customerNotice?: Bilingual;
  /** For staff: how the agreement handles it. */
  note: Bilingual;
}

export const ticketTypeHandling: Record<TicketType, TicketTypeHandling> = {
  fault: {
    defaultLevel: 3,
    levelFixed: false,
    destination: 'team',
    charge: 'free',
    countsInSla: true,
    note: {
      zh: '按响应级别处理：一、二级召开技术协调会，必要时现场；三、四级电话指导。',
      en: 'Handled by response level: levels 1–2 get a coordination meeting (on site if needed); 3–4 phone guidance.',
    },
  },
  consultation: {
    defaultLevel: 4,
    levelFixed: false,
    destination: 'team',
    charge: 'free',
    countsInSla: true,
    note: {
      zh: '功能、安装或配置方面的信息或支援，通过电话指导解决（四级）。',
      en: 'Information or help with features, installation or configuration; phone guidance (level 4).',
    },
  },
  suggestion: {
    defaultLevel: 5,
    levelFixed: true,
    destination: 'productCentreReview',
    charge: 'free',
    countsInSla: true,
    customerNotice: {
      zh: '您的建议已提交产品中心评审，评审进展可在服务台查看；是否实现不作承诺。',
      en: 'Your suggestion goes to the product centre for review; you can follow its status. Implementation is not promised.',
    },
    note: {
      zh: '五级：由工程师收集反馈给产品中心评审，是否实现不给予承诺；进入产品中心评审清单。',
      en: 'Level 5: collected for the product centre review list; no commitment to implement.',
    },
  },
  changeRequest: {
    defaultLevel: 5,
    levelFixed: true,
    destination: 'team',
    charge: 'chargeable',
    countsInSla: false,
    customerNotice: {
      zh: '功能变更属于收费定制服务（付费定制方式实现），我们会与您确认范围与费用；该请求不计入服务响应时效统计。',
      en: 'A change of function is chargeable customisation; we will agree scope and cost with you. It is not counted in response-time statistics.',
    },
    note: {
      zh: '五级：功能变更通过付费定制方式实现（收费定制），须明确告知客户。',
      en: 'Level 5: changes are paid customisation; the customer must be told so.',
    },
  },
  complaint: {
    defaultLevel: 3,
    levelFixed: false,
    destination: 'complaintHandler',
    charge: 'free',
    countsInSla: true,
    note: {
      zh: '服务投诉由专人受理（400 热线类别 3）。',
      en: 'Service complaints go to a dedicated handler (hotline category 3).',
    },
  },
  upgrade: {
    defaultLevel: 4,
    levelFixed: false,
    destination: 'team',
    charge: 'conditional',
    countsInSla: true,
    note: {
      zh: '服务期内免费提供同系列产品的中、小版本升级（不包含定制模块）；跨系列或定制模块另行收费。',
      en: 'Free minor/patch upgrades of the same series inside the service period, custom modules excluded; otherwise charged.',
    },
  },
  inspection: {
    defaultLevel: 4,
    levelFixed: false,
    destination: 'team',
    charge: 'free',
    countsInSla: true,
    note: {
      zh: '服务巡检（系统巡检/电话巡检）每年 4 次：健康检查、实时监控、趋势与数据分析、问题预警、快照，并生成巡检报告。',
      en: 'Inspections, 4 a year: health checks, monitoring, trend and data analysis, early warnings, snapshots, a report.',
    },
  },
  training: {
    defaultLevel: 4,
    levelFixed: false,
    destination: 'team',
    charge: 'conditional',
    countsInSla: true,
    note: {
      zh: '在线培训免费；新用户培训或两次以上的培训按实际工作量收费。',
      en: 'Online classes are free; new-user training or more than two trainings are charged by workload.',
    },
  },
};
