import { isRecord, str, strOrNum } from './fieldAccess.ts';
import { parseJson } from './httpKit.ts';
import type { SimButton, SimContent } from './recorder.ts';

/**
 * Work-notification `msg` (§f: snake_case, an object or, in form posts, a
 * JSON string) → normalised content, or an oapi error.
 */

export type WorkNoticeParse =
  | { ok: true; content: SimContent }
  | { ok: false; errcode: number; errmsg: string };

const missing = (field: string): WorkNoticeParse => ({
  ok: false,
  errcode: 40035,
  errmsg: `缺少参数 ${field}`,
});

export function parseWorkNoticeMessage(msg: unknown): WorkNoticeParse {
  let m = msg;
  if (typeof m === 'string') {
    const parsed = parseJson(m);
    if (!parsed.ok) return missing('msg');
    m = parsed.value;
  }
  if (!isRecord(m)) return missing('msg');
  const msgtype = str(m, 'msgtype');
  if (!msgtype) return missing('msg.msgtype');
  const body = m[msgtype];
  if (!isRecord(body)) return missing(`msg.${msgtype}`);
  const need = (k: string): string | undefined => str(body, k);
  switch (msgtype) {
    case 'text': {
      const text = need('content');
      return text === undefined ? missing('msg.text.content') : ok({ type: 'text', text });
    }
    case 'markdown': {
      const title = need('title');
      const text = need('text');
      if (title === undefined) return missing('msg.markdown.title');
      if (text === undefined) return missing('msg.markdown.text');
      return ok({ type: 'markdown', title, text });
    }
    case 'link': {
      const title = need('title');
      const text = need('text');
      const messageUrl = need('messageUrl');
      const picUrl = need('picUrl');
      if (title === undefined) return missing('msg.link.title');
      if (text === undefined) return missing('msg.link.text');
      if (messageUrl === undefined) return missing('msg.link.messageUrl');
      if (picUrl === undefined) return missing('msg.link.picUrl');
      return ok({ type: 'link', title, text, messageUrl, picUrl });
    }
    case 'action_card': {
      const title = need('title');
      const text = need('markdown');
      if (title === undefined) return missing('msg.action_card.title');
      if (text === undefined) return missing('msg.action_card.markdown');
      const singleTitle = need('single_title');
      const singleUrl = need('single_url');
      let buttons: SimButton[];
      if (singleTitle !== undefined && singleUrl !== undefined) {
        buttons = [{ title: singleTitle, url: singleUrl }];
      } else {
        const list = body.btn_json_list;
        if (!Array.isArray(list) || list.length === 0) return missing('msg.action_card.btn_json_list');
        buttons = [];
        for (const b of list) {
          const t = isRecord(b) ? str(b, 'title') : undefined;
          const u = isRecord(b) ? str(b, 'action_url') : undefined;
          if (t === undefined || u === undefined) return missing('msg.action_card.btn_json_list');
          buttons.push({ title: t, url: u });
        }
      }
      const orientation = strOrNum(body, 'btn_orientation') === '1' ? '1' : '0';
      return ok({ type: 'actionCard', title, text, btnOrientation: orientation, buttons });
    }
    case 'oa': {
      const head = isRecord(body.head) ? body.head : {};
      const b = isRecord(body.body) ? body.body : undefined;
      if (!b) return missing('msg.oa.body');
      const lines: string[] = [];
      const content = str(b, 'content');
      if (content) lines.push(content);
      if (Array.isArray(b.form)) {
        for (const f of b.form) {
          if (isRecord(f)) lines.push(`- ${str(f, 'key') ?? ''}${str(f, 'value') ?? ''}`);
        }
      }
      const messageUrl = str(body, 'message_url') ?? str(body, 'pc_message_url');
      return ok({
        type: 'oa',
        title: str(b, 'title') ?? str(head, 'text') ?? '',
        text: lines.join('\n'),
        ...(messageUrl ? { messageUrl } : {}),
      });
    }
    case 'image': {
      const mediaId = need('media_id');
      return mediaId === undefined ? missing('msg.image.media_id') : ok({ type: 'image', url: mediaId });
    }
    case 'file': {
      const mediaId = need('media_id');
      return mediaId === undefined
        ? missing('msg.file.media_id')
        : ok({ type: 'file', fileName: mediaId, mediaId });
    }
    case 'voice': {
      const mediaId = need('media_id');
      if (mediaId === undefined) return missing('msg.voice.media_id');
      return ok({
        type: 'media',
        msgtype: 'voice',
        fields: { mediaId, duration: strOrNum(body, 'duration') ?? '' },
      });
    }
    default:
      return { ok: false, errcode: 40008, errmsg: '不合法的消息类型' };
  }
}

function ok(content: SimContent): WorkNoticeParse {
  return { ok: true, content };
}
