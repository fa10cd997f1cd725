import pino from 'pino';
import { loadConfig } from '../../server/config.ts';
import { simulatorApp } from '../../server/demo/simulator-registry.ts';
import { type Desk, startDesk } from '../../server/desk.ts';
import { type SimRecord, type Simulator, startSimulator } from '../../simulator/simulator.ts';
import { freshDbName, testMongoUri } from './db.ts';

/**
 * The real stack in-process: the simulator (DingTalk), and one or more desks
 * (bot + worker + HTTP server) on one fresh database of the embedded FerretDB.
 */
export const robotCode = simulatorApp.robotCode;

export async function startTestSimulator(
  opts: { redeliveryMs?: number; maxRedeliveries?: number } = {},
): Promise<Simulator> {
  return startSimulator({
    port: 0,
    redeliveryMs: opts.redeliveryMs ?? 400,
    maxRedeliveries: opts.maxRedeliveries ?? 3,
    pingIntervalMs: 0,
    disconnectDelayMs: 50,
  });
}

export async function startTestDesk(
  sim: Simulator,
  opts: { dbName: string; env?: Record<string, string>; now?: () => Date },
): Promise<Desk> {
  const config = loadConfig({
    HTTP_PORT: '0',
    SIMULATOR_PORT: '0',
    MONGODB_DB: opts.dbName,
    LOG_LEVEL: 'silent',
    // Tests drive the ticket-timer sweep with their own clock (desk.sweeper.sweep(now)).
    TIMER_SWEEP_MS: '0',
    SMTP_SINK_PORT: '0',
    ...opts.env,
  });
  return startDesk({
    config,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    simulator: sim,
    mongoUri: testMongoUri(),
    ...(opts.now ? { now: opts.now } : {}),
  });
}

export interface Stack {
  sim: Simulator;
  desk: Desk;
  dbName: string;
  stop(): Promise<void>;
}

export async function startStack(
  opts: { env?: Record<string, string>; now?: () => Date } = {},
): Promise<Stack> {
  const sim = await startTestSimulator();
  const dbName = freshDbName();
  const desk = await startTestDesk(sim, { dbName, ...opts });
  await waitUntil(() => sim.connections() > 0, 5000);
  return {
    sim,
    desk,
    dbName,
    stop: async () => {
      await desk.stop();
      await sim.close();
    },
  };
}

/**
 * A clock that starts at `start` and runs at real speed: tests that depend on
 * the working calendar must not depend on when they run.
 */
export function clockFrom(start: string): () => Date {
  const base = new Date(start).getTime();
  const t0 = Date.now();
  return () => new Date(base + (Date.now() - t0));
}

/** A customer (or staff member) talking to the bot; returns the replies to that message. */
export async function chat(
  sim: Simulator,
  userId: string,
  text: string,
  opts: { conversationId?: string; replies?: number; timeoutMs?: number } = {},
): Promise<SimRecord[]> {
  const { msgId, conversationId } = await sim.say({
    userId,
    text,
    robotCode,
    ...(opts.conversationId ? { conversationId: opts.conversationId } : {}),
  });
  const inbound = sim.records({ kind: 'inbound' }).find((r) => r.msgId === msgId);
  const since = inbound?.seq ?? 0;
  const want = opts.replies ?? 1;
  const deadline = Date.now() + (opts.timeoutMs ?? 8000);
  for (;;) {
    const got = sim
      .records({ conversationId, sinceSeq: since })
      .filter((r) => r.kind === 'reply' || r.kind === 'otoSend' || r.kind === 'groupSend');
    if (got.length >= want) return got;
    if (Date.now() > deadline)
      throw new Error(`no reply to "${text}" from ${userId} (got ${got.length}/${want})`);
    await sleep(20);
  }
}

export function textOf(r: SimRecord): string {
  const c = r.content;
  switch (c.type) {
    case 'text':
      return c.text;
    case 'markdown':
    case 'actionCard':
      return `${c.title}\n${c.text}`;
    default:
      return JSON.stringify(c);
  }
}

export async function waitUntil(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
