import { ConfigError, loadConfig, usesSimulator } from './config.ts';
import { startDesk } from './desk.ts';
import { createLogger } from './log.ts';

/** `npm start`: reads the configuration and starts the roles it names. */
const say = (line: string) => process.stdout.write(`${line}\n`);

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger(config.LOG_LEVEL);
try {
  const desk = await startDesk({ config, logger, announce: say });
  say('');
  say('钉钉售后服务台已启动 / DingTalk service desk is running');
  if (desk.httpUrl) say(`  服务端 API:       ${desk.httpUrl}  (健康检查 ${desk.httpUrl}/healthz)`);
  if (usesSimulator(config) && desk.simulator) {
    say(`  本地钉钉模拟器:   ${desk.simulator.url}`);
    say(`  👉 打开聊天页面，以客户身份（例如 cust-xa-01）对机器人说“报障”：${desk.simulator.url}/`);
  } else {
    say('  已连接钉钉开放平台（Stream 模式）。');
  }
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await desk.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
} catch (err) {
  logger.fatal({ err }, 'start-up failed');
  process.stderr.write(`启动失败：${(err as Error).message}\n`);
  process.exit(1);
}
