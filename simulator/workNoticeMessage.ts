import { z } from 'zod';
import { parseJson } from './httpKit.ts';
import type { SimContent } from './recorder.ts';

/**
 * Work-notification `msg` (§f: snake_case, an object or, in form posts, a
 * JSON string) → normalised content, or an oapi error (40035 缺少参数 naming
 * the field, 40008 for an unknown msgtype).
 */

export type WorkNoticeParse =
  | { ok: true; content: SimContent }
  | { ok: false; errcode: number; errmsg: string };

const s = z.string().min(1);
const num = z.union([z.string(), z.number()]).transform(String);

const bodies = {
  text: z.looseObject({ content: s }),
  markdown: z.looseObject({ title: s, text: s }),
  link: z.looseObject({ messageUrl: s, picUrl: s, title: s, text: s }),
  action_card: z
    .looseObject({
      title: s,
      markdown: s,
      single_title: s.optional(),
      single_url: s.optional(),
      btn_orientation: num.optional(),
      btn_json_list: z.array(z.looseObject({ title: s, action_url: s })).optional(),
    })
    .refine(
      (a) =>
        (a.single_title !== undefined && a.single_url !== undefined) || (a.btn_json_list?.length ?? 0) > 0,
      {
        path: ['btn_json_list'],
        message: '缺失',
      },
    ),
  oa: z.looseObject({
    message_url: z.string().optional(),
    pc_message_url: z.string().optional(),
    head: z.looseObject({ text: z.string().optional() }).optional(),
    body: z.looseObject({
      title: z.string().optional(),
      content: z.string().optional(),
      form: z.array(z.looseObject({ key: z.string().optional(), value: z.string().optional() })).optional(),
    }),
  }),
  image: z.looseObject({ media_id: s }),
  file: z.looseObject({ media_id: s }),
  voice: z.looseObject({ media_id: s, duration: num.optional() }),
};

type MsgType = keyof typeof bodies;
const isMsgType = (t: string): t is MsgType => t in bodies;

const envelope = z.looseObject({ msgtype: s });

const missing = (path: readonly PropertyKey[]): WorkNoticeParse => ({
  ok: false,
  errcode: 40035,
  errmsg: `缺少参数 ${['msg', ...path.map(String)].join('.')}`,
});

export function parseWorkNoticeMessage(msg: unknown): WorkNoticeParse {
  let m = msg;
  if (typeof m === 'string') {
    const parsed = parseJson(m);
    if (!parsed.ok) return missing([]);
    m = parsed.value;
  }
  const env = envelope.safeParse(m);
  if (!env.success) return missing(env.error.issues[0]?.path ?? []);
  const { msgtype } = env.data;
  if (!isMsgType(msgtype)) return { ok: false, errcode: 40008, errmsg: '不合法的消息类型' };
  const raw = (env.data as Record<string, unknown>)[msgtype];
  const content = toContent(msgtype, raw);
  return content.ok ? content : missing([msgtype, ...content.path]);
}

function toContent(
  msgtype: MsgType,
  raw: unknown,
): { ok: true; content: SimContent } | { ok: false; path: PropertyKey[] } {
  const fail = (e: z.ZodError) => ({ ok: false as const, path: [...(e.issues[0]?.path ?? [])] });
  const ok = (content: SimContent) => ({ ok: true as const, content });
  switch (msgtype) {
    case 'text': {
      const r = bodies.text.safeParse(raw);
      return r.success ? ok({ type: 'text', text: r.data.content }) : fail(r.error);
    }
    case 'markdown': {
      const r = bodies.markdown.safeParse(raw);
      return r.success ? ok({ type: 'markdown', title: r.data.title, text: r.data.text }) : fail(r.error);
    }
    case 'link': {
      const r = bodies.link.safeParse(raw);
      if (!r.success) return fail(r.error);
      const { title, text, messageUrl, picUrl } = r.data;
      return ok({ type: 'link', title, text, messageUrl, picUrl });
    }
    case 'action_card': {
      const r = bodies.action_card.safeParse(raw);
      if (!r.success) return fail(r.error);
      const a = r.data;
      const buttons =
        a.single_title !== undefined && a.single_url !== undefined
          ? [{ title: a.single_title, url: a.single_url }]
          : (a.btn_json_list ?? []).map((b) => ({ title: b.title, url: b.action_url }));
      return ok({
        type: 'actionCard',
        title: a.title,
        text: a.markdown,
        btnOrientation: a.btn_orientation === '1' ? '1' : '0',
        buttons,
      });
    }
    case 'oa': {
      const r = bodies.oa.safeParse(raw);
      if (!r.success) return fail(r.error);
      const { body, head } = r.data;
      const lines = [
        ...(body.content ? [body.content] : []),
        ...(body.form ?? []).map((f) => `- ${f.key ?? ''}${f.value ?? ''}`),
      ];
      const messageUrl = r.data.message_url || r.data.pc_message_url;
      return ok({
        type: 'oa',
        title: body.title || head?.text || '',
        text: lines.join('\n'),
        ...(messageUrl ? { messageUrl } : {}),
      });
    }
    case 'image': {
      const r = bodies.image.safeParse(raw);
      return r.success ? ok({ type: 'image', url: r.data.media_id }) : fail(r.error);
    }
    case 'file': {
      const r = bodies.file.safeParse(raw);
      return r.success
        ? ok({ type: 'file', fileName: r.data.media_id, mediaId: r.data.media_id })
        : fail(r.error);
    }
    case 'voice': {
      const r = bodies.voice.safeParse(raw);
      return r.success
        ? ok({
            type: 'media',
            msgtype: 'voice',
            fields: { mediaId: r.data.media_id, duration: r.data.duration ?? '' },
          })
        : fail(r.error);
    }
  }
}
