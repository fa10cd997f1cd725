import type pino from 'pino';
import { AuthCodeStore } from './authCodeStore.ts';
import { CalendarStore } from './calendarStore.ts';
import { cardResponseSchema } from './cardResponse.ts';
import { CardStore, type SimCardSpace } from './cardStore.ts';
import { isRecord } from './fieldAccess.ts';
import { encryptedId, newBase64Key, newMsgId, oneToOneConversationId } from './ids.ts';
import { Recorder, type SimContent } from './recorder.ts';
import { type RegisteredApp, type RegisteredGroup, type RegisteredUser, Registry } from './registry.ts';
import { SessionStore } from './sessionStore.ts';
import { type Ack, StreamGateway, topicCard, topicRobot } from './streamGateway.ts';
import { TokenStore } from './tokenStore.ts';

/**
 * The simulated platform's state and the user-side actions (a user says
 * something, clicks a card button). HTTP routes and the programmatic API are
 * thin layers over this.
 */

export interface PlatformOptions {
  redeliveryMs: number;
  maxRedeliveries: number;
  ticketTtlMs: number;
  tokenTtlSeconds: number;
  pingIntervalMs: number;
  sessionWebhookTtlMs: number;
  disconnectDelayMs: number;
  miniAppUrl?: string;
  /** The product's local mail sink page, linked from the chat page (mail the product sent). */
  mailUrl?: string;
  logger: pino.Logger;
}

/** A thing a user does that the platform refuses (unknown user, not a member…); message in zh-CN. */
export class SimulatorError extends Error {}

export interface SayParams {
  userId: string;
  robotCode: string;
  /** a group's openConversationId; omit for the 1:1 chat with the robot */
  conversationId?: string;
  msgId?: string;
  /** required for text messages */
  text?: string;
  msgtype?: 'text' | 'picture' | 'file';
  /** file messages */
  fileName?: string;
  /** what the download URL of a picture or file serves */
  fileContent?: string;
  /** groups: whether the robot is @-ed (default true); without it the robot receives nothing */
  atRobot?: boolean;
  /** groups: other members @-ed in the same message */
  atUserIds?: string[];
}

export interface ClickParams {
  userId: string;
  outTrackId: string;
  actionId: string;
  params?: Record<string, string>;
}

export interface SimConversation {
  conversationId: string;
  conversationType: '1' | '2';
  title: string;
  robotCodes: string[];
}

export interface SimFile {
  fileName: string;
  content: string;
  robotCode: string;
}

export class Platform {
  readonly registry = new Registry();
  readonly recorder = new Recorder();
  readonly tokens: TokenStore;
  readonly sessions: SessionStore;
  readonly authCodes = new AuthCodeStore();
  readonly cards = new CardStore();
  readonly calendars = new CalendarStore();
  readonly gateway: StreamGateway;
  readonly files = new Map<string, SimFile>();
  readonly log: pino.Logger;
  /** base URL advertised in endpoints and sessionWebhooks; set once listening */
  publicUrl = '';

  constructor(readonly opts: PlatformOptions) {
    this.log = opts.logger;
    this.tokens = new TokenStore(opts.tokenTtlSeconds);
    this.sessions = new SessionStore(opts.sessionWebhookTtlMs);
    this.gateway = new StreamGateway({
      ticketTtlMs: opts.ticketTtlMs,
      pingIntervalMs: opts.pingIntervalMs,
      redeliveryMs: opts.redeliveryMs,
      maxRedeliveries: opts.maxRedeliveries,
      disconnectDelayMs: opts.disconnectDelayMs,
      logger: opts.logger,
      appIdOf: (clientId) => this.registry.app(clientId)?.appId ?? '',
    });
  }

  robotApp(robotCode: string): RegisteredApp {
    const app = this.registry.appByRobotCode(robotCode);
    if (!app) throw new SimulatorError(`机器人 ${robotCode} 未注册`);
    return app;
  }

  user(userId: string): RegisteredUser {
    const user = this.registry.user(userId);
    if (!user) throw new SimulatorError(`用户 ${userId} 未注册`);
    return user;
  }

  /** A registered user says something to a robot, 1:1 or in a group. */
  say(p: SayParams): { msgId: string; conversationId: string } {
    const app = this.robotApp(p.robotCode);
    const user = this.user(p.userId);
    const msgtype = p.msgtype ?? 'text';
    if (msgtype === 'text' && (p.text === undefined || p.text.trim() === ''))
      throw new SimulatorError('消息内容不能为空');
    let group: RegisteredGroup | undefined;
    if (p.conversationId !== undefined) {
      group = this.registry.group(p.conversationId);
      if (!group) throw new SimulatorError(`群 ${p.conversationId} 不存在`);
      if (!group.memberUserIds.includes(user.userId))
        throw new SimulatorError(`${user.name} 不是群「${group.title}」的成员`);
      if (!group.robotCodes.includes(p.robotCode))
        throw new SimulatorError(`机器人 ${p.robotCode} 不在群「${group.title}」中`);
    }
    const conversationId = group
      ? group.openConversationId
      : oneToOneConversationId(p.robotCode, user.userId);
    const conversationType = group ? '2' : '1';
    const msgId = p.msgId ?? newMsgId();
    const createAt = Date.now();

    let body: Record<string, unknown>;
    let content: SimContent;
    if (msgtype === 'text') {
      const text = p.text ?? '';
      // in groups the @robot is cut out of the text, leaving its leading space (§b)
      const delivered = group ? ` ${text}` : text;
      body = { text: { content: delivered } };
      content = { type: 'text', text };
    } else {
      const downloadCode = newBase64Key(24);
      const fileName = p.fileName ?? (msgtype === 'picture' ? 'image.png' : 'file.txt');
      this.files.set(downloadCode, { fileName, content: p.fileContent ?? '', robotCode: p.robotCode });
      if (msgtype === 'picture') {
        body = { content: { pictureDownloadCode: newBase64Key(18), downloadCode } };
        content = { type: 'picture', downloadCode };
      } else {
        body = {
          content: {
            spaceId: String(100000 + Math.floor(Math.random() * 900000)),
            fileName,
            downloadCode,
            fileId: newBase64Key(9),
          },
        };
        content = { type: 'file', fileName, downloadCode };
      }
    }

    const atRobot = group ? p.atRobot !== false : true;
    // groups do not pass audio, video or file messages to robots (§b)
    const delivered = atRobot && !(group && msgtype === 'file');
    this.recorder.add({
      kind: 'inbound',
      appClientId: app.clientId,
      robotCode: p.robotCode,
      conversationId,
      conversationType,
      userId: user.userId,
      msgId,
      delivered,
      content,
    });
    if (!delivered) return { msgId, conversationId };

    const session = this.sessions.touch({
      appClientId: app.clientId,
      robotCode: p.robotCode,
      conversationId,
      conversationType,
      userId: user.userId,
      createAt,
    });
    const chatbotUserId = encryptedId('bot', p.robotCode);
    const data: Record<string, unknown> = {
      senderPlatform: 'Web',
      conversationId,
      chatbotCorpId: app.corpId,
      chatbotUserId,
      msgId,
      senderNick: user.name,
      isAdmin: user.isAdmin,
      senderStaffId: user.external ? '' : user.userId,
      senderUnionId: user.unionId,
      sessionWebhookExpiredTime: session.expiresAt,
      createAt,
      senderCorpId: user.corpId,
      conversationType,
      senderId: encryptedId('user', user.userId),
      sessionWebhook: `${this.publicUrl}/robot/sendBySession?session=${session.session}`,
      robotCode: p.robotCode,
      msgtype,
      ...body,
    };
    if (group) {
      const others = (p.atUserIds ?? []).map((id) => {
        const u = this.registry.user(id);
        return { dingtalkId: encryptedId('user', id), ...(u && !u.external ? { staffId: id } : {}) };
      });
      Object.assign(data, {
        conversationTitle: group.title,
        isInAtList: true,
        atUsers: [{ dingtalkId: chatbotUserId }, ...others],
      });
    }
    this.gateway.deliver(app.clientId, topicRobot, JSON.stringify(data));
    return { msgId, conversationId };
  }

  /** Pushes an arbitrary CALLBACK data string to the robot's app (fuzzing). */
  sendRaw(p: { robotCode: string; data: string; topic?: string }): void {
    const app = this.robotApp(p.robotCode);
    this.gateway.deliver(app.clientId, p.topic ?? topicRobot, p.data);
  }

  /** The space a user sees the card in, if any. */
  visibleSpace(outTrackId: string, userId: string): SimCardSpace | undefined {
    const card = this.cards.get(outTrackId);
    if (!card) return undefined;
    return card.spaces.find(
      (s) =>
        (s.spaceType === 'IM_ROBOT' && s.spaceId === userId) ||
        (s.spaceType === 'IM_GROUP' &&
          (this.registry.group(s.spaceId)?.memberUserIds.includes(userId) ?? false)),
    );
  }

  /** A user clicks a card button: a card CALLBACK whose ack response updates the card (§e). */
  clickCard(p: ClickParams): void {
    const card = this.cards.get(p.outTrackId);
    if (!card) throw new SimulatorError(`卡片 ${p.outTrackId} 不存在`);
    const user = this.user(p.userId);
    const space = this.visibleSpace(p.outTrackId, p.userId);
    if (!space) throw new SimulatorError(`${user.name} 看不到这张卡片`);
    if (card.callbackType !== 'STREAM') throw new SimulatorError('该卡片未设置 STREAM 回调，模拟器无法回调');
    const params = p.params ?? {};
    const data = {
      type: 'actionCallback',
      outTrackId: card.outTrackId,
      corpId: user.corpId,
      userId: user.userId,
      userIdType: 1,
      spaceType: space.spaceType,
      spaceId: space.spaceId,
      extension: '{}',
      content: JSON.stringify({ cardPrivateData: { actionIds: [p.actionId], params } }),
    };
    this.gateway.deliver(card.appClientId, topicCard, JSON.stringify(data), (ack) =>
      this.applyCardResponse(card.outTrackId, user.userId, [p.actionId], params, space, ack),
    );
  }

  private applyCardResponse(
    outTrackId: string,
    userId: string,
    actionIds: string[],
    params: Record<string, string>,
    space: SimCardSpace,
    ack: Ack,
  ): void {
    const card = this.cards.get(outTrackId);
    if (!card) return;
    const response = isRecord(ack.data) ? ack.data.response : undefined;
    let applied = false;
    let error: string | undefined;
    if (!isRecord(ack.data)) {
      error = 'ack data 不是 JSON 对象 {"response": …}';
    } else if (response !== undefined && response !== null) {
      const parsed = cardResponseSchema.safeParse(response);
      if (!parsed.success) {
        error = `回调响应格式不正确: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`;
      } else {
        const r = parsed.data;
        const privateData: Record<string, Record<string, string>> = {};
        for (const [uid, v] of Object.entries(r.privateData ?? {}))
          if (v.cardParamMap) privateData[uid] = v.cardParamMap;
        if (r.userPrivateData?.cardParamMap) privateData[userId] = r.userPrivateData.cardParamMap;
        if (r.cardData?.cardParamMap || Object.keys(privateData).length > 0) {
          this.cards.update(card, {
            ...(r.cardData?.cardParamMap ? { cardParamMap: r.cardData.cardParamMap } : {}),
            privateData,
            updateCardDataByKey: r.cardUpdateOptions?.updateCardDataByKey ?? false,
            updatePrivateDataByKey: r.cardUpdateOptions?.updatePrivateDataByKey ?? false,
          });
          applied = true;
        }
      }
    }
    if (error) this.log.warn({ outTrackId, error }, 'card callback response not applied');
    this.recorder.add({
      kind: 'cardCallback',
      appClientId: card.appClientId,
      robotCode: card.robotCode,
      conversationId: space.conversationId,
      conversationType: space.conversationType,
      userId,
      outTrackId,
      content: {
        type: 'cardCallback',
        outTrackId,
        actionIds,
        params,
        response: response ?? null,
        applied,
        ...(error ? { error } : {}),
      },
      raw: ack.data,
    });
  }

  /** Conversations a user sees: a 1:1 chat with each robot, and the groups the user is in. */
  conversationsOf(userId: string): SimConversation[] {
    const out: SimConversation[] = this.registry.apps().map((a) => ({
      conversationId: oneToOneConversationId(a.robotCode, userId),
      conversationType: '1',
      title: a.name,
      robotCodes: [a.robotCode],
    }));
    for (const g of this.registry.groupsOfUser(userId)) {
      out.push({
        conversationId: g.openConversationId,
        conversationType: '2',
        title: g.title,
        robotCodes: g.robotCodes,
      });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.gateway.close();
  }
}
