import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bot } from '../bot/bot.ts';
import { defaultProductLines } from '../shared/catalog.ts';
import { type Simulator, startSimulator } from '../simulator/simulator.ts';
import { type Config, usesSimulator } from './config.ts';
import { type EmbeddedDb, startEmbeddedDb } from './db/embedded.ts';
import { connectDb, type Db } from './db/mongo.ts';
import { registerDirectoryOnSimulator, simulatorApp } from './demo/simulator-registry.ts';
import { DingTalkClient } from './dingtalk/dingtalk-client.ts';
import { importDirectory } from './directory/import-directory.ts';
import { organisationModel } from './directory/organisation-model.ts';
import { staffModel } from './directory/staff-model.ts';
import { createHttpApp, listen } from './http/app.ts';
import type { Logger } from './log.ts';
import { OutboxWorker } from './notifications/outbox-worker.ts';

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
  simulator?: Simulator;
  httpUrl?: string;
  stop(): Promise<void>;
}

const demoDirectoryFile = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'demo',
  'demo-directory.json',
);

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
        simulator = await startSimulator({
          host: config.SIMULATOR_HOST,
          port: config.SIMULATOR_PORT,
          redeliveryMs: config.SIMULATOR_REDELIVERY_MS,
          logger: logger.child({ role: 'simulator' }),
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

    const outbox = new OutboxWorker(db, dingtalk, logger.child({ role: 'outbox' }), now);
    stops.push(() => outbox.stop());
    if (config.ROLES.includes('worker')) outbox.start();

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
        logger,
        now,
      });
      const started = bot;
      stops.push(() => started.stop());
      await bot.start();
    }

    let httpUrl: string | undefined;
    if (config.ROLES.includes('server')) {
      const app = createHttpApp({ db, logger: logger.child({ role: 'http' }), productLines });
      const { server, url } = await listen(app, config.HTTP_HOST, config.HTTP_PORT);
      stops.push(() => closeServer(server));
      httpUrl = url;
    }

    return {
      db,
      config,
      ...(bot ? { bot } : {}),
      outbox,
      ...(simulator ? { simulator } : {}),
      ...(httpUrl ? { httpUrl } : {}),
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
