// The slot search as the bot runs it: BookingService.offer on the embedded FerretDB — the busy
// time comes from the process's booking index (booking-index.ts: loaded once, then one `_id` read
// of the change log per search), engineers from a short cache. Used by slots.bench.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { type Booking, bookingModel, timeOffModel } from '../../server/bookings/booking-model.ts';
import { loadConfig } from '../../server/config.ts';
import { startDesk } from '../../server/desk.ts';
import { getOrganisation } from '../../server/directory/directory-service.ts';
import { importDirectory } from '../../server/directory/import-directory.ts';
import type { ExistingBooking, SlotEngineer } from '../../shared/booking/slots.ts';

export interface ServiceCase {
  label: string;
  typeKey: string;
  limit?: number;
}

export interface ServiceRow {
  label: string;
  slots: number;
  times: number[];
  /** The first call in the process: it loads the index (2,000 bookings read from the collection). */
  firstMs: number;
}

export async function benchThroughService(input: {
  engineers: readonly SlotEngineer[];
  bookings: readonly ExistingBooking[];
  now: Date;
  cases: readonly ServiceCase[];
  iterations: number;
  warmUp: number;
}): Promise<ServiceRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'booking-bench-'));
  const desk = await startDesk({
    config: loadConfig({
      DATA_DIR: dir,
      ROLES: 'worker',
      DEMO_DATA: 'false',
      TIMER_SWEEP_MS: '0',
      SMTP_SINK_PORT: '0',
      HTTP_PORT: '0',
      SIMULATOR_PORT: '0',
      LOG_LEVEL: 'silent',
    }),
    logger: pino({ level: 'silent' }),
  });
  try {
    const result = await importDirectory(desk.db, {
      organisations: [
        {
          id: 'org-bench',
          name: '基准测试单位',
          licences: [
            {
              id: 'lic',
              productLine: 'EKP',
              servicePeriods: [{ kind: 'paid', from: '2020-01-01', to: '2099-12-31' }],
            },
          ],
          implementationStaffIds: input.engineers.filter((e) => e.qualified).map((e) => e.id),
          contacts: [{ userId: 'bench-contact', name: '客户' }],
        },
      ],
      teams: [{ id: 'support-ekp', name: 'EKP 支持组', kind: 'support', productLines: ['EKP'] }],
      staff: input.engineers.map((e) => ({
        userId: e.id,
        name: e.id,
        teamIds: ['support-ekp'],
        roles: ['engineer'],
      })),
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const now = input.now;
    await bookingModel(desk.db).insertMany(
      input.bookings.map(
        (b, i): Booking => ({
          _id: `BK-BENCH${String(i).padStart(4, '0')}`,
          requestKey: `bench:${i}`,
          orgId: 'org-bench',
          contactUserId: 'bench-contact',
          contactName: '客户',
          typeKey: 'remoteSupport',
          typeNameZh: '远程支持',
          typeNameEn: 'Remote support',
          mode: 'remote',
          engineerId: b.engineerId,
          engineerName: b.engineerId,
          start: b.from,
          end: b.to,
          bufferBeforeMinutes: b.bufferBeforeMinutes ?? 0,
          bufferAfterMinutes: b.bufferAfterMinutes ?? 0,
          status: 'booked',
          version: 1,
          history: [],
          createdAt: now,
          updatedAt: now,
        }),
      ),
    );
    await timeOffModel(desk.db).insertMany(
      input.engineers.flatMap((e) =>
        e.timeOff.map((t, i) => ({
          _id: `${e.id}|${i}`,
          engineerId: e.id,
          from: t.from,
          to: t.to,
          createdAt: now,
          createdBy: 'bench',
        })),
      ),
    );
    const org = await getOrganisation(desk.db, 'org-bench');
    const rows: ServiceRow[] = [];
    for (const c of input.cases) {
      const search = () =>
        desk.bookings.offer({
          org,
          typeKey: c.typeKey,
          now,
          ...(c.limit ? { limit: c.limit } : { limit: 10_000 }),
        });
      const t0 = performance.now();
      const first = await search();
      const firstMs = performance.now() - t0;
      for (let i = 0; i < input.warmUp; i++) await search();
      const times: number[] = [];
      for (let i = 0; i < input.iterations; i++) {
        const start = performance.now();
        await search();
        times.push(performance.now() - start);
      }
      rows.push({ label: c.label, slots: first.slots.length, times: times.sort((a, b) => a - b), firstMs });
    }
    return rows;
  } finally {
    await desk.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
