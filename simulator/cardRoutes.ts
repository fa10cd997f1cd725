import { z } from 'zod';
import { isResponse, openApiApp } from './authRoutes.ts';
import { paramMapSchema } from './cardResponse.ts';
import { parseOpenSpaceId, type SimCard, type SimCardSpace } from './cardStore.ts';
import {
  firstIssue,
  jsonBody,
  openApiError,
  openApiOk,
  type Router,
  type SimRequest,
  type SimResponse,
} from './httpKit.ts';
import { newBase64Key, oneToOneConversationId } from './ids.ts';
import type { Platform } from './platform.ts';
import type { RegisteredApp } from './registry.ts';

/**
 * Interactive cards (§e): create, deliver, create-and-deliver, update and
 * streaming update, with card state kept per outTrackId and every step recorded.
 *
 * Simulator choices where the reference is silent: re-creating an existing
 * outTrackId answers 400 `param.outTrackIdDuplicate`; updating an unknown one
 * answers 400 `param.cardNotExist`; a space type without its space model
 * (imRobotOpenSpaceModel / imGroupOpenSpaceModel) or deliver model answers
 * `param.openSpaceModelInvalid`; spaces other than IM_ROBOT / IM_GROUP are
 * reported as failed deliveries.
 */

const privateDataSchema = z.record(z.string(), z.looseObject({ cardParamMap: paramMapSchema.optional() }));

const createFields = {
  cardTemplateId: z.string().max(256).optional(),
  outTrackId: z.string().max(256).optional(),
  callbackType: z.enum(['STREAM', 'HTTP']).optional(),
  callbackRouteKey: z.string().max(256).optional(),
  cardData: z.looseObject({ cardParamMap: paramMapSchema.optional() }).optional(),
  privateData: privateDataSchema.optional(),
  imRobotOpenSpaceModel: z.looseObject({}).optional(),
  imGroupOpenSpaceModel: z.looseObject({}).optional(),
  userIdType: z.union([z.literal(1), z.literal(2)]).optional(),
};

const deliverFields = {
  outTrackId: z.string().max(256).optional(),
  openSpaceId: z.string().max(4096).optional(),
  imRobotOpenDeliverModel: z
    .looseObject({ spaceType: z.string().optional(), robotCode: z.string().optional() })
    .optional(),
  imGroupOpenDeliverModel: z
    .looseObject({
      robotCode: z.string().optional(),
      atUserIds: z.record(z.string(), z.string()).optional(),
      recipients: z.array(z.string()).optional(),
    })
    .optional(),
  userIdType: z.union([z.literal(1), z.literal(2)]).optional(),
};

const createSchema = z.looseObject(createFields);
const deliverSchema = z.looseObject(deliverFields);
const createAndDeliverSchema = z.looseObject({ ...createFields, ...deliverFields });

const updateSchema = z.looseObject({
  outTrackId: z.string().max(256).optional(),
  cardData: z.looseObject({ cardParamMap: paramMapSchema.optional() }).optional(),
  privateData: privateDataSchema.optional(),
  cardUpdateOptions: z
    .looseObject({
      updateCardDataByKey: z.boolean().optional(),
      updatePrivateDataByKey: z.boolean().optional(),
    })
    .optional(),
  userIdType: z.union([z.literal(1), z.literal(2)]).optional(),
});

const streamingSchema = z.looseObject({
  outTrackId: z.string().max(256).optional(),
  guid: z.string().max(256).optional(),
  key: z.string().min(1).max(256),
  content: z.string(),
  isFull: z.boolean().optional(),
  isFinalize: z.boolean().optional(),
  isError: z.boolean().optional(),
});

type CreateBody = z.infer<typeof createSchema>;
type DeliverBody = z.infer<typeof deliverSchema>;

interface DeliverResult {
  spaceType: string;
  spaceId: string;
  success: boolean;
  carrierId?: string;
  errorMsg?: string;
}

export function addCardRoutes(router: Router, p: Platform): void {
  router.add('POST', '/v1.0/card/instances/createAndDeliver', (req) => {
    const app = openApiApp(p, req);
    if (isResponse(app)) return app;
    const body = parseBody(req, createAndDeliverSchema);
    if (!body.ok) return body.response;
    const card = createCard(p, app, body.value);
    if (!card.ok) return card.response;
    const delivery = deliverCard(p, app, card.value, body.value);
    if (!delivery.ok) {
      // a refused delivery leaves no card behind, so the call can be retried as is
      p.cards.forget(card.value.outTrackId);
      return delivery.response;
    }
    recordCreate(p, card.value, body.value);
    recordDeliveries(p, card.value, delivery.value.spaces);
    return openApiOk({
      success: true,
      result: { outTrackId: card.value.outTrackId, deliverResults: delivery.value.results },
    });
  });

  router.add('POST', '/v1.0/card/instances', (req) => {
    const app = openApiApp(p, req);
    if (isResponse(app)) return app;
    const body = parseBody(req, createSchema);
    if (!body.ok) return body.response;
    const card = createCard(p, app, body.value);
    if (!card.ok) return card.response;
    recordCreate(p, card.value, body.value);
    return openApiOk({ success: true, result: card.value.outTrackId });
  });

  router.add('POST', '/v1.0/card/instances/deliver', (req) => {
    const app = openApiApp(p, req);
    if (isResponse(app)) return app;
    const parsed = parseBody(req, deliverSchema);
    if (!parsed.ok) return parsed.response;
    const body = parsed.value;
    const found = ownedCard(p, app, body.outTrackId);
    if (!found.ok) return found.response;
    const card = found.value;
    const delivery = deliverCard(p, app, card, body);
    if (!delivery.ok) return delivery.response;
    recordDeliveries(p, card, delivery.value.spaces);
    return openApiOk({ success: true, result: delivery.value.results });
  });

  router.add('PUT', '/v1.0/card/instances', (req) => {
    const app = openApiApp(p, req);
    if (isResponse(app)) return app;
    const parsed = parseBody(req, updateSchema);
    if (!parsed.ok) return parsed.response;
    const body = parsed.value;
    const found = ownedCard(p, app, body.outTrackId);
    if (!found.ok) return found.response;
    const card = found.value;
    const privateData = resolvePrivateData(p, body.privateData, body.userIdType);
    if (typeof privateData === 'string')
      return openApiError(400, 'param.userIdNotExist', `用户 userId 不存在: ${privateData}`);
    p.cards.update(card, {
      ...(body.cardData?.cardParamMap ? { cardParamMap: body.cardData.cardParamMap } : {}),
      privateData,
      updateCardDataByKey: body.cardUpdateOptions?.updateCardDataByKey ?? false,
      updatePrivateDataByKey: body.cardUpdateOptions?.updatePrivateDataByKey ?? false,
    });
    recordUpdate(p, card, body);
    return openApiOk({ success: true, result: true });
  });

  router.add('PUT', '/v1.0/card/streaming', (req) => {
    const app = openApiApp(p, req);
    if (isResponse(app)) return app;
    const parsed = parseBody(req, streamingSchema);
    if (!parsed.ok) return parsed.response;
    const body = parsed.value;
    const found = ownedCard(p, app, body.outTrackId);
    if (!found.ok) return found.response;
    const card = found.value;
    const current = card.cardParamMap[body.key] ?? '';
    p.cards.update(card, {
      cardParamMap: { [body.key]: body.isFull === false ? current + body.content : body.content },
      updateCardDataByKey: true,
      updatePrivateDataByKey: true,
    });
    recordUpdate(p, card, body);
    return openApiOk({ success: true, result: true });
  });
}

type Result<T> = { ok: true; value: T } | { ok: false; response: SimResponse };

const refuse = (response: SimResponse): { ok: false; response: SimResponse } => ({ ok: false, response });

function parseBody<T extends z.ZodType>(req: SimRequest, schema: T): Result<z.infer<T>> {
  const body = jsonBody(req);
  if (!body.ok) return refuse(openApiError(400, 'Missingbody', 'body is mandatory for this action.'));
  const parsed = schema.safeParse(body.value);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    return refuse(openApiError(400, 'invalidParameter', `无效的参数 ${issue.field}: ${issue.message}`));
  }
  return { ok: true, value: parsed.data };
}

/** userIdType 2 keys private data by unionId; the card keeps it by userId. Returns a bad id as a string. */
/** The app's own card by outTrackId; another app's card is reported like a missing one. */
function ownedCard(p: Platform, app: RegisteredApp, outTrackId: string | undefined): Result<SimCard> {
  if (!outTrackId) return refuse(openApiError(400, 'param.outTrackIdEmpty', '业务标识 outTrackId 为空'));
  const card = p.cards.get(outTrackId);
  if (!card || card.appClientId !== app.clientId)
    return refuse(openApiError(400, 'param.cardNotExist', '卡片实例不存在'));
  return { ok: true, value: card };
}

function resolvePrivateData(
  p: Platform,
  privateData: CreateBody['privateData'],
  userIdType: number | undefined,
): Record<string, Record<string, string>> | string {
  const out: Record<string, Record<string, string>> = {};
  for (const [key, v] of Object.entries(privateData ?? {})) {
    const user = userIdType === 2 ? p.registry.userByUnionId(key) : p.registry.user(key);
    if (!user) return key;
    if (v.cardParamMap) out[user.userId] = v.cardParamMap;
  }
  return out;
}

function createCard(p: Platform, app: RegisteredApp, body: CreateBody): Result<SimCard> {
  if (!body.cardTemplateId) return refuse(openApiError(400, 'param.cardTemplateIdEmpty', '卡片模版 Id 为空'));
  if (!body.outTrackId) return refuse(openApiError(400, 'param.outTrackIdEmpty', '业务标识 outTrackId 为空'));
  if (p.cards.get(body.outTrackId)) {
    return refuse(
      openApiError(400, 'param.outTrackIdDuplicate', 'outTrackId 已存在，新卡片请使用新的 outTrackId'),
    );
  }
  const privateData = resolvePrivateData(p, body.privateData, body.userIdType);
  if (typeof privateData === 'string') {
    return refuse(openApiError(400, 'param.userIdNotExist', `用户 userId 不存在: ${privateData}`));
  }
  const now = Date.now();
  const card: SimCard = {
    outTrackId: body.outTrackId,
    cardTemplateId: body.cardTemplateId,
    appClientId: app.clientId,
    robotCode: app.robotCode,
    callbackType: body.callbackType ?? 'STREAM',
    cardParamMap: { ...(body.cardData?.cardParamMap ?? {}) },
    privateData,
    spaces: [],
    openSpaceModels: [
      ...(body.imRobotOpenSpaceModel ? ['IM_ROBOT'] : []),
      ...(body.imGroupOpenSpaceModel ? ['IM_GROUP'] : []),
    ],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  p.cards.put(card);
  return { ok: true, value: card };
}

/**
 * Delivers to every space of openSpaceId. Parameter errors answer 400 for the
 * whole call; a space that cannot receive the card fails alone in the results.
 */
function deliverCard(
  p: Platform,
  app: RegisteredApp,
  card: SimCard,
  body: DeliverBody,
): Result<{ results: DeliverResult[]; spaces: SimCardSpace[] }> {
  const spaces = parseOpenSpaceId(body.openSpaceId ?? '');
  if (!spaces)
    return refuse(openApiError(400, 'param.openSpaceModelInvalid', 'openSpaceId 为空或格式不正确'));
  const results: DeliverResult[] = [];
  const delivered: SimCardSpace[] = [];
  for (const s of spaces) {
    const fail = (errorMsg: string): void => {
      results.push({ spaceType: s.spaceType, spaceId: s.spaceId, success: false, errorMsg });
    };
    if (s.spaceType === 'IM_ROBOT') {
      if (!card.openSpaceModels.includes('IM_ROBOT') || !body.imRobotOpenDeliverModel) {
        return refuse(
          openApiError(
            400,
            'param.openSpaceModelInvalid',
            'IM_ROBOT 场域需要 imRobotOpenSpaceModel 与 imRobotOpenDeliverModel',
          ),
        );
      }
      const robotCode = body.imRobotOpenDeliverModel.robotCode ?? app.robotCode;
      if (robotCode !== app.robotCode)
        return refuse(openApiError(400, 'invalidParameter.robotCode.auth', 'robotCode 不属于当前应用'));
      const user = body.userIdType === 2 ? p.registry.userByUnionId(s.spaceId) : p.registry.user(s.spaceId);
      if (!user) return refuse(openApiError(400, 'param.userIdNotExist', `用户 userId 不存在: ${s.spaceId}`));
      delivered.push({
        spaceType: 'IM_ROBOT',
        spaceId: user.userId,
        conversationId: oneToOneConversationId(robotCode, user.userId),
        conversationType: '1',
      });
      results.push({
        spaceType: s.spaceType,
        spaceId: s.spaceId,
        success: true,
        carrierId: newBase64Key(12),
      });
    } else if (s.spaceType === 'IM_GROUP') {
      if (!card.openSpaceModels.includes('IM_GROUP') || !body.imGroupOpenDeliverModel) {
        return refuse(
          openApiError(
            400,
            'param.openSpaceModelInvalid',
            'IM_GROUP 场域需要 imGroupOpenSpaceModel 与 imGroupOpenDeliverModel',
          ),
        );
      }
      const robotCode = body.imGroupOpenDeliverModel.robotCode;
      if (!robotCode)
        return refuse(
          openApiError(400, 'param.openSpaceModelInvalid', 'imGroupOpenDeliverModel.robotCode 为空'),
        );
      if (robotCode !== app.robotCode)
        return refuse(openApiError(400, 'invalidParameter.robotCode.auth', 'robotCode 不属于当前应用'));
      const group = p.registry.group(s.spaceId);
      if (!group) {
        fail('群不存在');
        continue;
      }
      if (!group.robotCodes.includes(robotCode)) {
        fail('机器人不在群内');
        continue;
      }
      delivered.push({
        spaceType: 'IM_GROUP',
        spaceId: group.openConversationId,
        conversationId: group.openConversationId,
        conversationType: '2',
      });
      results.push({
        spaceType: s.spaceType,
        spaceId: s.spaceId,
        success: true,
        carrierId: newBase64Key(12),
      });
    } else {
      fail(`模拟器不支持场域 ${s.spaceType}`);
    }
  }
  for (const d of delivered) {
    if (!card.spaces.some((x) => x.spaceType === d.spaceType && x.spaceId === d.spaceId)) card.spaces.push(d);
  }
  return { ok: true, value: { results, spaces: delivered } };
}

function cardContent(card: SimCard, space?: SimCardSpace) {
  return {
    type: 'card' as const,
    outTrackId: card.outTrackId,
    cardTemplateId: card.cardTemplateId,
    cardParamMap: { ...card.cardParamMap },
    privateData: structuredClone(card.privateData),
    ...(space ? { spaceType: space.spaceType, spaceId: space.spaceId } : {}),
  };
}

function recordCreate(p: Platform, card: SimCard, raw: unknown): void {
  p.recorder.add({
    kind: 'cardCreate',
    appClientId: card.appClientId,
    robotCode: card.robotCode,
    outTrackId: card.outTrackId,
    content: cardContent(card),
    raw,
  });
}

function recordDeliveries(p: Platform, card: SimCard, spaces: SimCardSpace[]): void {
  for (const s of spaces) {
    p.recorder.add({
      kind: 'cardDeliver',
      appClientId: card.appClientId,
      robotCode: card.robotCode,
      conversationId: s.conversationId,
      conversationType: s.conversationType,
      ...(s.spaceType === 'IM_ROBOT' ? { userId: s.spaceId } : {}),
      outTrackId: card.outTrackId,
      content: cardContent(card, s),
    });
  }
}

function recordUpdate(p: Platform, card: SimCard, raw: unknown): void {
  p.recorder.add({
    kind: 'cardUpdate',
    appClientId: card.appClientId,
    robotCode: card.robotCode,
    outTrackId: card.outTrackId,
    content: cardContent(card),
    raw,
  });
}
