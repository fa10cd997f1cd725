import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/mongo.ts';
import { ticketModel } from '../../../server/tickets/ticket-model.ts';
import {
  fileTicket,
  getTicketFor,
  listOpenTickets,
  type NewTicket,
} from '../../../server/tickets/ticket-service.ts';
import { freshDbName, openTestDb } from '../../support/db.ts';

// Two connections to one database play two server processes.
let a: Db;
let b: Db;
beforeAll(async () => {
  const name = freshDbName();
  a = await openTestDb(name);
  b = await openTestDb(name);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

const at = new Date('2026-03-02T02:00:00Z'); // Mon 10:00 in Shanghai

function input(sourceKey: string, orgId = 'org-a'): NewTicket {
  return {
    orgId,
    orgName: orgId,
    contact: { userId: `u-${orgId}`, name: '张三' },
    productLine: 'EKP',
    level: 2,
    description: `问题 ${sourceKey}`,
    channel: 'dingtalk',
    entitled: true,
    sourceKey,
  };
}

describe('fileTicket', () => {
  it('numbers tickets PREFIX-YEAR-SEQ, distinct under concurrency from two processes', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fileTicket(i % 2 ? a : b, input(`src-${i}`), { prefix: 'SD' }, at),
      ),
    );
    const numbers = results.map((r) => r.ticket._id);
    expect(new Set(numbers).size).toBe(30);
    for (const n of numbers) expect(n).toMatch(/^SD-2026-\d{6}$/);
    expect(results.every((r) => r.created)).toBe(true);
    expect(await ticketModel(a).countDocuments()).toBe(30);
  });

  it('files once per source key, however often and wherever it is retried', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        fileTicket(i % 2 ? a : b, input('same-source'), { prefix: 'SD' }, at),
      ),
    );
    expect(new Set(results.map((r) => r.ticket._id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const again = await fileTicket(a, input('same-source'), { prefix: 'SD' }, at);
    expect(again).toMatchObject({ created: false, ticket: { _id: results[0]!.ticket._id } });
  });

  it('uses the Shanghai year: 2026-12-31 17:00 UTC is already 2027', async () => {
    const { ticket } = await fileTicket(
      a,
      input('new-year'),
      { prefix: 'SD' },
      new Date('2026-12-31T17:00:00Z'),
    );
    expect(ticket._id).toBe('SD-2027-000001');
  });

  it('hides other organisations’ tickets exactly like missing ones', async () => {
    const { ticket } = await fileTicket(a, input('org-b-1', 'org-b'), { prefix: 'SD' }, at);
    await expect(getTicketFor(a, ticket._id, { kind: 'contact', orgId: 'org-b' })).resolves.toMatchObject({
      _id: ticket._id,
    });
    const other = getTicketFor(a, ticket._id, { kind: 'contact', orgId: 'org-a' }).catch((e: Error) =>
      e.message.replace(ticket._id, 'X'),
    );
    const missing = getTicketFor(a, 'SD-2026-999999', { kind: 'contact', orgId: 'org-a' }).catch((e: Error) =>
      e.message.replace('SD-2026-999999', 'X'),
    );
    expect(await other).toBe(await missing);
    expect((await listOpenTickets(a, 'org-b')).map((t) => t._id)).toEqual([ticket._id]);
  });
});
