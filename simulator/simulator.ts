import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { addAuthRoutes } from './authRoutes.ts';
import { addCalendarRoutes } from './calendarRoutes.ts';
import type { SimCalendarEvent } from './calendarStore.ts';
import { addCardRoutes } from './cardRoutes.ts';
import type { SimCard } from './cardStore.ts';
import {
  BodyTooLargeError,
  familyOf,
  type Handler,
  internalError,
  notFound,
  oapiError,
  Router,
  readBody,
  type SimResponse,
  tooLarge,
  writeResponse,
} from './httpKit.ts';
import { addOapiRoutes } from './oapiRoutes.ts';
import { type ClickParams, Platform, type SayParams } from './platform.ts';
import type { SimRecord } from './recorder.ts';
import type { SimApp, SimGroup, SimUser } from './registry.ts';
import { addRobotRoutes } from './robotRoutes.ts';
import { addSimRoutes } from './simRoutes.ts';
import type { ConnectionInfo } from './streamGateway.ts';

/**
 * The local DingTalk platform simulator: one HTTP server that answers both
 * hosts' paths (OpenAPI `/v1.0/…` and oapi `/gettoken`, `/topapi/…`,
 * `/robot/sendBySession`), the Stream WebSocket at `/connect`, the simulator's
 * own `/_sim/…` API and the chat page at `/`. The product points
 * DINGTALK_API_BASE and DINGTALK_OAPI_BASE at `url`.
 */

export type { SimCalendarEvent, SimEventAttendee, SimEventTime } from './calendarStore.ts';
export type { SimCard, SimCardSpace } from './cardStore.ts';
export { type ClickParams, type SayParams, type SimConversation, SimulatorError } from './platform.ts';
export type { SimAt, SimButton, SimContent, SimRecord, SimRecordKind } from './recorder.ts';
export type { SimApp, SimGroup, SimUser } from './registry.ts';
export type { ConnectionInfo } from './streamGateway.ts';
export { topicCard, topicRobot } from './streamGateway.ts';

export interface SimulatorOptions {
  /** default 127.0.0.1 */
  host?: string;
  /** 0 = a free port (default) */
  port?: number;
  /** resend an unacknowledged CALLBACK after this long (default 60 000) */
  redeliveryMs?: number;
  /** redeliveries after the first push before giving up (default 3) */
  maxRedeliveries?: number;
  /** connections/open ticket lifetime (default 90 000) */
  ticketTtlMs?: number;
  /** access token lifetime (default 7200) */
  tokenTtlSeconds?: number;
  /** SYSTEM ping period; 0 = off (default 30 000) */
  pingIntervalMs?: number;
  /** sessionWebhook lifetime after each message (default 90 min) */
  sessionWebhookTtlMs?: number;
  /** delay between SYSTEM disconnect and closing the socket (default 10 000) */
  disconnectDelayMs?: number;
  /** the H5 mini-app, for the chat page's link and the 免登 stand-in */
  miniAppUrl?: string;
  /** Linked from the chat page as “本地邮件” (the product's SMTP sink). */
  mailUrl?: string;
  /** base URL advertised in endpoints and sessionWebhooks when clients reach the simulator by another name */
  publicUrl?: string;
  /** default: silent */
  logger?: pino.Logger;
}

export interface Simulator {
  /** http://127.0.0.1:PORT — API base, oapi base and chat page */
  url: string;
  registerApp(a: SimApp): void;
  registerUser(u: SimUser): void;
  registerGroup(g: SimGroup): void;
  /** Resolves once the robot message was written to a connection or queued (or only recorded: group message without @). */
  say(p: SayParams): Promise<{ msgId: string; conversationId: string }>;
  /** Pushes an arbitrary CALLBACK data string to the robot's app (fuzz tests). */
  sendRaw(p: { robotCode: string; data: string; topic?: string }): void;
  /** Writes an arbitrary text frame to every open stream connection of the app (fuzz tests); returns how many. */
  sendRawFrame(p: { appClientId: string; text: string }): number;
  /** Resolves once the card CALLBACK was written or queued; the ack's response is applied to the card later. */
  clickCard(p: ClickParams): Promise<void>;
  records(filter?: {
    conversationId?: string;
    userId?: string;
    kind?: string;
    sinceSeq?: number;
  }): SimRecord[];
  /** First matching record, existing or future; rejects after timeoutMs (default 5000). */
  waitFor(pred: (r: SimRecord) => boolean, timeoutMs?: number): Promise<SimRecord>;
  /** A copy of the card's current state. */
  card(outTrackId: string): SimCard | undefined;
  /** Copies of a user's calendar events (by userId), ordered by start; [] for none. */
  calendarEvents(userId: string): SimCalendarEvent[];
  /** CALLBACKs not yet acknowledged (in flight or waiting for a connection). */
  pendingAcks(): number;
  /** Open connections (not told to disconnect), of one app or all. */
  connections(appClientId?: string): number;
  connectionInfo(): ConnectionInfo[];
  /** SYSTEM disconnect to every connection, then close each after disconnectDelayMs. */
  disconnectAll(reason?: string): void;
  /** The same for one connection (ids from connectionInfo()); false if it is unknown or already closing. */
  disconnect(connectionId: string, reason?: string): boolean;
  /** Expires every access token now. */
  expireTokens(): void;
  /** Issues a 免登 auth code for a user (what requestAuthCode returns in the client). */
  authCode(userId: string): string;
  close(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const platform = new Platform({
    redeliveryMs: opts.redeliveryMs ?? 60_000,
    maxRedeliveries: opts.maxRedeliveries ?? 3,
    ticketTtlMs: opts.ticketTtlMs ?? 90_000,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 7200,
    pingIntervalMs: opts.pingIntervalMs ?? 30_000,
    sessionWebhookTtlMs: opts.sessionWebhookTtlMs ?? 90 * 60_000,
    disconnectDelayMs: opts.disconnectDelayMs ?? 10_000,
    ...(opts.miniAppUrl === undefined ? {} : { miniAppUrl: opts.miniAppUrl }),
    ...(opts.mailUrl === undefined ? {} : { mailUrl: opts.mailUrl }),
    logger,
  });

  const router = new Router();
  addAuthRoutes(router, platform);
  addRobotRoutes(router, platform);
  addCardRoutes(router, platform);
  addOapiRoutes(router, platform);
  addSimRoutes(router, platform);
  const calendar = addCalendarRoutes(router, platform);
  const match = (method: string, path: string): Handler | 'wrongMethod' | undefined =>
    router.match(method, path) ?? calendar.match(method, path);

  const server = createServer((req, res) => {
    handle(match, platform, req, res).catch((err: unknown) => {
      logger.error({ err: String(err) }, 'request handling failed');
      writeResponse(res, internalError(familyOf(safePath(req))));
    });
  });
  // bounded so a slow or hostile client cannot hold the simulator
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.on('upgrade', (req, socket, head) => platform.gateway.handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const reachableHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${reachableHost}:${port}`;
  platform.publicUrl = (opts.publicUrl ?? url).replace(/\/+$/, '');
  logger.info({ url }, 'DingTalk simulator listening');

  let closed = false;
  return {
    url,
    registerApp: (a) => void platform.registry.upsertApp(a),
    registerUser: (u) => void platform.registry.upsertUser(u),
    registerGroup: (g) => void platform.registry.upsertGroup(g),
    say: async (p) => platform.say(p),
    sendRaw: (p) => platform.sendRaw(p),
    sendRawFrame: (p) => platform.gateway.sendRawFrame(p.appClientId, p.text),
    clickCard: async (p) => platform.clickCard(p),
    records: (filter) => platform.recorder.list(filter),
    waitFor: (pred, timeoutMs) => platform.recorder.waitFor(pred, timeoutMs),
    card: (outTrackId) => platform.cards.snapshot(outTrackId),
    calendarEvents: (userId) => platform.calendars.snapshot(userId),
    pendingAcks: () => platform.gateway.pendingAcks(),
    connections: (appClientId) => platform.gateway.connectionCount(appClientId),
    connectionInfo: () => platform.gateway.connectionInfo(),
    disconnectAll: (reason) => platform.gateway.disconnectAll(reason),
    disconnect: (connectionId, reason) => platform.gateway.disconnect(connectionId, reason),
    expireTokens: () => platform.tokens.expireAll(),
    authCode: (userId) => platform.authCodes.issue(platform.user(userId).userId),
    close: async () => {
      if (closed) return;
      closed = true;
      await platform.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function safePath(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://sim').pathname;
  } catch {
    return '/';
  }
}

async function handle(
  match: (method: string, path: string) => Handler | 'wrongMethod' | undefined,
  p: Platform,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = safePath(req);
  const family = familyOf(path);
  if (family === 'sim') {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type');
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
  }
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      res.setHeader('connection', 'close');
      writeResponse(res, tooLarge(family));
      req.resume();
      return;
    }
    throw err;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  if (family === 'sim' && method === 'OPTIONS') {
    writeResponse(res, { status: 204, text: '' });
    return;
  }
  const handler = match(method, path);
  let response: SimResponse;
  if (handler === undefined) {
    response = notFound(family);
  } else if (handler === 'wrongMethod') {
    // oapi topapi endpoints are POST-only and say so
    response = family === 'oapi' && method === 'GET' ? oapiError(43002, '需要POST请求') : notFound(family);
  } else {
    const query = new URL(req.url ?? '/', 'http://sim').searchParams;
    response = await handler({ method, path, query, headers: req.headers, body });
  }
  p.log.debug({ method, path, status: response.status }, 'request');
  writeResponse(res, response);
}
