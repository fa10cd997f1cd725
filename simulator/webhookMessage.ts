import { isRecord, optStr, str, stringArray } from './fieldAccess.ts';
import type { SimAt, SimButton, SimContent } from './recorder.ts';

/**
 * sessionWebhook bodies (§c1, custom-robot webhook format, camelCase) →
 * normalised content, or the oapi error the platform answers.
 */

export type WebhookParse = { ok: true; content: SimContent } | { ok: false; errcode: number; errmsg: string };

const missing = (path: string): WebhookParse => ({
  ok: false,
  errcode: 400402,
  errmsg: `错误描述:参数 ${path} 缺失，或者参数格式不正确; 解决方案:请检查参数后重试`,
});

export function parseWebhookMessage(body: unknown): WebhookParse {
  if (!isRecord(body)) return missing('msgtype');
  const msgtype = str(body, 'msgtype');
  if (!msgtype) return missing('msgtype');
  const at = parseAt(body.at);
  if (at === 'invalid') return missing('at');
  switch (msgtype) {
    case 'text': {
      const t = body.text;
      if (!isRecord(t)) return missing('text');
      const text = str(t, 'content');
      if (text === undefined) return missing('text --》 content');
      return { ok: true, content: { type: 'text', text, ...(at ? { at } : {}) } };
    }
    case 'markdown': {
      const m = body.markdown;
      if (!isRecord(m)) return missing('markdown');
      const title = str(m, 'title');
      if (title === undefined) return missing('markdown --》 title');
      const text = str(m, 'text');
      if (text === undefined) return missing('markdown --》 text');
      return { ok: true, content: { type: 'markdown', title, text, ...(at ? { at } : {}) } };
    }
    case 'actionCard': {
      const a = body.actionCard;
      if (!isRecord(a)) return missing('actionCard');
      const title = str(a, 'title');
      if (title === undefined) return missing('actionCard --》 title');
      const text = str(a, 'text');
      if (text === undefined) return missing('actionCard --》 text');
      const orientation = optStr(a, 'btnOrientation') === '1' ? '1' : '0';
      const singleTitle = str(a, 'singleTitle');
      const singleURL = str(a, 'singleURL');
      let buttons: SimButton[];
      if (singleTitle !== undefined || singleURL !== undefined) {
        if (singleTitle === undefined) return missing('actionCard --》 singleTitle');
        if (singleURL === undefined) return missing('actionCard --》 singleURL');
        buttons = [{ title: singleTitle, url: singleURL }];
      } else {
        if (!Array.isArray(a.btns) || a.btns.length === 0) return missing('actionCard --》 btns');
        buttons = [];
        for (const b of a.btns) {
          const title = isRecord(b) ? str(b, 'title') : undefined;
          const url = isRecord(b) ? str(b, 'actionURL') : undefined;
          if (title === undefined || url === undefined) return missing('actionCard --》 btns');
          buttons.push({ title, url });
        }
      }
      return { ok: true, content: { type: 'actionCard', title, text, btnOrientation: orientation, buttons } };
    }
    case 'link': {
      const l = body.link;
      if (!isRecord(l)) return missing('link');
      const title = str(l, 'title');
      if (title === undefined) return missing('link --》 title');
      const text = str(l, 'text');
      if (text === undefined) return missing('link --》 text');
      const messageUrl = str(l, 'messageUrl');
      if (messageUrl === undefined) return missing('link --》 messageUrl');
      const picUrl = str(l, 'picUrl');
      return { ok: true, content: { type: 'link', title, text, messageUrl, ...(picUrl ? { picUrl } : {}) } };
    }
    case 'feedCard': {
      const f = body.feedCard;
      if (!isRecord(f) || !Array.isArray(f.links) || f.links.length === 0)
        return missing('feedCard --》 links');
      const links: { title: string; messageUrl: string; picUrl?: string }[] = [];
      for (const l of f.links) {
        const title = isRecord(l) ? str(l, 'title') : undefined;
        const messageUrl = isRecord(l) ? str(l, 'messageURL') : undefined;
        if (title === undefined || messageUrl === undefined) return missing('feedCard --》 links');
        const picUrl = isRecord(l) ? str(l, 'picURL') : undefined;
        links.push({ title, messageUrl, ...(picUrl ? { picUrl } : {}) });
      }
      return { ok: true, content: { type: 'feedCard', links } };
    }
    default:
      return { ok: false, errcode: 400105, errmsg: '不支持的消息类型' };
  }
}

function parseAt(v: unknown): SimAt | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) return 'invalid';
  const atUserIds = v.atUserIds === undefined ? [] : stringArray(v.atUserIds);
  const atMobiles = v.atMobiles === undefined ? [] : stringArray(v.atMobiles);
  if (!atUserIds || !atMobiles) return 'invalid';
  if (v.isAtAll !== undefined && typeof v.isAtAll !== 'boolean') return 'invalid';
  return { atUserIds, atMobiles, isAtAll: v.isAtAll === true };
}
