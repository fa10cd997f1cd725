import { DWClient, type DWClientDownStream } from 'dingtalk-stream';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../simulator/simulator.ts';

/**
 * Shared fixtures: a simulator with a small registry, the real Stream SDK
 * pointed at it (§a8), and the real @alicloud/dingtalk clients.
 */

export const app1 = {
  name: '售后服务台',
  clientId: 'dingapp1',
  clientSecret: 'secret-1',
  corpId: 'dingcorp1',
  agentId: 3001,
};
export const app2 = {
  name: '另一个应用',
  clientId: 'dingapp2',
  clientSecret: 'secret-2',
  corpId: 'dingcorp1',
  agentId: 3002,
};
export const group1 = 'cidGroupOne==';

export async function startTestSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ redeliveryMs: 150, pingIntervalMs: 0, disconnectDelayMs: 50, ...opts });
  sim.registerApp(app1);
  sim.registerApp(app2);
  sim.registerUser({
    userId: 'u1',
    name: '张三',
    corpId: 'dingcorp1',
    mobile: '13800000001',
    title: '工程师',
  });
  sim.registerUser({ userId: 'u2', name: '李四', corpId: 'dingcorp1', isAdmin: true });
  sim.registerUser({ userId: 'ext1', name: '外部客户', corpId: 'dingcorpX', external: true });
  sim.registerUser({ userId: 'other', name: '别的企业', corpId: 'dingcorp2' });
  sim.registerGroup({
    openConversationId: group1,
    title: '售后工程师群',
    memberUserIds: ['u1', 'u2', 'ext1'],
    robotCodes: [app1.clientId],
  });
  return sim;
}

/** The Stream SDK's DWClient, pointed at the simulator by overriding getEndpoint() (§a8). */
export class SimDWClient extends DWClient {
  received: DWClientDownStream[] = [];

  constructor(
    opts: { clientId: string; clientSecret: string; autoReconnect?: boolean },
    private readonly apiBase: string,
  ) {
    super({ clientId: opts.clientId, clientSecret: opts.clientSecret, debug: false, keepAlive: false });
    // the SDK's default subscriptions array is shared by every instance (§a7)
    this.config.subscriptions = [{ type: 'EVENT', topic: '*' }];
    this.config.autoReconnect = opts.autoReconnect ?? false;
  }

  override async getEndpoint(): Promise<this> {
    const res = await fetch(`${this.apiBase}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: 'servicedesk-test/1.0',
        subscriptions: this.config.subscriptions,
      }),
    });
    const body = (await res.json()) as { endpoint?: string; ticket?: string; code?: string };
    if (!res.ok || !body.endpoint || !body.ticket)
      throw new Error(`connections/open ${res.status} ${body.code ?? ''}`);
    (this as unknown as { dw_url: string }).dw_url = `${body.endpoint}?ticket=${body.ticket}`;
    return this;
  }

  /** Records every frame of a topic; acks with `ack(frame)` when it returns a value other than false. */
  listen(topic: string, ack?: (frame: DWClientDownStream) => unknown): this {
    this.registerCallbackListener(topic, (frame) => {
      this.received.push(frame);
      const result = ack?.(frame);
      if (ack && result !== false) this.socketCallBackResponse(frame.headers.messageId, result ?? null);
    });
    return this;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until cond() holds; fails the test with `what` after timeoutMs. */
export async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export async function getToken(
  sim: Simulator,
  app: { clientId: string; clientSecret: string },
): Promise<string> {
  const res = await fetch(`${sim.url}/v1.0/oauth2/accessToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appKey: app.clientId, appSecret: app.clientSecret }),
  });
  const body = (await res.json()) as { accessToken: string };
  return body.accessToken;
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

/**
 * The SDK 2.1.5 always prints "connect success"/"Disconnecting." and socket
 * errors with console.info/warn; this drops those lines during a test file.
 */
export function quietSdkConsole(): () => void {
  const info = console.info;
  const warn = console.warn;
  const isSdk = (args: unknown[]): boolean =>
    typeof args[0] === 'string' &&
    /connect success|Disconnecting\.|^ERROR$/.test(args[0].replace(/^\[[^\]]+\] /, ''));
  console.info = (...args: unknown[]) => {
    if (!isSdk(args)) info(...args);
  };
  console.warn = (...args: unknown[]) => {
    if (!isSdk(args)) warn(...args);
  };
  return () => {
    console.info = info;
    console.warn = warn;
  };
}
