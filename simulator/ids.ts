import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Identifier formats of the DingTalk platform. Real ids are opaque; these
 * imitate their look (prefixes, alphabet, length) so that product code which
 * logs or stores them meets realistic values, and derive stable ids from a
 * hash where DingTalk keeps an id stable (a 1:1 conversation, an encrypted
 * user id).
 */

function hashBase64(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64');
}

/** Robot message id, e.g. `msgMxpQ+qegFQ4MpgOyu0UFrQ==`. */
export function newMsgId(): string {
  return `msg${randomBytes(16).toString('base64')}`;
}

/** The conversationId of the 1:1 chat between a user and a robot: stable per pair. */
export function oneToOneConversationId(robotCode: string, userId: string): string {
  return `cid${hashBase64('oto', robotCode, userId)}`;
}

/** Encrypted ids (`senderId`, `chatbotUserId`, `atUsers[].dingtalkId`) are not userids. */
export function encryptedId(kind: string, value: string): string {
  return `$:LWCP_v1:$${hashBase64('enc', kind, value).slice(0, 32)}`;
}

/** unionId default for a user that was registered without one. */
export function defaultUnionId(userId: string): string {
  return hashBase64('union', userId).replace(/[+/=]/g, '').slice(0, 28);
}

/** A unified app id (uuid shaped) derived from the clientId, for `headers.appId`. */
export function appIdFor(clientId: string): string {
  const h = createHash('sha256').update(`app\u0000${clientId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

let frameCounter = 0;
/** Stream frame messageId, e.g. `212b9d7c_165f_19bfa1a500a_1461def`. */
export function newStreamMessageId(): string {
  frameCounter = (frameCounter + 1) % 0xffff;
  return `${randomBytes(4).toString('hex')}_${frameCounter.toString(16)}_${Date.now().toString(16)}_${randomBytes(4).toString('hex').slice(0, 7)}`;
}

/** OpenAPI `requestid`, e.g. `ED203550-DBBC-7C58-9504-9FA6D4444F17`. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/** oapi `request_id`, e.g. `4jzllmte0wau`. */
export function newOapiRequestId(): string {
  return BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString(36)
    .slice(0, 12)
    .padStart(12, '0');
}

export function newUuid(): string {
  return randomUUID();
}

/** Opaque random token (access tokens, sessions, auth codes). */
export function newToken(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

/** base64 key such as `processQueryKey` or `downloadCode`. */
export function newBase64Key(bytes = 24): string {
  return randomBytes(bytes).toString('base64');
}
