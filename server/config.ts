import { z } from 'zod';

/**
 * Every setting of the product, parsed once at start-up. `.env.example` lists
 * the same names with comments; a wrong value stops start-up with a readable
 * list of every problem (z.prettifyError), never a stack trace.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const roles = ['server', 'bot', 'worker'] as const;

export const configSchema = z
  .object({
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HTTP_HOST: z.string().default('127.0.0.1'),
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: z.url().optional(),
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(120),
    SESSION_ABSOLUTE_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(30 * 24)
      .default(12),
    SESSION_ROTATE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    ROLES: z
      .string()
      .default(roles.join(','))
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(roles)).min(1)),
    MONGODB_URI: optionalString.pipe(
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, '必须以 mongodb:// 或 mongodb+srv:// 开头')
        .optional(),
    ),
    MONGODB_DB: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('servicedesk'),
    DATA_DIR: z.string().default('./data'),
    DEMO_DATA: bool.default(true),
    TICKET_PREFIX: z
      .string()
      .regex(/^[A-Z]{1,6}$/, '1–6 个大写字母')
      .default('SD'),
    DINGTALK_CLIENT_ID: optionalString,
    DINGTALK_CLIENT_SECRET: optionalString,
    DINGTALK_ROBOT_CODE: optionalString,
    DINGTALK_CORP_ID: optionalString,
    DINGTALK_AGENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, '必须是数字').optional()),
    DINGTALK_CARD_TEMPLATE_ID: z.string().default('servicedesk.ticket.v1'),
    DINGTALK_API_BASE: z.url().default('https://api.dingtalk.com'),
    DINGTALK_OAPI_BASE: z.url().default('https://oapi.dingtalk.com'),
    SIMULATOR_HOST: z.string().default('127.0.0.1'),
    SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
    SIMULATOR_REDELIVERY_MS: z.coerce.number().int().min(50).default(60_000),
    TIMER_SWEEP_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    AUTO_CLOSE_MONTHS: z.coerce.number().int().min(1).max(24).default(1),
    AUTO_CLOSE_REMINDER_DAYS: z.coerce.number().int().min(0).max(27).default(7),
    REOPEN_WINDOW_MONTHS: z.coerce.number().int().min(1).max(24).default(1),
    STALL_REMINDER_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(48),
    SMTP_URL: optionalString.pipe(
      z
        .string()
        .regex(/^smtps?:\/\/[^/?#\s]+/, '必须形如 smtp://user:pass@host:587 或 smtps://host:465')
        .optional(),
    ),
    MAIL_FROM: z
      .string()
      .trim()
      .regex(
        /^(?:[^<>]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/,
        '必须是邮件地址，例如 "钉钉售后服务台" <servicedesk@example.com>',
      )
      .default('"钉钉售后服务台" <servicedesk@localhost>'),
    SMTP_SINK_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  })
  .superRefine((c, ctx) => {
    const creds = [c.DINGTALK_CLIENT_ID, c.DINGTALK_CLIENT_SECRET];
    if (creds.some(Boolean) && !creds.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['DINGTALK_CLIENT_SECRET'],
        message: 'DINGTALK_CLIENT_ID 与 DINGTALK_CLIENT_SECRET 必须同时设置（都不设置则使用本地钉钉模拟器）',
      });
    }
    if (c.DINGTALK_CLIENT_ID && !c.DINGTALK_CORP_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['DINGTALK_CORP_ID'],
        message: '连接真实钉钉时必须设置企业 CorpId',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError whose message lists every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape ?? {}).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    throw new ConfigError(`配置有误 / invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** True when no DingTalk credentials are set: run the local simulator instead. */
export function usesSimulator(config: Config): boolean {
  return !config.DINGTALK_CLIENT_ID;
}
