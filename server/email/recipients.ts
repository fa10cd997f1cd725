import type { Db } from '../db/mongo.ts';
import { findContact, findStaff } from '../directory/directory-service.ts';

/**
 * Email addresses of directory people, for enqueueing email notices
 * (server/notifications/email-notice.ts). Addresses are resolved when the
 * notice is enqueued and stored in it, so a retry goes to the address that
 * was right then. Only active people have one here: a retired contact or
 * staff member gets no mail, like a stranger gets no answer (`whoIs`).
 * Two `_id` reads per person (staff, contact), the import keeping the two
 * kinds disjoint; the import has checked the addresses' form.
 */
export async function emailOf(db: Db, userId: string): Promise<string | undefined> {
  const [staff, contact] = await Promise.all([findStaff(db, userId), findContact(db, userId)]);
  const person = staff?.active ? staff : contact?.active ? contact : undefined;
  const email = person?.email?.trim();
  return email ? email : undefined;
}

/**
 * The addresses of several people, in their order, without duplicates (any
 * case); people without one (or inactive) are left out, so the result may
 * be empty — then there is nobody to mail.
 */
export async function emailsOf(db: Db, userIds: readonly string[]): Promise<string[]> {
  const found = await Promise.all([...new Set(userIds)].map((id) => emailOf(db, id)));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const email of found) {
    if (!email || seen.has(email.toLowerCase())) continue;
    seen.add(email.toLowerCase());
    out.push(email);
  }
  return out;
}
