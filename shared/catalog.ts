/**
 * Names and defaults taken from the service agreement
 * (../shared/seed/service-agreement.zh.txt). They are defaults: deployments
 * configure their own product lines, branches and targets.
 */
export const defaultProductLines = ['EKP', 'KMS', 'EIS', 'KK'] as const;
export type ProductLine = string;

export const responseLevels = [1, 2, 3, 4, 5] as const;
export type ResponseLevel = (typeof responseLevels)[number];

export interface LevelInfo {
  level: ResponseLevel;
  nameZh: string;
  nameEn: string;
  /** 问题现象, verbatim from the agreement. */
  symptomZh: string;
  symptomEn: string;
  /** Default first-response target in working hours. */
  firstResponseHours: number;
}

export const levelCatalog: Record<ResponseLevel, LevelInfo> = {
  1: {
    level: 1,
    nameZh: '一级',
    nameEn: 'Level 1',
    symptomZh: '系统瘫痪，对最终用户的业务运作有重大影响，系统已不能正常工作。',
    symptomEn: 'System down; major impact on business operations.',
    firstResponseHours: 1,
  },
  2: {
    level: 2,
    nameZh: '二级',
    nameEn: 'Level 2',
    symptomZh: '系统核心功能受损，严重影响用户使用系统，使最终用户的业务运作受到重要影响。',
    symptomEn: 'Core function damaged; serious impact on use and business.',
    firstResponseHours: 8,
  },
  3: {
    level: 3,
    nameZh: '三级',
    nameEn: 'Level 3',
    symptomZh: '产品的部分操作功能受损，但最终用户在合理使用下大部分功能仍可正常工作。',
    symptomEn: 'Some functions damaged; most still work.',
    firstResponseHours: 12,
  },
  4: {
    level: 4,
    nameZh: '四级',
    nameEn: 'Level 4',
    symptomZh: '在产品的功能、安装或配置方面需要信息或支援，指对产品使用不构成影响的技术服务请求/咨询等。',
    symptomEn: 'Information or help with features, installation or configuration; no impact on use.',
    firstResponseHours: 16,
  },
  5: {
    level: 5,
    nameZh: '五级',
    nameEn: 'Level 5',
    symptomZh: '非故障情况下，功能建议或功能变更。',
    symptomEn: 'Not a fault: feature suggestion or change request.',
    firstResponseHours: 24,
  },
};

export function isResponseLevel(n: number): n is ResponseLevel {
  return Number.isInteger(n) && n >= 1 && n <= 5;
}

/** Default branch for after-hours on-call (agreement: 西安分公司). */
export const defaultOnCallBranch = '西安分公司';
export const defaultHotline = '4006-222-312';
