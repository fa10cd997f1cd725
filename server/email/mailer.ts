import { createHash } from 'node:crypto';
import type { NodemailerError, SMTPSentMessageInfo } from 'nodemailer';
import nodemailer from 'nodemailer';
import { DomainError } from '../../shared/errors.ts';
import type { Logger } from '../log.ts';

/**
 * The mail port: one nodemailer SMTP transport, configured by `SMTP_URL`
 * (`smtp://user:pass@host:587` with STARTTLS when offered, `smtps://…:465`),
 * or pointed at the local sink (smtp-sink.ts) when none is configured.
 *
 * `send` resolves when the server accepted the message for at least one
 * recipient, with who was accepted and who was refused; otherwise it throws
 * a MailDeliveryError whose `retryable` tells the outbox to back off and try
 * again (connection trouble, 4xx) or to give up (5xx, a message that cannot
 * be sent). Every mail carries `Auto-Submitted: auto-generated` (RFC 3834) so
 * that auto-responders do not answer it.
 */
export interface OutgoingMail {
  to: string | string[];
  subject: string;
  text: string;
  html: string;
  /** A stable Message-ID (`stableMessageId`) makes a resend recognisable as the same mail. */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface RejectedRecipient {
  recipient: string;
  responseCode?: number;
  response?: string;
  retryable: boolean;
}

export interface SendResult {
  messageId: string;
  accepted: string[];
  /** Recipients the server refused while accepting the message for the others. */
  rejected: string[];
  rejectedErrors: RejectedRecipient[];
  /** The server's final reply, e.g. `250 2.0.0 Ok: queued as 4Bx…`. */
  response: string;
}

/**
 * - `connection`: the server could not be reached or dropped us (ECONNREFUSED, timeouts, DNS, 421).
 * - `temporary`: the server answered 4xx (mailbox busy, greylisting, rate limit).
 * - `setup`: our side is misconfigured (authentication, TLS); every mail fails until an
 *   operator fixes it, so it is retryable: the mail goes out once the setting is right.
 * - `permanent`: the server answered 5xx for this mail (unknown recipient, refused content).
 * - `invalid`: the mail cannot be sent as given (no usable recipient); retrying changes nothing.
 */
export type MailFailureKind = 'connection' | 'temporary' | 'setup' | 'permanent' | 'invalid';

export class MailDeliveryError extends DomainError {
  readonly kind: MailFailureKind;
  readonly retryable: boolean;
  /** SMTP reply code, when the server answered. */
  readonly responseCode: number | undefined;
  /** The server's reply line, when it answered. */
  readonly response: string | undefined;
  /** nodemailer's error code (ESOCKET, EENVELOPE, EAUTH…). */
  readonly smtpErrorCode: string | undefined;
  readonly rejected: RejectedRecipient[];

  constructor(
    kind: MailFailureKind,
    message: string,
    opts: {
      responseCode?: number | undefined;
      response?: string | undefined;
      smtpErrorCode?: string | undefined;
      rejected?: RejectedRecipient[];
      cause?: unknown;
    } = {},
  ) {
    const retryable = kind === 'connection' || kind === 'temporary' || kind === 'setup';
    super(retryable ? 'unavailable' : 'validation', message, {
      details: {
        kind,
        retryable,
        ...(opts.responseCode !== undefined ? { responseCode: opts.responseCode } : {}),
        ...(opts.smtpErrorCode ? { smtpErrorCode: opts.smtpErrorCode } : {}),
      },
    });
    this.name = 'MailDeliveryError';
    this.kind = kind;
    this.retryable = retryable;
    this.responseCode = opts.responseCode;
    this.response = opts.response;
    this.smtpErrorCode = opts.smtpErrorCode;
    this.rejected = opts.rejected ?? [];
    if (opts.cause !== undefined) this.cause = opts.cause;
  }
}

export function isMailDeliveryError(err: unknown): err is MailDeliveryError {
  return err instanceof MailDeliveryError;
}

export interface MailerOptions {
  /** `smtp://…` or `smtps://…`; query parameters are nodemailer options (`?pool=true`). */
  smtpUrl: string;
  /** The From header: `"钉钉售后服务台" <servicedesk@example.com>`. */
  from: string;
  logger?: Logger;
  /** Connect and greeting timeout; the outbox would rather retry than wait. Default 10 s. */
  connectTimeoutMs?: number;
  /** Inactivity timeout once connected. Default 30 s. */
  socketTimeoutMs?: number;
}

const connectionCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY']);
const setupCodes = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG']);

/** What the outbox needs of a mailer: sending, and the From address its Message-IDs derive from. */
export type MailPort = Pick<Mailer, 'from' | 'send'>;

export class Mailer {
  readonly from: string;
  /** The server, for logs and status lines: the URL without its password. */
  readonly target: string;
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;
  private readonly logger: Logger | undefined;

  constructor(opts: MailerOptions) {
    this.from = opts.from;
    this.target = redactUrl(opts.smtpUrl);
    this.logger = opts.logger;
    const connectTimeout = opts.connectTimeoutMs ?? 10_000;
    this.transport = nodemailer.createTransport({
      url: opts.smtpUrl,
      connectionTimeout: connectTimeout,
      greetingTimeout: connectTimeout,
      socketTimeout: opts.socketTimeoutMs ?? 30_000,
    });
  }

  async send(mail: OutgoingMail): Promise<SendResult> {
    const to = (Array.isArray(mail.to) ? mail.to : [mail.to]).map((a) => a.trim()).filter(Boolean);
    if (to.length === 0) throw new MailDeliveryError('invalid', '邮件没有收件人 / no recipient');
    let info: SMTPSentMessageInfo;
    try {
      info = await this.transport.sendMail({
        from: this.from,
        to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { 'Auto-Submitted': 'auto-generated', ...mail.headers },
        ...(mail.messageId ? { messageId: mail.messageId } : {}),
      });
    } catch (err) {
      const failure = toMailDeliveryError(err);
      this.logger?.warn(
        {
          to,
          subject: mail.subject,
          kind: failure.kind,
          responseCode: failure.responseCode,
          smtpErrorCode: failure.smtpErrorCode,
          err: failure.message,
        },
        failure.retryable ? 'mail not sent, retryable' : 'mail refused for good',
      );
      throw failure;
    }
    const result: SendResult = {
      messageId: info.messageId,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
      rejectedErrors: (info.rejectedErrors ?? []).map(toRejectedRecipient),
      response: String(info.response ?? ''),
    };
    this.logger?.info(
      { messageId: result.messageId, accepted: result.accepted, rejected: result.rejected },
      'mail sent',
    );
    return result;
  }

  /** Connects and says hello (and logs in): for a start-up check or an admin page. */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (err) {
      throw toMailDeliveryError(err);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** Maps whatever nodemailer threw to a MailDeliveryError; exported for the outbox and tests. */
export function toMailDeliveryError(err: unknown): MailDeliveryError {
  if (err instanceof MailDeliveryError) return err;
  const e = (err ?? {}) as NodemailerError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const rejected = (e.rejectedErrors ?? []).map(toRejectedRecipient);
  const detail = (e.response ?? e.message ?? String(err)).slice(0, 300);
  const opts = { responseCode, response: e.response, smtpErrorCode: code, rejected, cause: err };

  if ((code && connectionCodes.has(code)) || responseCode === 421) {
    return new MailDeliveryError(
      'connection',
      `无法连接邮件服务器 / cannot reach the mail server: ${detail}`,
      opts,
    );
  }
  if (code && setupCodes.has(code)) {
    return new MailDeliveryError(
      'setup',
      `邮件服务器登录或加密设置有误 / mail server login or TLS failed: ${detail}`,
      opts,
    );
  }
  if (responseCode !== undefined) {
    // All recipients refused: worth another try if any of the refusals was temporary.
    const permanent =
      rejected.length > 0 ? rejected.every((r) => !r.retryable) : isPermanent(responseCode, e.permanent);
    return permanent
      ? new MailDeliveryError('permanent', `邮件被拒收 / mail refused: ${detail}`, opts)
      : new MailDeliveryError(
          'temporary',
          `邮件服务器暂时拒收 / mail deferred by the server: ${detail}`,
          opts,
        );
  }
  return new MailDeliveryError('invalid', `邮件无法发送 / mail cannot be sent: ${detail}`, opts);
}

function toRejectedRecipient(e: NodemailerError): RejectedRecipient {
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  return {
    recipient: e.recipient ?? '',
    ...(responseCode !== undefined ? { responseCode } : {}),
    ...(e.response ? { response: e.response } : {}),
    retryable: responseCode === undefined ? true : !isPermanent(responseCode, e.permanent),
  };
}

/** RFC 5321: 5yz is permanent, 4yz transient; 503 (bad sequence) is about the session, not the mail. */
function isPermanent(responseCode: number, flagged: boolean | undefined): boolean {
  if (typeof flagged === 'boolean') return flagged;
  return responseCode >= 500 && responseCode < 600 && responseCode !== 503;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * A Message-ID derived from a key (an outbox key such as `ticket-auto-closed:SD-2026-000123`),
 * so that a retried send carries the same id and receivers (and the sink) see one mail.
 * The domain is the one of the From address.
 */
export function stableMessageId(key: string, from: string): string {
  const domain = /@([^<>@\s]+)>?\s*$/.exec(from)?.[1] ?? 'servicedesk.localhost';
  const readable = key
    .replace(/[^A-Za-z0-9-]+/g, '.')
    .slice(0, 80)
    .replace(/^\.+|\.+$/g, '');
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return `<${readable ? `${readable}.` : ''}${hash}@${domain}>`;
}
