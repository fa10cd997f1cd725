import { createRequire } from 'node:module';
import type { Simulator } from '../../simulator/simulator.ts';

/**
 * The real @alicloud/dingtalk clients. The package is CommonJS without an
 * `exports` map: its default export is the Client class under vitest's interop
 * but the whole exports object under plain Node/tsx, so it is loaded with
 * require (each client's own file, not the index that loads all 130 of them)
 * and typed from the .d.ts.
 */
const require = createRequire(import.meta.url);
export const $Robot =
  require('@alicloud/dingtalk/dist/robot_1_0/client.js') as typeof import('@alicloud/dingtalk/dist/robot_1_0/client.js');
export const $Card =
  require('@alicloud/dingtalk/dist/card_1_0/client.js') as typeof import('@alicloud/dingtalk/dist/card_1_0/client.js');
export const $OpenApi = require('@alicloud/openapi-client') as typeof import('@alicloud/openapi-client');
export const $Util = require('@alicloud/tea-util') as typeof import('@alicloud/tea-util');

/** `new Config({protocol: 'http', endpoint: 'host:port'})` pointing the clients at the simulator (§a8). */
export function openApiConfig(sim: Simulator): InstanceType<typeof $OpenApi.Config> {
  return new $OpenApi.Config({
    protocol: 'http',
    endpoint: new URL(sim.url).host,
    readTimeout: 3000,
    connectTimeout: 3000,
  });
}
