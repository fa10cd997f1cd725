import { readFileSync } from 'node:fs';
import pino from 'pino';
import { z } from 'zod';
import { applyRegistry, demoRegistry, registryFileSchema } from './demoRegistry.ts';
import { startSimulator } from './simulator.ts';

/**
 * Standalone simulator: `npx tsx simulator/main.ts`.
 *   SIMULATOR_HOST (127.0.0.1), SIMULATOR_PORT (3100), SIMULATOR_REGISTRY (a JSON
 *   file {apps, users, groups}; the demo registry otherwise), SIMULATOR_MINIAPP_URL,
 *   SIMULATOR_REDELIVERY_MS (60000), SIMULATOR_PUBLIC_URL, LOG_LEVEL (info).
 */

const envSchema = z.object({
  SIMULATOR_HOST: z.string().default('127.0.0.1'),
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  SIMULATOR_REGISTRY: z.string().optional(),
  SIMULATOR_MINIAPP_URL: z.url().optional(),
  SIMULATOR_PUBLIC_URL: z.url().optional(),
  SIMULATOR_REDELIVERY_MS: z.coerce.number().int().min(50).default(60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

async function main(): Promise<void> {
  const env = envSchema.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')),
  );
  if (!env.success) {
    console.error(`配置有误:\n${z.prettifyError(env.error)}`);
    process.exit(1);
  }
  const e = env.data;
  const logger = pino({ name: 'dingtalk-sim', level: e.LOG_LEVEL });

  let registry = demoRegistry;
  if (e.SIMULATOR_REGISTRY) {
    let text: string;
    try {
      text = readFileSync(e.SIMULATOR_REGISTRY, 'utf8');
    } catch {
      console.error(`无法读取注册表文件 ${e.SIMULATOR_REGISTRY}`);
      process.exit(1);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      console.error(`注册表文件 ${e.SIMULATOR_REGISTRY} 不是合法的 JSON`);
      process.exit(1);
    }
    const parsed = registryFileSchema.safeParse(json);
    if (!parsed.success) {
      console.error(`注册表文件有误:\n${z.prettifyError(parsed.error)}`);
      process.exit(1);
    }
    registry = parsed.data;
  }

  const sim = await startSimulator({
    host: e.SIMULATOR_HOST,
    port: e.SIMULATOR_PORT,
    redeliveryMs: e.SIMULATOR_REDELIVERY_MS,
    logger,
    ...(e.SIMULATOR_MINIAPP_URL ? { miniAppUrl: e.SIMULATOR_MINIAPP_URL } : {}),
    ...(e.SIMULATOR_PUBLIC_URL ? { publicUrl: e.SIMULATOR_PUBLIC_URL } : {}),
  });
  applyRegistry(sim, registry);
  logger.info(
    { url: sim.url, apps: (registry.apps ?? []).map((a) => a.clientId) },
    `钉钉模拟器已启动: ${sim.url} （DINGTALK_API_BASE = DINGTALK_OAPI_BASE = ${sim.url}）`,
  );

  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`模拟器启动失败: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
