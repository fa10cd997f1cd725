import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type AddressObject, simpleParser } from 'mailparser';
import mongoose from 'mongoose';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { type Db, isDuplicateKey, model } from '../db/mongo.ts';
import type { Logger } from '../log.ts';

/**
 * A local SMTP server that keeps every mail it is given, for trying the
 * product without a mail server (`npm start` without SMTP_URL) and for tests.
 * Each mail is parsed (mailparser) and stored in `sink_mails` with `_id` =
 * its Message-ID before the server answers 250, so "accepted" means "stored".
 * The same Message-ID delivered again is not stored twice: `deliveries`
 * counts it, which shows a duplicate send at a glance.
 *
 * No TLS (STARTTLS is not offered) and any login is accepted: it listens on
 * 127.0.0.1 only. Tests can make it refuse recipients (`rejectRecipient`).
 */
export interface SinkMail {
  /** The Message-ID, angle brackets included. */
  _id: string;
  from: string;
  /** Addresses of the To and Cc headers. */
  to: string[];
  envelopeFrom: string;
  /** Who the mail was delivered to (RCPT TO): includes Bcc. */
  envelopeTo: string[];
  subject: string;
  text: string;
  html?: string;
  /** The Date header. */
  date?: Date;
  receivedAt: Date;
  lastReceivedAt: Date;
  deliveries: number;
  size: number;
  headers: Array<{ key: string; line: string }>;
}

const schema = new mongoose.Schema<SinkMail>(
  {
    _id: String,
    from: String,
    to: [String],
    envelopeFrom: String,
    envelopeTo: [String],
    subject: String,
    text: String,
    html: String,
    date: Date,
    receivedAt: Date,
    lastReceivedAt: Date,
    deliveries: Number,
    size: Number,
    headers: [{ _id: false, key: String, line: String }],
  },
  { collection: 'sink_mails', versionKey: false },
);

export function sinkMailModel(db: Db) {
  return model<SinkMail>(db, 'SinkMail', schema);
}

/** Mails the sink holds, newest first. */
export async function listSinkMails(db: Db, limit = 200): Promise<SinkMail[]> {
  return sinkMailModel(db).find().sort({ receivedAt: -1, _id: -1 }).limit(limit).lean<SinkMail[]>();
}

export async function findSinkMail(db: Db, id: string): Promise<SinkMail | null> {
  return sinkMailModel(db).findById(id).lean<SinkMail>();
}

/** An SMTP answer, e.g. { code: 550, message: '5.1.1 mailbox unavailable' }. */
export interface SmtpReply {
  code: number;
  message: string;
}

export interface SmtpSinkOptions {
  db: Db;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port. */
  port: number;
  /** When the port is taken, listen on any free port instead of failing (npm start, desks in tests). */
  fallbackToAnyPort?: boolean;
  logger?: Logger;
  now?: () => Date;
  /** Refuse a recipient with this answer (tests: 550 permanent, 451 temporary). */
  rejectRecipient?: (address: string) => SmtpReply | undefined;
  /** Largest mail accepted, bytes. Default 10 MB. */
  maxSize?: number;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:2525` — what the mailer connects to. */
  url: string;
  host: string;
  port: number;
  /** True when the configured port was taken and another one is used. */
  fellBack: boolean;
  /** Received mails, newest first; `to` keeps those delivered to that address (any case). */
  mails(opts?: { to?: string }): Promise<SinkMail[]>;
  /** Waits until a mail matching `match` has been stored. */
  waitForMail(match: (m: SinkMail) => boolean, timeoutMs?: number): Promise<SinkMail>;
  close(): Promise<void>;
}

export async function startSmtpSink(opts: SmtpSinkOptions): Promise<SmtpSink> {
  const host = opts.host ?? '127.0.0.1';
  const now = opts.now ?? (() => new Date());
  const maxSize = opts.maxSize ?? 10 * 1024 * 1024;
  const log = opts.logger;
  const mails = sinkMailModel(opts.db);

  const store = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> => {
    const parsed = await simpleParser(stream, { skipImageLinks: true });
    if (stream.sizeExceeded)
      throw reply({ code: 552, message: `5.3.4 message larger than ${maxSize} bytes` });
    const at = now();
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const doc: SinkMail = {
      _id: parsed.messageId?.trim() || `<sink-${randomUUID()}@localhost>`,
      from: parsed.from?.text ?? envelopeFrom,
      to: [...addresses(parsed.to), ...addresses(parsed.cc)],
      envelopeFrom,
      envelopeTo: session.envelope.rcptTo.map((r) => r.address),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      ...(parsed.html ? { html: parsed.html } : {}),
      ...(parsed.date ? { date: parsed.date } : {}),
      receivedAt: at,
      lastReceivedAt: at,
      deliveries: 1,
      size: stream.byteLength,
      headers: parsed.headerLines.map((h) => ({ key: h.key, line: h.line })),
    };
    try {
      await mails.create(doc);
      log?.info({ messageId: doc._id, to: doc.envelopeTo, subject: doc.subject }, 'sink received mail');
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await mails.updateOne({ _id: doc._id }, { $inc: { deliveries: 1 }, $set: { lastReceivedAt: at } });
      log?.warn({ messageId: doc._id }, 'sink received the same Message-ID again');
    }
  };

  const server = new SMTPServer({
    name: 'servicedesk-sink.localhost',
    banner: '钉钉售后服务台 local mail sink',
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    size: maxSize,
    logger: false,
    closeTimeout: 2_000,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onRcptTo(address, _session, callback) {
      const refusal = opts.rejectRecipient?.(address.address);
      callback(refusal ? reply(refusal) : null);
    },
    onData(stream, session, callback) {
      store(stream, session).then(
        () => callback(null, 'OK: stored by the local sink'),
        (err: unknown) => {
          stream.resume(); // drain what the parser left, or the session hangs
          if (typeof (err as { responseCode?: unknown }).responseCode === 'number')
            return callback(err as Error);
          log?.error({ err }, 'sink could not store a mail');
          callback(reply({ code: 451, message: '4.3.0 could not store the mail, try again later' }));
        },
      );
    },
  });
  let listening = false; // errors before that are listen()'s to report
  server.on('error', (err) => {
    if (listening) log?.warn({ err }, 'smtp sink error');
  });

  let port: number;
  let fellBack = false;
  try {
    port = await listen(server, host, opts.port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !opts.fallbackToAnyPort || opts.port === 0)
      throw err;
    log?.warn({ port: opts.port }, 'smtp sink port in use, listening on a free port instead');
    port = await listen(server, host, 0);
    fellBack = true;
  }
  listening = true;

  const list = async (o: { to?: string } = {}) => {
    const all = await listSinkMails(opts.db, 1000);
    const want = o.to?.toLowerCase();
    return want ? all.filter((m) => m.envelopeTo.some((a) => a.toLowerCase() === want)) : all;
  };

  return {
    url: `smtp://${host}:${port}`,
    host,
    port,
    fellBack,
    mails: list,
    async waitForMail(match, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await list()).find(match);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no matching mail arrived at the sink within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function reply(r: SmtpReply): Error & { responseCode: number } {
  return Object.assign(new Error(r.message), { responseCode: r.code });
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  const out: string[] = [];
  for (const group of Array.isArray(field) ? field : [field]) {
    for (const a of group.value) {
      if (a.address) out.push(a.address);
      for (const member of a.group ?? []) if (member.address) out.push(member.address);
    }
  }
  return out;
}

function listen(server: SMTPServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.server.off('error', onError);
      resolve((server.server.address() as AddressInfo).port);
    };
    server.server.once('error', onError);
    server.server.once('listening', onListening);
    server.server.listen(port, host);
  });
}
