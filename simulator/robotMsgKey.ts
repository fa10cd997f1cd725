import { isRecord, str, strOrNum } from './fieldAccess.ts';
import { parseJson } from './httpKit.ts';
import type { SimButton, SimContent } from './recorder.ts';

/**
 * Proactive robot messages (§c2): `msgKey` + `msgParam` (a JSON string) →
 * normalised content, or the OpenAPI error code.
 */

export type MsgKeyParse = { ok: true; content: SimContent } | { ok: false; code: string; message: string };

/** Required msgParam fields per msgKey (§c2 table). */
const required: Record<string, string[]> = {
  sampleText: ['content'],
  sampleMarkdown: ['title', 'text'],
  sampleImageMsg: ['photoURL'],
  sampleLink: ['text', 'title', 'messageUrl'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
  sampleActionCard2: ['title', 'text', ...buttonFields(2)],
  sampleActionCard3: ['title', 'text', ...buttonFields(3)],
  sampleActionCard4: ['title', 'text', ...buttonFields(4)],
  sampleActionCard5: ['title', 'text', ...buttonFields(5)],
  sampleActionCard6: ['title', 'text', 'buttonTitle1', 'buttonUrl1', 'buttonTitle2', 'buttonUrl2'],
  sampleAudio: ['mediaId', 'duration'],
  sampleFile: ['mediaId', 'fileName', 'fileType'],
  sampleVideo: ['duration', 'videoMediaId', 'videoType', 'picMediaId'],
};

export const supportedMsgKeys = Object.keys(required);

function buttonFields(n: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) out.push(`actionTitle${i}`, `actionURL${i}`);
  return out;
}

export function parseMsgParam(msgKey: string, msgParam: string): MsgKeyParse {
  const fields = required[msgKey];
  if (!fields)
    return {
      ok: false,
      code: 'invalidParameter.msgKey.invalid',
      message: `msgKey 不合法: ${msgKey.slice(0, 64)}`,
    };
  const parsed = parseJson(msgParam);
  if (!parsed.ok || !isRecord(parsed.value)) {
    return {
      ok: false,
      code: 'invalidParameter.msgParam.invalid',
      message: 'msgParam 不是合法的 JSON 对象字符串',
    };
  }
  const p = parsed.value;
  const v: Record<string, string> = {};
  for (const f of fields) {
    const s = strOrNum(p, f);
    if (s === undefined) {
      return {
        ok: false,
        code: 'invalidParameter.msgParam.invalid',
        message: `msgParam 缺少参数 ${f} 或格式不正确`,
      };
    }
    v[f] = s;
  }
  const get = (k: string): string => v[k] ?? '';
  switch (msgKey) {
    case 'sampleText':
      return ok({ type: 'text', text: get('content') });
    case 'sampleMarkdown':
      return ok({ type: 'markdown', title: get('title'), text: get('text') });
    case 'sampleImageMsg':
      return ok({ type: 'image', url: get('photoURL') });
    case 'sampleLink': {
      const picUrl = str(p, 'picUrl');
      return ok({
        type: 'link',
        title: get('title'),
        text: get('text'),
        messageUrl: get('messageUrl'),
        ...(picUrl ? { picUrl } : {}),
      });
    }
    case 'sampleActionCard':
      return ok({
        type: 'actionCard',
        title: get('title'),
        text: get('text'),
        btnOrientation: '0',
        buttons: [{ title: get('singleTitle'), url: get('singleURL') }],
      });
    case 'sampleActionCard6':
      return ok({
        type: 'actionCard',
        title: get('title'),
        text: get('text'),
        btnOrientation: '1',
        buttons: [
          { title: get('buttonTitle1'), url: get('buttonUrl1') },
          { title: get('buttonTitle2'), url: get('buttonUrl2') },
        ],
      });
    case 'sampleFile':
      return ok({ type: 'file', fileName: get('fileName'), mediaId: get('mediaId') });
    case 'sampleAudio':
    case 'sampleVideo':
      return ok({ type: 'media', msgtype: msgKey === 'sampleAudio' ? 'audio' : 'video', fields: v });
    default: {
      // sampleActionCard2…5: N vertical buttons
      const n = Number(msgKey.slice('sampleActionCard'.length));
      const buttons: SimButton[] = [];
      for (let i = 1; i <= n; i++) buttons.push({ title: get(`actionTitle${i}`), url: get(`actionURL${i}`) });
      return ok({ type: 'actionCard', title: get('title'), text: get('text'), btnOrientation: '0', buttons });
    }
  }
}

function ok(content: SimContent): MsgKeyParse {
  return { ok: true, content };
}
