import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import type { Db } from '../db/mongo.ts';
import type { Logger } from '../log.ts';
import type { TimerSweeper } from '../timers/timer-sweeper.ts';

/**
 * agenda on the product's database runs the recurring jobs: the ticket-timer
 * sweep (SLA at-risk and breach, auto-closure…; one job over all tickets,
 * not one job per ticket) and the outbox pass. Job state lives in the
 * database, so the schedule survives restarts; with two server processes
 * both may run a sweep (FerretDB cannot make agenda's lock exclusive), which
 * is safe because everything a sweep does is idempotent.
 */
export interface SchedulerOptions {
  db: Db;
  sweeper: TimerSweeper;
  outboxPass: () => Promise<void>;
  logger: Logger;
  now: () => Date;
  sweepEveryMs: number;
}

export interface Scheduler {
  stop(): Promise<void>;
}

export async function startScheduler(opts: SchedulerOptions): Promise<Scheduler> {
  const { logger } = opts;
  const agenda = new Agenda({
    // mongoose bundles its own copy of the driver; the Db object is the same protocol client.
    backend: new MongoBackend({ mongo: opts.db.db as never, collection: 'agendaJobs' }),
    processEvery: opts.sweepEveryMs,
    defaultLockLifetime: 60_000,
  });
  agenda.on('error', (err: unknown) => logger.error({ err }, 'agenda error'));

  // Between two periodic runs, wake up exactly when a timer already read (the
  // sweep reads the current minute ahead) falls due: the lag is then the
  // handling time, not the sweep interval.
  let wakeUp: NodeJS.Timeout | undefined;
  let stopped = false;
  const sweep = async () => {
    const r = await opts.sweeper.sweep(opts.now());
    if (r.handled > 0 || r.failed > 0) logger.debug({ ...r, lagsMs: undefined }, 'ticket timers swept');
    const next = opts.sweeper.nextWaitingAt();
    if (stopped || !next || wakeUp) return;
    const inMs = next.getTime() - opts.now().getTime();
    if (inMs < opts.sweepEveryMs) {
      wakeUp = setTimeout(
        () => {
          wakeUp = undefined;
          void sweep().catch((err: unknown) => logger.error({ err }, 'timer sweep failed'));
        },
        Math.max(0, inMs),
      );
      wakeUp.unref();
    }
  };
  agenda.define('ticket-timers', sweep);
  agenda.define('outbox-pass', async () => {
    await opts.outboxPass();
  });

  await agenda.start();
  const seconds = Math.max(1, Math.round(opts.sweepEveryMs / 1000));
  await agenda.every(`${seconds} seconds`, 'ticket-timers');
  await agenda.every('5 seconds', 'outbox-pass');
  return {
    stop: async () => {
      stopped = true;
      if (wakeUp) clearTimeout(wakeUp);
      await agenda.stop();
    },
  };
}
