import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bot } from '../bot/bot.ts';
import { defaultProductLines } from '../shared/catalog.ts';
import { type Simulator, startSimulator } from '../simulator/simulator.ts';
import { authSettingsFrom } from './auth/from-config.ts';
import type { DeclaredRoute } from './auth/route-policy.ts';
import { BookingService, bookingReminderTimerKind } from './bookings/booking-service.ts';
import { CalendarService } from './calendar/calendar-service.ts';
import { type Config, usesSimulator } from './config.ts';
import { type EmbeddedDb, startEmbeddedDb } from './db/embedded.ts';
import { connectDb, type Db } from './db/mongo.ts';
import { registerDirectoryOnSimulator, simulatorApp } from './demo/simulator-registry.ts';
import { DingTalkClient } from './dingtalk/dingtalk-client.ts';
import { DirectoryCache } from './directory/directory-cache.ts';
import { importDirectory } from './directory/import-directory.ts';
import { organisationModel } from './directory/organisation-model.ts';
import { staffModel } from './directory/staff-model.ts';
import { type Email, startEmail } from './email/start-email.ts';
import { apiRoutesOf, createHttpApp, listen } from './http/app.ts';
import { configuredMiniAppUrl, miniAppUrl } from './http/static.ts';
import { type Scheduler, startScheduler } from './jobs/scheduler.ts';
import type { Logger } from './log.ts';
import { OutboxWorker } from './notifications/outbox-worker.ts';
import { setRoster } from './oncall/oncall-service.ts';
import { SlaPolicyService } from './sla/sla-policy-service.ts';
import { SlaService, slaTimerKind } from './sla/sla-service.ts';
import { IntakeService } from './tickets/intake-service.ts';
import { LifecycleEffects } from './tickets/lifecycle-effects.ts';
import { LifecycleService } from './tickets/lifecycle-service.ts';
import { TimerStore } from './timers/timer-store.ts';
import { TimerSweeper } from './timers/timer-sweeper.ts';

/**
 * Composition root: starts the roles the configuration asks for against one
 * database. `npm start` runs everything in one process; tests start several
 * desks against one database to play several processes.
 */
export interface DeskOptions {
  config: Config;
  logger: Logger;
  /** Use this simulator instead of starting one (tests share one). */
  simulator?: Simulator;
  /** Use this database URI (tests); otherwise MONGODB_URI or the embedded database. */
  mongoUri?: string;
  now?: () => Date;
  /** Print a status line for people (npm start). */
  announce?: (line: string) => void;
}

export interface Desk {
  db: Db;
  config: Config;
  bot?: Bot;
  outbox?: OutboxWorker;
  sla: SlaService;
  lifecycle: LifecycleService;
  intake: IntakeService;
  bookings: BookingService;
  calendars: CalendarService;
  slaPolicies: SlaPolicyService;
  /** The ticket-timer sweep; tests call `sweep(now)` with their own clock. */
  sweeper: TimerSweeper;
  /** The mailer, and the local SMTP sink when SMTP_URL is unset. */
  email: Email;
  simulator?: Simulator;
  httpUrl?: string;
  /** The HTTP API's routes with who may call each (server role only). */
  apiRoutes?: readonly DeclaredRoute[];
  stop(): Promise<void>;
}

const demoDirectoryFile = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'demo',
  'demo-directory.json',
);

const demoOnCallFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo', 'demo-oncall.json');

export async function startDesk(opts: DeskOptions): Promise<Desk> {
  const { config, logger } = opts;
  const announce = opts.announce ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => logger.error({ err }, 'stop failed'));
  };

  try {
    let uri = opts.mongoUri ?? config.MONGODB_URI;
    let embedded: EmbeddedDb | undefined;
    if (!uri) {
      embedded = await startEmbeddedDb(path.join(config.DATA_DIR, 'db'), announce);
      stops.push(() => embedded!.stop());
      uri = embedded.uri;
      announce(`内置数据库已启动：${uri}（数据目录 ${path.resolve(config.DATA_DIR, 'db')}）`);
    }
    const db = await connectDb(uri, config.MONGODB_DB);
    stops.push(() => db.close());

    const productLines = [...defaultProductLines];
    if (config.DEMO_DATA && (await isDirectoryEmpty(db))) {
      const result = await importDirectory(db, JSON.parse(readFileSync(demoDirectoryFile, 'utf8')), {
        productLines,
      });
      if (!result.ok) throw new Error(`demo directory is invalid: ${JSON.stringify(result.issues)}`);
      await setRoster(db, JSON.parse(readFileSync(demoOnCallFile, 'utf8')), 'demo', now());
      announce('已载入演示数据（客户单位、联系人、团队与工程师）。');
    }

    let simulator = opts.simulator;
    let dingtalkCreds: {
      clientId: string;
      clientSecret: string;
      robotCode: string;
      agentId?: string;
      apiBase: string;
      oapiBase: string;
    };
    if (usesSimulator(config)) {
      if (!simulator) {
        // for the chat page's "打开微应用" link and the 免登 stand-in (known for a fixed port or PUBLIC_URL)
        const appUrl = configuredMiniAppUrl(config);
        simulator = await startSimulator({
          host: config.SIMULATOR_HOST,
          port: config.SIMULATOR_PORT,
          redeliveryMs: config.SIMULATOR_REDELIVERY_MS,
          logger: logger.child({ role: 'simulator' }),
          ...(appUrl ? { miniAppUrl: appUrl } : {}),
          // The local SMTP sink's pages (/dev/mail on the HTTP server), when there is no SMTP_URL.
          ...(appUrl && !config.SMTP_URL ? { mailUrl: appUrl.replace(/\/app\/?$/, '/dev/mail') } : {}),
        });
        const owned = simulator;
        stops.push(() => owned.close());
      }
      await registerDirectoryOnSimulator(db, simulator);
      dingtalkCreds = {
        clientId: simulatorApp.clientId,
        clientSecret: simulatorApp.clientSecret,
        robotCode: simulatorApp.robotCode,
        agentId: simulatorApp.agentId,
        apiBase: simulator.url,
        oapiBase: simulator.url,
      };
    } else {
      dingtalkCreds = {
        clientId: config.DINGTALK_CLIENT_ID!,
        clientSecret: config.DINGTALK_CLIENT_SECRET!,
        robotCode: config.DINGTALK_ROBOT_CODE ?? config.DINGTALK_CLIENT_ID!,
        ...(config.DINGTALK_AGENT_ID ? { agentId: config.DINGTALK_AGENT_ID } : {}),
        apiBase: config.DINGTALK_API_BASE,
        oapiBase: config.DINGTALK_OAPI_BASE,
      };
    }
    const dingtalk = new DingTalkClient(dingtalkCreds);

    const email = await startEmail({ config, db, logger, now });
    stops.push(() => email.stop());

    const outbox = new OutboxWorker(db, dingtalk, logger.child({ role: 'outbox' }), now, {
      mailer: email.mailer,
    });
    stops.push(() => outbox.stop());

    const directory = new DirectoryCache(db);
    const calendars = new CalendarService(db, 10_000, now);
    const slaPolicies = new SlaPolicyService(db);
    const timers = new TimerStore(db);
    const sla = new SlaService({
      db,
      calendars,
      policies: slaPolicies,
      timers,
      directory,
      notify: (items) => outbox.send(items),
      cardTemplateId: config.DINGTALK_CARD_TEMPLATE_ID,
      logger: logger.child({ role: 'sla' }),
    });
    const windows = {
      autoCloseMonths: config.AUTO_CLOSE_MONTHS,
      autoCloseReminderDays: config.AUTO_CLOSE_REMINDER_DAYS,
      reopenWindowMonths: config.REOPEN_WINDOW_MONTHS,
    };
    const effects = new LifecycleEffects({
      db,
      windows: { ...windows, stallHours: config.STALL_REMINDER_HOURS },
      directory,
      timers,
      notify: (items) => outbox.send(items),
      cardTemplateId: config.DINGTALK_CARD_TEMPLATE_ID,
      logger: logger.child({ role: 'lifecycle' }),
    });
    const lifecycle = new LifecycleService({
      db,
      windows,
      sla,
      notify: (items) => outbox.send(items),
      logger: logger.child({ role: 'lifecycle' }),
      onEvent: effects.onEvent,
    });
    const intake = new IntakeService({
      db,
      directory,
      sla,
      notify: (items) => outbox.send(items),
      settings: {
        ticketPrefix: config.TICKET_PREFIX,
        productLines,
        cardTemplateId: config.DINGTALK_CARD_TEMPLATE_ID,
      },
    });
    const bookings = new BookingService({
      db,
      calendars,
      directory,
      timers,
      lifecycle,
      notify: (items) => outbox.send(items),
      logger: logger.child({ role: 'bookings' }),
      now,
    });
    const sweeper = new TimerSweeper(
      db,
      {
        [slaTimerKind]: sla.handleTimer,
        ...effects.handlers(lifecycle),
        [bookingReminderTimerKind]: bookings.handleReminder,
      },
      logger.child({ role: 'timers' }),
    );
    if (config.ROLES.includes('worker')) {
      if (config.TIMER_SWEEP_MS > 0) {
        const scheduler: Scheduler = await startScheduler({
          db,
          sweeper,
          outboxPass: () => outbox.pass(),
          logger: logger.child({ role: 'scheduler' }),
          now,
          sweepEveryMs: config.TIMER_SWEEP_MS,
        });
        stops.push(() => scheduler.stop());
      } else outbox.start();
    }

    let bot: Bot | undefined;
    if (config.ROLES.includes('bot')) {
      bot = new Bot({
        db,
        dingtalk,
        stream: {
          clientId: dingtalkCreds.clientId,
          clientSecret: dingtalkCreds.clientSecret,
          apiBase: dingtalkCreds.apiBase,
        },
        settings: {
          ticketPrefix: config.TICKET_PREFIX,
          productLines,
          cardTemplateId: config.DINGTALK_CARD_TEMPLATE_ID,
          dialogueTimeoutMs: 30 * 60_000,
        },
        notify: (items) => outbox.send(items),
        sla,
        lifecycle,
        intake,
        bookings,
        directory,
        logger,
        now,
      });
      const started = bot;
      stops.push(() => started.stop());
      await bot.start();
    }

    let httpUrl: string | undefined;
    let apiRoutes: readonly DeclaredRoute[] | undefined;
    if (config.ROLES.includes('server')) {
      const app = createHttpApp({
        db,
        logger: logger.child({ role: 'http' }),
        productLines,
        auth: {
          dingtalk,
          corpId: usesSimulator(config) ? simulatorApp.corpId : config.DINGTALK_CORP_ID!,
          now,
          ...authSettingsFrom(config),
        },
        lifecycle,
        intake,
        bookings,
        sla: {
          db,
          sla,
          policies: slaPolicies,
          calendars,
          notify: (items) => outbox.send(items),
          now,
        },
      });
      if (email.devRoutes) app.use(email.devRoutes);
      const { server, url } = await listen(app, config.HTTP_HOST, config.HTTP_PORT);
      stops.push(() => closeServer(server));
      httpUrl = url;
      apiRoutes = apiRoutesOf(app);
      announce(`微应用（从钉钉或模拟器聊天页“打开微应用”进入）：${miniAppUrl(config.PUBLIC_URL ?? url)}`);
    }
    for (const line of email.statusLines(httpUrl)) announce(line);

    return {
      db,
      config,
      ...(bot ? { bot } : {}),
      outbox,
      sla,
      lifecycle,
      intake,
      bookings,
      calendars,
      slaPolicies,
      sweeper,
      email,
      ...(simulator ? { simulator } : {}),
      ...(httpUrl ? { httpUrl } : {}),
      ...(apiRoutes ? { apiRoutes } : {}),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function isDirectoryEmpty(db: Db): Promise<boolean> {
  const [org, staff] = await Promise.all([
    organisationModel(db).findOne().lean(),
    staffModel(db).findOne().lean(),
  ]);
  return !org && !staff;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
