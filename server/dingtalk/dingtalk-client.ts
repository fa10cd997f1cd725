import http from 'node:http';
import https from 'node:https';
import * as calendarNs from '@alicloud/dingtalk/dist/calendar_1_0/client.js';
import * as cardNs from '@alicloud/dingtalk/dist/card_1_0/client.js';
import * as robotNs from '@alicloud/dingtalk/dist/robot_1_0/client.js';
import * as openApiNs from '@alicloud/openapi-client';
import * as teaUtilNs from '@alicloud/tea-util';
import { DingTalkError } from './errors.ts';
import { type OutMessage, toRobotMsg, toWebhookBody, toWorkNoticeMsg } from './message.ts';
import { TokenProvider } from './token-provider.ts';

/**
 * The product's port to the DingTalk platform (or the local simulator, which
 * speaks the same protocol). OpenAPI calls go through the official
 * `@alicloud/dingtalk` clients with a configurable endpoint; the legacy oapi
 * host (work notices, 免登, user details) and sessionWebhooks are plain JSON
 * over fetch.
 */
export interface DingTalkPort {
  replyBySession(sessionWebhook: string, m: OutMessage): Promise<void>;
  sendToUsers(userIds: string[], m: OutMessage): Promise<void>;
  sendToGroup(openConversationId: string, m: OutMessage): Promise<void>;
  createCard(card: CardSpec): Promise<void>;
  updateCard(outTrackId: string, params: Record<string, string>): Promise<void>;
  sendWorkNotice(userIds: string[], m: OutMessage): Promise<void>;
  userFromAuthCode(code: string): Promise<{ userId: string; name: string }>;
  /** Creates an event in the user's (an engineer's) primary DingTalk calendar; returns its eventId. */
  createCalendarEvent(userId: string, event: CalendarEventSpec): Promise<string>;
  /** Replaces the event's summary, description, times and location. */
  updateCalendarEvent(userId: string, eventId: string, event: CalendarEventSpec): Promise<void>;
  /** Deletes the event; an event already gone counts as deleted. */
  deleteCalendarEvent(userId: string, eventId: string): Promise<void>;
}

/** A calendar event; times are sent as ISO-8601 in Asia/Shanghai (+08:00). */
export interface CalendarEventSpec {
  summary: string;
  description: string;
  start: Date;
  end: Date;
  location?: string;
}

export interface CardSpec {
  outTrackId: string;
  templateId: string;
  /** Template variables; DingTalk accepts string values only. */
  params: Record<string, string>;
  target: { kind: 'group'; conversationId: string } | { kind: 'user'; userId: string };
}

export interface DingTalkClientOptions {
  apiBase: string;
  oapiBase: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  agentId?: string;
}

// The SDK modules are CommonJS with `exports.default = Client`; under Node ESM
// a default import yields module.exports, under bundlers the class itself.
function interop<T>(m: T): T {
  return (m as { default?: T }).default ?? m;
}
const RobotClient = interop(robotNs.default);
const CardClient = interop(cardNs.default);
const CalendarClient = interop(calendarNs.default);
const OpenApiConfig = openApiNs.Config ?? (openApiNs.default as unknown as typeof openApiNs).Config;
const RuntimeOptions =
  teaUtilNs.RuntimeOptions ?? (teaUtilNs.default as unknown as typeof teaUtilNs).RuntimeOptions;

export class DingTalkClient implements DingTalkPort {
  readonly tokens: TokenProvider;
  private readonly robot: InstanceType<typeof RobotClient>;
  private readonly card: InstanceType<typeof CardClient>;
  private readonly calendar: InstanceType<typeof CalendarClient>;
  /** userid → unionid (stable per user on the platform) */
  private readonly unionIds = new Map<string, string>();

  constructor(private readonly opts: DingTalkClientOptions) {
    this.tokens = new TokenProvider(opts.apiBase, opts.clientId, opts.clientSecret);
    const url = new URL(opts.apiBase);
    const config = new OpenApiConfig({
      protocol: url.protocol.replace(':', ''),
      endpoint: url.host,
      readTimeout: 10_000,
      connectTimeout: 5_000,
    });
    this.robot = new RobotClient(config);
    this.card = new CardClient(config);
    this.calendar = new CalendarClient(config);
  }

  async replyBySession(sessionWebhook: string, m: OutMessage): Promise<void> {
    await this.oapiPost('sendBySession', sessionWebhook, toWebhookBody(m));
  }

  async sendToUsers(userIds: string[], m: OutMessage): Promise<void> {
    const { msgKey, msgParam } = toRobotMsg(m);
    for (let i = 0; i < userIds.length; i += 20) {
      const batch = userIds.slice(i, i + 20); // the API's limit per call
      await this.openApi('robot/oToMessages/batchSend', (token) =>
        this.robot.batchSendOTOWithOptions(
          new robotNs.BatchSendOTORequest({
            robotCode: this.opts.robotCode,
            userIds: batch,
            msgKey,
            msgParam,
          }),
          new robotNs.BatchSendOTOHeaders({ xAcsDingtalkAccessToken: token }),
          new RuntimeOptions({}),
        ),
      );
    }
  }

  async sendToGroup(openConversationId: string, m: OutMessage): Promise<void> {
    const { msgKey, msgParam } = toRobotMsg(m);
    await this.openApi('robot/groupMessages/send', (token) =>
      this.robot.orgGroupSendWithOptions(
        new robotNs.OrgGroupSendRequest({
          robotCode: this.opts.robotCode,
          openConversationId,
          msgKey,
          msgParam,
        }),
        new robotNs.OrgGroupSendHeaders({ xAcsDingtalkAccessToken: token }),
        new RuntimeOptions({}),
      ),
    );
  }

  async createCard(card: CardSpec): Promise<void> {
    const base = {
      cardTemplateId: card.templateId,
      outTrackId: card.outTrackId,
      callbackType: 'STREAM',
      cardData: new cardNs.CreateAndDeliverRequestCardData({ cardParamMap: card.params }),
      userIdType: 1,
    };
    const request =
      card.target.kind === 'group'
        ? new cardNs.CreateAndDeliverRequest({
            ...base,
            openSpaceId: `dtv1.card//IM_GROUP.${card.target.conversationId}`,
            imGroupOpenSpaceModel: new cardNs.CreateAndDeliverRequestImGroupOpenSpaceModel({
              supportForward: true,
            }),
            imGroupOpenDeliverModel: new cardNs.CreateAndDeliverRequestImGroupOpenDeliverModel({
              robotCode: this.opts.robotCode,
            }),
          })
        : new cardNs.CreateAndDeliverRequest({
            ...base,
            openSpaceId: `dtv1.card//IM_ROBOT.${card.target.userId}`,
            imRobotOpenSpaceModel: new cardNs.CreateAndDeliverRequestImRobotOpenSpaceModel({
              supportForward: true,
            }),
            imRobotOpenDeliverModel: new cardNs.CreateAndDeliverRequestImRobotOpenDeliverModel({
              spaceType: 'IM_ROBOT',
              robotCode: this.opts.robotCode,
            }),
          });
    await this.openApi('card/instances/createAndDeliver', (token) =>
      this.card.createAndDeliverWithOptions(
        request,
        new cardNs.CreateAndDeliverHeaders({ xAcsDingtalkAccessToken: token }),
        new RuntimeOptions({}),
      ),
    );
  }

  async updateCard(outTrackId: string, params: Record<string, string>): Promise<void> {
    await this.openApi('card/instances (update)', (token) =>
      this.card.updateCardWithOptions(
        new cardNs.UpdateCardRequest({
          outTrackId,
          cardData: new cardNs.UpdateCardRequestCardData({ cardParamMap: params }),
          cardUpdateOptions: new cardNs.UpdateCardRequestCardUpdateOptions({ updateCardDataByKey: true }),
          userIdType: 1,
        }),
        new cardNs.UpdateCardHeaders({ xAcsDingtalkAccessToken: token }),
        new RuntimeOptions({}),
      ),
    );
  }

  async sendWorkNotice(userIds: string[], m: OutMessage): Promise<void> {
    if (!this.opts.agentId) throw new DingTalkError('asyncsend_v2', 'config', 'DINGTALK_AGENT_ID is not set');
    for (let i = 0; i < userIds.length; i += 100) {
      const batch = userIds.slice(i, i + 100);
      await this.withToken((token) =>
        this.oapiPost(
          'asyncsend_v2',
          `${this.opts.oapiBase}/topapi/message/corpconversation/asyncsend_v2?access_token=${token}`,
          {
            agent_id: Number(this.opts.agentId),
            userid_list: batch.join(','),
            to_all_user: false,
            msg: toWorkNoticeMsg(m),
          },
        ),
      );
    }
  }

  async userFromAuthCode(code: string): Promise<{ userId: string; name: string }> {
    const body = await this.withToken((token) =>
      this.oapiPost('getuserinfo', `${this.opts.oapiBase}/topapi/v2/user/getuserinfo?access_token=${token}`, {
        code,
      }),
    );
    const result = body.result as { userid?: string; name?: string } | undefined;
    if (!result?.userid) throw new DingTalkError('getuserinfo', 'noUser', 'no userid in result');
    return { userId: result.userid, name: result.name ?? result.userid };
  }

  async createCalendarEvent(userId: string, event: CalendarEventSpec): Promise<string> {
    const unionId = await this.unionIdOf(userId);
    const res = await this.openApi('calendar/events (create)', (token) =>
      this.calendar.createEventWithOptions(
        encodeURIComponent(unionId),
        'primary',
        new calendarNs.CreateEventRequest({
          summary: event.summary,
          description: event.description,
          start: new calendarNs.CreateEventRequestStart(eventTime(event.start)),
          end: new calendarNs.CreateEventRequestEnd(eventTime(event.end)),
          ...(event.location
            ? { location: new calendarNs.CreateEventRequestLocation({ displayName: event.location }) }
            : {}),
        }),
        new calendarNs.CreateEventHeaders({ xAcsDingtalkAccessToken: token }),
        new RuntimeOptions({}),
      ),
    );
    const eventId = res.body?.id;
    if (!eventId) throw new DingTalkError('calendar/events (create)', 'noEventId', 'no id in the response');
    return eventId;
  }

  async updateCalendarEvent(userId: string, eventId: string, event: CalendarEventSpec): Promise<void> {
    const unionId = await this.unionIdOf(userId);
    await this.openApi('calendar/events (update)', (token) =>
      this.calendar.patchEventWithOptions(
        encodeURIComponent(unionId),
        'primary',
        encodeURIComponent(eventId),
        new calendarNs.PatchEventRequest({
          id: eventId,
          summary: event.summary,
          description: event.description,
          start: new calendarNs.PatchEventRequestStart(eventTime(event.start)),
          end: new calendarNs.PatchEventRequestEnd(eventTime(event.end)),
          // PatchEvent keeps omitted fields: an empty name clears a location the spec no longer has
          location: new calendarNs.PatchEventRequestLocation({ displayName: event.location ?? '' }),
        }),
        new calendarNs.PatchEventHeaders({ xAcsDingtalkAccessToken: token }),
        new RuntimeOptions({}),
      ),
    );
  }

  async deleteCalendarEvent(userId: string, eventId: string): Promise<void> {
    const unionId = await this.unionIdOf(userId);
    try {
      await this.openApi('calendar/events (delete)', (token) =>
        this.calendar.deleteEventWithOptions(
          encodeURIComponent(unionId),
          'primary',
          encodeURIComponent(eventId),
          new calendarNs.DeleteEventRequest({}),
          new calendarNs.DeleteEventHeaders({ xAcsDingtalkAccessToken: token }),
          new RuntimeOptions({}),
        ),
      );
    } catch (err) {
      // the event is gone (deleted before, or by the engineer); an unknown path is not
      if (err instanceof DingTalkError && err.status === 404 && err.code !== 'InvalidAction.NotFound') return;
      throw err;
    }
  }

  /** The calendar API names users by unionid: looked up once per userid (topapi/v2/user/get). */
  private async unionIdOf(userId: string): Promise<string> {
    const cached = this.unionIds.get(userId);
    if (cached) return cached;
    const body = await this.withToken((token) =>
      this.oapiPost('user/get', `${this.opts.oapiBase}/topapi/v2/user/get?access_token=${token}`, {
        userid: userId,
        language: 'zh_CN',
      }),
    );
    const unionId = (body.result as { unionid?: unknown } | undefined)?.unionid;
    if (typeof unionId !== 'string' || unionId === '')
      throw new DingTalkError('user/get', 'noUnionId', `no unionid for user ${userId}`);
    this.unionIds.set(userId, unionId);
    return unionId;
  }

  /** Runs an OpenAPI call with the app token; refreshes the token once on an auth error. */
  private async openApi<T>(api: string, call: (token: string) => Promise<T>): Promise<T> {
    return this.withToken(async (token) => {
      try {
        return await call(token);
      } catch (err) {
        throw toDingTalkError(api, err);
      }
    });
  }

  private async withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    try {
      return await call(await this.tokens.get());
    } catch (err) {
      if (err instanceof DingTalkError && err.isAuth) {
        this.tokens.invalidate();
        return call(await this.tokens.get());
      }
      throw err;
    }
  }

  /** oapi family: HTTP 200 with errcode; anything else non-zero is an error. */
  private async oapiPost(api: string, url: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await postJson(url, body, 10_000).catch((err: Error) => {
      throw new DingTalkError(api, 'network', err.message);
    });
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(res.text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (!json) throw new DingTalkError(api, `http${res.status}`, 'response is not JSON', res.status);
    const errcode = json.errcode ?? 0;
    if (errcode !== 0 && errcode !== '0')
      throw new DingTalkError(api, String(errcode), String(json.errmsg ?? ''), res.status);
    return json;
  }
}

// Every chat reply is one POST to a sessionWebhook: kept-alive connections through node:http cost a
// fraction of the CPU of fetch (undici) per request, which the bot's turn latency shows.
const keepAlive = { keepAlive: true, maxSockets: 64 };
const httpAgent = new http.Agent(keepAlive);
const httpsAgent = new https.Agent(keepAlive);

/** POST a JSON body; resolves with the status and the body text, rejects on network errors and timeouts. */
function postJson(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      target,
      {
        method: 'POST',
        agent: secure ? httpsAgent : httpAgent,
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Content-Length': payload.length,
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** `2026-03-02T09:30:00+08:00` in Asia/Shanghai (UTC+8 all year, no DST since 1991). */
function eventTime(d: Date): { dateTime: string; timeZone: string } {
  if (Number.isNaN(d.getTime())) throw new RangeError('calendar event time is not a valid Date');
  const local = new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
  return { dateTime: `${local}+08:00`, timeZone: 'Asia/Shanghai' };
}

function toDingTalkError(api: string, err: unknown): DingTalkError {
  if (err instanceof DingTalkError) return err;
  const e = err as { code?: unknown; message?: unknown; data?: { statusCode?: number; message?: string } };
  return new DingTalkError(
    api,
    typeof e.code === 'string' ? e.code : 'network',
    String(e.data?.message ?? e.message ?? err),
    e.data?.statusCode,
  );
}
