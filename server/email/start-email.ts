import type { Middleware } from 'koa';
import type { Config } from '../config.ts';
import type { Db } from '../db/mongo.ts';
import type { Logger } from '../log.ts';
import { devMailRoutes } from './dev-mail-routes.ts';
import { Mailer } from './mailer.ts';
import { type SmtpSink, startSmtpSink } from './smtp-sink.ts';

/**
 * Email for one desk process: the mailer on SMTP_URL, or — with none
 * configured — on a local SMTP sink this process starts (127.0.0.1,
 * SMTP_SINK_PORT; a busy port falls back to a free one), whose mails the
 * HTTP server shows at /dev/mail.
 */
export interface Email {
  mailer: Mailer;
  sink?: SmtpSink;
  /** Koa routes to mount on the HTTP server (only with the sink). */
  devRoutes?: Middleware;
  /** Status lines for people, once the HTTP URL is known. */
  statusLines(httpUrl: string | undefined): string[];
  stop(): Promise<void>;
}

export async function startEmail(opts: {
  config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'SMTP_SINK_PORT'>;
  db: Db;
  logger: Logger;
  now?: () => Date;
}): Promise<Email> {
  const { config, db, logger } = opts;
  let sink: SmtpSink | undefined;
  if (!config.SMTP_URL) {
    sink = await startSmtpSink({
      db,
      port: config.SMTP_SINK_PORT,
      fallbackToAnyPort: true,
      logger: logger.child({ role: 'smtp-sink' }),
      ...(opts.now ? { now: opts.now } : {}),
    });
  }
  const mailer = new Mailer({
    smtpUrl: config.SMTP_URL ?? sink!.url,
    from: config.MAIL_FROM,
    logger: logger.child({ role: 'mailer' }),
  });
  return {
    mailer,
    ...(sink ? { sink, devRoutes: devMailRoutes(db) } : {}),
    statusLines(httpUrl) {
      if (!sink) return [`邮件经 ${mailer.target} 发出。`];
      const busy = sink.fellBack ? `（端口 ${config.SMTP_SINK_PORT} 已被占用）` : '';
      return [
        `未配置 SMTP_URL：本地邮件接收器 ${sink.url}${busy} 收下所有邮件` +
          (httpUrl ? `，在 ${httpUrl}/dev/mail 查看。` : '。'),
      ];
    },
    async stop() {
      mailer.close();
      await sink?.close();
    },
  };
}
