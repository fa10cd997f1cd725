import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type pino from 'pino';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { newStreamMessageId, newToken, newUuid } from './ids.ts';

/**
 * The Stream-mode side of the platform (§a): one-use tickets, WebSocket
 * connections, SYSTEM ping/disconnect, CALLBACK delivery to one random
 * subscribed connection, ack tracking by headers.messageId and redelivery of
 * unacknowledged pushes with the same data.
 */

export const topicRobot = '/v1.0/im/bot/messages/get';
export const topicCard = '/v1.0/card/instances/callback';

export interface Subscription {
  type: 'EVENT' | 'CALLBACK';
  topic: string;
}

export interface GatewayOptions {
  ticketTtlMs: number;
  pingIntervalMs: number;
  redeliveryMs: number;
  maxRedeliveries: number;
  disconnectDelayMs: number;
  logger: pino.Logger;
  /** the app's uuid-shaped appId for headers.appId */
  appIdOf: (clientId: string) => string;
}

export interface ConnectionInfo {
  connectionId: string;
  clientId: string;
  openedAt: number;
  topics: string[];
  closing: boolean;
  pingsSent: number;
  pingsEchoed: number;
}

/** What the client answered to a CALLBACK (§a4). */
export interface Ack {
  code: number;
  /** `data` parsed; for CALLBACKs `{response: …}` */
  data: unknown;
  /** `data` as sent, in case it was not JSON */
  rawData: string | undefined;
}

interface Ticket {
  clientId: string;
  subscriptions: Subscription[];
  expiresAt: number;
}

interface Connection {
  id: string;
  clientId: string;
  ws: WebSocket;
  callbackTopics: Set<string>;
  openedAt: number;
  closing: boolean;
  /** messageId → opaque data of pings not yet echoed */
  pendingPings: Map<string, string>;
  missedPings: number;
  pingsSent: number;
  pingsEchoed: number;
}

interface Delivery {
  clientId: string;
  topic: string;
  data: string;
  /** every headers.messageId this push was sent under; an ack to any of them counts */
  messageIds: string[];
  attempts: number;
  timer: NodeJS.Timeout | undefined;
  onAck: ((ack: Ack) => void) | undefined;
}

const clientFrameSchema = z.object({
  code: z.number().int(),
  headers: z.looseObject({ messageId: z.string().min(1).max(256), topic: z.string().optional() }),
  message: z.string().optional(),
  data: z.string().optional(),
});

/** Two unanswered pings in a row and the connection is considered dead. */
const maxMissedPings = 2;

export class StreamGateway {
  private readonly tickets = new Map<string, Ticket>();
  private readonly conns = new Map<string, Connection>();
  /** deliveries not yet acknowledged (in flight or waiting for a connection) */
  private readonly deliveries = new Set<Delivery>();
  private readonly byMessageId = new Map<string, Delivery>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly pingTimer: NodeJS.Timeout | undefined;
  private readonly closeTimers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly opts: GatewayOptions) {
    if (opts.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.pingAll(), opts.pingIntervalMs);
      this.pingTimer.unref();
    }
  }

  /** connections/open: a ticket valid ticketTtlMs for one connection. */
  openTicket(clientId: string, subscriptions: Subscription[]): string {
    const now = Date.now();
    for (const [k, t] of this.tickets) if (t.expiresAt <= now) this.tickets.delete(k);
    const ticket = newUuid();
    this.tickets.set(ticket, { clientId, subscriptions, expiresAt: now + this.opts.ticketTtlMs });
    return ticket;
  }

  /** HTTP upgrade on the shared server; bad, reused or expired tickets get 401, never 101. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => this.opts.logger.debug({ err: err.message }, 'upgrade socket error'));
    if (this.closed) {
      refuse(socket, 503, 'Service Unavailable', 'simulator closing');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sim');
    } catch {
      refuse(socket, 400, 'Bad Request', 'bad url');
      return;
    }
    if (url.pathname !== '/connect') {
      refuse(socket, 404, 'Not Found', 'unknown path');
      return;
    }
    const ticketId = url.searchParams.get('ticket') ?? '';
    const ticket = this.tickets.get(ticketId);
    // one use: the ticket is spent even if the handshake fails below
    this.tickets.delete(ticketId);
    if (!ticket || ticket.expiresAt <= Date.now()) {
      this.opts.logger.info({ reused: !ticket }, 'stream handshake refused: bad, reused or expired ticket');
      refuse(socket, 401, 'Unauthorized', 'invalid ticket');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onOpen(ws, ticket));
  }

  private onOpen(ws: WebSocket, ticket: Ticket): void {
    const conn: Connection = {
      id: newUuid(),
      clientId: ticket.clientId,
      ws,
      callbackTopics: new Set(ticket.subscriptions.filter((s) => s.type === 'CALLBACK').map((s) => s.topic)),
      openedAt: Date.now(),
      closing: false,
      pendingPings: new Map(),
      missedPings: 0,
      pingsSent: 0,
      pingsEchoed: 0,
    };
    this.conns.set(conn.id, conn);
    this.opts.logger.info({ connectionId: conn.id, clientId: conn.clientId }, 'stream connection open');
    ws.on('message', (raw, isBinary) => this.onClientFrame(conn, raw, isBinary));
    ws.on('error', (err) => this.opts.logger.debug({ connectionId: conn.id, err: err.message }, 'ws error'));
    ws.on('close', () => {
      this.conns.delete(conn.id);
      this.opts.logger.info({ connectionId: conn.id }, 'stream connection closed');
    });
    // pushes that waited for a connection of this app go out now
    for (const d of this.deliveries) {
      if (d.clientId === conn.clientId && d.timer === undefined && conn.callbackTopics.has(d.topic))
        this.write(d, conn);
    }
  }

  private onClientFrame(conn: Connection, raw: RawData, isBinary: boolean): void {
    const text = isBinary ? undefined : rawToString(raw);
    let parsed: unknown;
    try {
      parsed = text === undefined ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const frame = clientFrameSchema.safeParse(parsed);
    if (!frame.success) {
      this.opts.logger.warn(
        { connectionId: conn.id, sample: (text ?? '<binary>').slice(0, 200) },
        'malformed client frame ignored',
      );
      return;
    }
    const { messageId } = frame.data.headers;
    const ping = conn.pendingPings.get(messageId);
    if (ping !== undefined) {
      conn.pendingPings.delete(messageId);
      if (frame.data.code === 200 && frame.data.data === ping) {
        conn.pingsEchoed += 1;
        conn.missedPings = 0;
      } else {
        this.opts.logger.warn(
          { connectionId: conn.id },
          'ping answered without echoing code 200 and the same data',
        );
      }
      return;
    }
    const d = this.byMessageId.get(messageId);
    if (!d || d.clientId !== conn.clientId) {
      this.opts.logger.warn({ connectionId: conn.id, messageId }, 'response for unknown messageId ignored');
      return;
    }
    if (frame.data.code !== 200) {
      // 404/500 answers are not acks: the push stays pending and is redelivered
      this.opts.logger.info({ messageId, code: frame.data.code }, 'callback answered with an error code');
      return;
    }
    this.settle(d);
    let data: unknown;
    try {
      data = frame.data.data === undefined ? undefined : JSON.parse(frame.data.data);
    } catch {
      data = undefined;
    }
    try {
      d.onAck?.({ code: frame.data.code, data, rawData: frame.data.data });
    } catch (err) {
      this.opts.logger.error({ err: String(err) }, 'ack handler failed');
    }
  }

  /**
   * Pushes a CALLBACK to one random live connection of the app that subscribed
   * the topic, or keeps it until one connects. Returns whether it was written.
   */
  deliver(clientId: string, topic: string, data: string, onAck?: (ack: Ack) => void): 'written' | 'queued' {
    const d: Delivery = { clientId, topic, data, messageIds: [], attempts: 0, timer: undefined, onAck };
    this.deliveries.add(d);
    const conn = this.pick(clientId, topic);
    if (!conn) {
      this.opts.logger.info({ clientId, topic }, 'no subscribed connection: push queued');
      return 'queued';
    }
    this.write(d, conn);
    return 'written';
  }

  private pick(clientId: string, topic: string): Connection | undefined {
    const live = [...this.conns.values()].filter(
      (c) =>
        c.clientId === clientId &&
        !c.closing &&
        c.ws.readyState === WebSocket.OPEN &&
        c.callbackTopics.has(topic),
    );
    return live[Math.floor(Math.random() * live.length)];
  }

  private write(d: Delivery, conn: Connection): void {
    const messageId = newStreamMessageId();
    d.messageIds.push(messageId);
    this.byMessageId.set(messageId, d);
    d.attempts += 1;
    const frame = {
      specVersion: '1.0',
      type: 'CALLBACK',
      headers: {
        appId: this.opts.appIdOf(d.clientId),
        connectionId: conn.id,
        contentType: 'application/json',
        messageId,
        time: String(Date.now()),
        topic: d.topic,
      },
      data: d.data,
    };
    conn.ws.send(JSON.stringify(frame));
    if (d.timer) clearTimeout(d.timer);
    d.timer = setTimeout(() => this.onAckTimeout(d), this.opts.redeliveryMs);
    d.timer.unref();
  }

  private onAckTimeout(d: Delivery): void {
    d.timer = undefined;
    if (d.attempts > this.opts.maxRedeliveries) {
      this.opts.logger.warn({ topic: d.topic, attempts: d.attempts }, 'callback never acknowledged: dropped');
      this.settle(d);
      return;
    }
    const conn = this.pick(d.clientId, d.topic);
    if (!conn) return; // stays pending without a timer; the next connection of the app gets it
    this.opts.logger.info(
      { topic: d.topic, attempt: d.attempts + 1 },
      'redelivering unacknowledged callback',
    );
    this.write(d, conn);
  }

  private settle(d: Delivery): void {
    if (d.timer) clearTimeout(d.timer);
    d.timer = undefined;
    this.deliveries.delete(d);
    for (const id of d.messageIds) this.byMessageId.delete(id);
  }

  private pingAll(): void {
    for (const conn of this.conns.values()) {
      if (conn.closing || conn.ws.readyState !== WebSocket.OPEN) continue;
      if (conn.pendingPings.size > 0) {
        conn.missedPings += 1;
        if (conn.missedPings >= maxMissedPings) {
          this.opts.logger.warn({ connectionId: conn.id }, 'ping not echoed: connection dropped');
          conn.ws.terminate();
          continue;
        }
      }
      // only the latest few pings can still be echoed
      if (conn.pendingPings.size > 3) conn.pendingPings.clear();
      const messageId = newStreamMessageId();
      const data = JSON.stringify({ opaque: newToken(8) });
      conn.pendingPings.set(messageId, data);
      conn.pingsSent += 1;
      conn.ws.send(
        JSON.stringify({
          specVersion: '1.0',
          type: 'SYSTEM',
          headers: { topic: 'ping', messageId, contentType: 'application/json', time: String(Date.now()) },
          data,
        }),
      );
    }
  }

  /** SYSTEM disconnect, then the server closes the socket after disconnectDelayMs (§a5). */
  disconnect(connectionId: string, reason = 'connection is expired'): boolean {
    const conn = this.conns.get(connectionId);
    if (!conn || conn.closing) return false;
    conn.closing = true;
    if (conn.ws.readyState === WebSocket.OPEN) {
      conn.ws.send(
        JSON.stringify({
          specVersion: '1.0',
          type: 'SYSTEM',
          headers: {
            topic: 'disconnect',
            messageId: newStreamMessageId(),
            contentType: 'application/json',
            time: String(Date.now()),
          },
          data: JSON.stringify({ reason }),
        }),
      );
    }
    const t = setTimeout(() => {
      this.closeTimers.delete(t);
      conn.ws.close(1000, 'disconnect');
      // a client that ignores the close handshake is cut off
      const hard = setTimeout(() => {
        this.closeTimers.delete(hard);
        conn.ws.terminate();
      }, 1000);
      hard.unref();
      this.closeTimers.add(hard);
    }, this.opts.disconnectDelayMs);
    t.unref();
    this.closeTimers.add(t);
    return true;
  }

  /**
   * Writes an arbitrary text frame, as is, to every open connection of the app
   * (fuzz tests: malformed frames). Returns how many connections it went to.
   */
  sendRawFrame(clientId: string, text: string): number {
    let n = 0;
    for (const c of this.conns.values()) {
      if (c.clientId !== clientId || c.closing || c.ws.readyState !== WebSocket.OPEN) continue;
      c.ws.send(text);
      n += 1;
    }
    return n;
  }

  disconnectAll(reason?: string, clientId?: string): void {
    for (const c of [...this.conns.values()])
      if (clientId === undefined || c.clientId === clientId) this.disconnect(c.id, reason);
  }

  /** Unacknowledged CALLBACKs: in flight or waiting for a connection. */
  pendingAcks(): number {
    return this.deliveries.size;
  }

  connectionCount(clientId?: string): number {
    let n = 0;
    for (const c of this.conns.values()) {
      if (
        !c.closing &&
        c.ws.readyState === WebSocket.OPEN &&
        (clientId === undefined || c.clientId === clientId)
      )
        n += 1;
    }
    return n;
  }

  connectionInfo(): ConnectionInfo[] {
    return [...this.conns.values()].map((c) => ({
      connectionId: c.id,
      clientId: c.clientId,
      openedAt: c.openedAt,
      topics: [...c.callbackTopics],
      closing: c.closing,
      pingsSent: c.pingsSent,
      pingsEchoed: c.pingsEchoed,
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    for (const t of this.closeTimers) clearTimeout(t);
    this.closeTimers.clear();
    for (const d of [...this.deliveries]) this.settle(d);
    for (const c of this.conns.values()) c.ws.terminate();
    this.conns.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function rawToString(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
  return raw.toString('utf8');
}

function refuse(socket: Duplex, status: number, statusText: string, message: string): void {
  const body = JSON.stringify({ code: status === 401 ? 'invalidTicket' : 'refused', message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
