import { z } from 'zod';
import type { SimAt, SimContent } from './recorder.ts';

/**
 * sessionWebhook bodies (§c1, custom-robot webhook format, camelCase) →
 * normalised content, or the oapi error the platform answers: 400402 naming
 * the missing field (`markdown --》 title`), 400105 for an unknown msgtype.
 */

export type WebhookParse = { ok: true; content: SimContent } | { ok: false; errcode: number; errmsg: string };

const text = z.string().min(1);
const url = z.string().min(1);

const atSchema = z
  .looseObject({
    atUserIds: z.array(z.string()).optional(),
    atMobiles: z.array(z.string()).optional(),
    isAtAll: z.boolean().optional(),
  })
  .nullish();

const bodySchemas = {
  text: z.looseObject({ text: z.looseObject({ content: text }) }),
  markdown: z.looseObject({ markdown: z.looseObject({ title: text, text }) }),
  actionCard: z.looseObject({
    actionCard: z
      .looseObject({
        title: text,
        text,
        btnOrientation: z.string().optional(),
        singleTitle: text.optional(),
        singleURL: url.optional(),
        btns: z.array(z.looseObject({ title: text, actionURL: url })).optional(),
      })
      .superRefine((a, ctx) => {
        const single = a.singleTitle !== undefined || a.singleURL !== undefined;
        if (single && a.singleTitle === undefined)
          ctx.addIssue({ code: 'custom', path: ['singleTitle'], message: '缺失' });
        else if (single && a.singleURL === undefined)
          ctx.addIssue({ code: 'custom', path: ['singleURL'], message: '缺失' });
        else if (!single && (a.btns === undefined || a.btns.length === 0)) {
          ctx.addIssue({ code: 'custom', path: ['btns'], message: '缺失' });
        }
      }),
  }),
  link: z.looseObject({
    link: z.looseObject({ title: text, text, messageUrl: url, picUrl: z.string().optional() }),
  }),
  feedCard: z.looseObject({
    feedCard: z.looseObject({
      links: z.array(z.looseObject({ title: text, messageURL: url, picURL: z.string().optional() })).min(1),
    }),
  }),
};

const envelope = z.looseObject({ msgtype: z.string().min(1), at: atSchema });

const missing = (path: readonly PropertyKey[]): WebhookParse => ({
  ok: false,
  errcode: 400402,
  errmsg: `错误描述:参数 ${path.filter((p) => typeof p === 'string').join(' --》 ')} 缺失，或者参数格式不正确; 解决方案:请检查参数后重试`,
});

export function parseWebhookMessage(body: unknown): WebhookParse {
  const env = envelope.safeParse(body);
  if (!env.success) return missing(env.error.issues[0]?.path ?? ['msgtype']);
  const { msgtype } = env.data;
  if (!(msgtype in bodySchemas)) return { ok: false, errcode: 400105, errmsg: '不支持的消息类型' };
  const at: SimAt | undefined = env.data.at
    ? {
        atUserIds: env.data.at.atUserIds ?? [],
        atMobiles: env.data.at.atMobiles ?? [],
        isAtAll: env.data.at.isAtAll ?? false,
      }
    : undefined;
  const withAt = at ? { at } : {};
  switch (msgtype) {
    case 'text': {
      const r = bodySchemas.text.safeParse(body);
      if (!r.success) return missing(r.error.issues[0]?.path ?? ['text']);
      return { ok: true, content: { type: 'text', text: r.data.text.content, ...withAt } };
    }
    case 'markdown': {
      const r = bodySchemas.markdown.safeParse(body);
      if (!r.success) return missing(r.error.issues[0]?.path ?? ['markdown']);
      const { title, text } = r.data.markdown;
      return { ok: true, content: { type: 'markdown', title, text, ...withAt } };
    }
    case 'actionCard': {
      const r = bodySchemas.actionCard.safeParse(body);
      if (!r.success) return missing(r.error.issues[0]?.path ?? ['actionCard']);
      const a = r.data.actionCard;
      const buttons =
        a.singleTitle !== undefined && a.singleURL !== undefined
          ? [{ title: a.singleTitle, url: a.singleURL }]
          : (a.btns ?? []).map((b) => ({ title: b.title, url: b.actionURL }));
      return {
        ok: true,
        content: {
          type: 'actionCard',
          title: a.title,
          text: a.text,
          btnOrientation: a.btnOrientation === '1' ? '1' : '0',
          buttons,
        },
      };
    }
    case 'link': {
      const r = bodySchemas.link.safeParse(body);
      if (!r.success) return missing(r.error.issues[0]?.path ?? ['link']);
      const { title, text, messageUrl, picUrl } = r.data.link;
      return { ok: true, content: { type: 'link', title, text, messageUrl, ...(picUrl ? { picUrl } : {}) } };
    }
    default: {
      const r = bodySchemas.feedCard.safeParse(body);
      if (!r.success) return missing(r.error.issues[0]?.path ?? ['feedCard']);
      const links = r.data.feedCard.links.map((l) => ({
        title: l.title,
        messageUrl: l.messageURL,
        ...(l.picURL ? { picUrl: l.picURL } : {}),
      }));
      return { ok: true, content: { type: 'feedCard', links } };
    }
  }
}
