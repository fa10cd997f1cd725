import { createRequire } from 'node:module';
import { test } from 'vitest';
import RobotDefault, * as $RobotNs from '@alicloud/dingtalk/dist/robot_1_0/client.js';
import * as OpenApi from '@alicloud/openapi-client';
test('probe', () => {
  const require = createRequire(import.meta.url);
  const r = require('@alicloud/dingtalk/robot_1_0');
  console.log('require default', typeof r.default, typeof r.BatchSendOTORequest);
  console.log('esm default', typeof RobotDefault, typeof (RobotDefault as unknown as {default: unknown}).default);
  console.log('esm ns default', typeof $RobotNs.default, typeof $RobotNs.BatchSendOTORequest);
  console.log('openapi', typeof OpenApi.Config, typeof (OpenApi as unknown as {default: unknown}).default);
});
