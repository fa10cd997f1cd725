import { z } from 'zod';
import { DomainError, issuesFromZod } from '../../shared/errors.ts';
import type { EmailContent } from '../email/templates.ts';

/**
 * An email as an outbox notice. It is rendered when it is enqueued
 * (server/email/templates.ts) and stored whole, so the item is
 * self-contained: delivery needs no template, no directory lookup and no
 * clock, and a retry a day later sends exactly what was decided then.
 *
 * Delivery (outbox.ts) sends it with `Message-ID = stableMessageId(item key,
 * MAIL_FROM)`, so every attempt of one item is the same mail.
 *
 * Recipients are addresses, resolved by the caller when enqueueing (for
 * directory people: `emailOf`/`emailsOf` in server/email/recipients.ts).
 */
const address = z.string().trim().pipe(z.email('邮箱格式不对 / not an email address'));

/** Extra headers a notice may set: `X-…` and threading. Never From, To, Message-ID and the like. */
const headerName = /^(X-[A-Za-z0-9-]+|In-Reply-To|References)$/i;

export const emailNoticeSchema = z.object({
  kind: z.literal('email'),
  to: z.array(address).min(1, '至少一个收件人 / at least one recipient').max(50),
  subject: z.string().trim().min(1, '缺少主题 / no subject').max(998),
  text: z.string(),
  html: z.string(),
  headers: z
    .record(
      z
        .string()
        .regex(headerName, '只能设置 X-…、In-Reply-To、References / only X-…, In-Reply-To, References'),
      z.string().max(998),
    )
    .optional(),
});

export type EmailNotice = z.infer<typeof emailNoticeSchema>;

/**
 * Builds an email notice from rendered content; duplicate addresses (any
 * case) are sent once. Throws DomainError `validation` when there is no
 * usable recipient or the content is incomplete: check `emailsOf(...)` is
 * not empty before calling.
 *
 * ```ts
 * const to = await emailsOf(db, [ticket.contactUserId]);
 * if (to.length > 0)
 *   await outbox.send([{ key: `ticket-auto-closed:${ticket.no}:mail`, notice: emailNotice(to, autoClosureNotice(data)) }]);
 * ```
 */
export function emailNotice(
  to: string | readonly string[],
  content: EmailContent,
  opts: { headers?: Record<string, string> } = {},
): EmailNotice {
  const parsed = emailNoticeSchema.safeParse({
    kind: 'email',
    to: uniqueAddresses(typeof to === 'string' ? [to] : to),
    subject: content.subject,
    text: content.text,
    html: content.html,
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
  if (!parsed.success)
    throw new DomainError('validation', '邮件通知无效 / invalid email notice', {
      issues: issuesFromZod(parsed.error.issues),
    });
  return parsed.data;
}

function uniqueAddresses(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of list) {
    const a = raw.trim();
    const k = a.toLowerCase();
    if (!a || seen.has(k)) continue;
    seen.add(k);
    out.push(a);
  }
  return out;
}
