import { z } from 'zod';

/**
 * A robot message callback (topic /v1.0/im/bot/messages/get, platform
 * reference §b), parsed leniently where DingTalk is loose (string or number
 * ids and times, `text` absent on non-text or quota-exceeded messages) and
 * strictly where the bot depends on a field.
 */
const numberish = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
/** A millisecond timestamp; one a Date cannot hold (fuzzed: 10^400) is treated as absent. */
const timestamp = numberish.transform((n) => (Number.isFinite(n) && Math.abs(n) <= 8.64e15 ? n : undefined));

const robotMessageSchema = z.object({
  msgId: z.string().min(1).max(200),
  conversationId: z.string().min(1).max(300),
  conversationType: z
    .union([z.literal('1'), z.literal('2'), z.literal(1), z.literal(2)])
    .transform((v) => String(v) as '1' | '2'),
  conversationTitle: z.string().max(500).optional(),
  senderStaffId: z.string().max(200).optional().default(''),
  senderNick: z.string().max(200).optional().default(''),
  senderCorpId: z.string().max(200).optional(),
  robotCode: z.string().max(200).optional(),
  chatbotCorpId: z.string().max(200).optional(),
  sessionWebhook: z.string().url().max(2000).optional(),
  sessionWebhookExpiredTime: timestamp.optional(),
  createAt: timestamp.optional(),
  isInAtList: z.boolean().optional(),
  atUsers: z
    .array(z.object({ dingtalkId: z.string().optional(), staffId: z.string().optional() }))
    .max(200)
    .optional(),
  msgtype: z.string().max(50).optional().default('text'),
  text: z.object({ content: z.string().max(20_000) }).optional(),
  content: z.unknown().optional(),
});

export interface InboundMessage {
  msgId: string;
  conversationId: string;
  isGroup: boolean;
  conversationTitle?: string;
  /** DingTalk userid of the sender; '' for external users. */
  senderUserId: string;
  senderNick: string;
  robotCode?: string;
  sessionWebhook?: string;
  sessionWebhookExpiresAt?: number;
  createdAt: number;
  msgtype: string;
  /** The text, trimmed; '' for messages without text. */
  text: string;
  /** Download codes of pictures and files, kept with the ticket later. */
  attachments: Array<{ kind: string; downloadCode: string; fileName?: string }>;
  atUserIds: string[];
}

export type ParseResult = { ok: true; message: InboundMessage } | { ok: false; error: string };

export function parseRobotMessage(data: string, receivedAt: number): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, error: 'data is not JSON' };
  }
  const parsed = robotMessageSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error).slice(0, 500) };
  const m = parsed.data;
  return {
    ok: true,
    message: {
      msgId: m.msgId,
      conversationId: m.conversationId,
      isGroup: m.conversationType === '2',
      ...(m.conversationTitle ? { conversationTitle: m.conversationTitle } : {}),
      senderUserId: m.senderStaffId,
      senderNick: m.senderNick,
      ...(m.robotCode ? { robotCode: m.robotCode } : {}),
      ...(m.sessionWebhook ? { sessionWebhook: m.sessionWebhook } : {}),
      ...(m.sessionWebhookExpiredTime ? { sessionWebhookExpiresAt: m.sessionWebhookExpiredTime } : {}),
      createdAt: m.createAt ?? receivedAt,
      msgtype: m.msgtype,
      text: textOf(m.msgtype, m.text?.content, m.content),
      attachments: attachmentsOf(m.content),
      atUserIds: (m.atUsers ?? []).map((u) => u.staffId).filter((s): s is string => !!s),
    },
  };
}

function textOf(msgtype: string, text: string | undefined, content: unknown): string {
  if (text !== undefined) return text.trim();
  if (msgtype === 'audio' && isRecord(content) && typeof content.recognition === 'string')
    return content.recognition.trim();
  if (msgtype === 'richText' && isRecord(content) && Array.isArray(content.richText)) {
    return content.richText
      .map((p: unknown) => (isRecord(p) && typeof p.text === 'string' ? p.text : ''))
      .join('')
      .trim();
  }
  return '';
}

function attachmentsOf(content: unknown): InboundMessage['attachments'] {
  if (!isRecord(content)) return [];
  const parts = Array.isArray(content.richText) ? content.richText : [content];
  const out: InboundMessage['attachments'] = [];
  for (const p of parts) {
    if (!isRecord(p) || typeof p.downloadCode !== 'string') continue;
    out.push({
      kind: typeof p.fileName === 'string' ? 'file' : 'picture',
      downloadCode: p.downloadCode,
      ...(typeof p.fileName === 'string' ? { fileName: p.fileName } : {}),
    });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
