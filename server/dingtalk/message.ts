/**
 * What the product says in chat, independent of how it is sent, and its two
 * wire forms: the sessionWebhook body (custom-robot format) and the robot
 * OpenAPI `msgKey` + `msgParam` pair (platform reference §c1, §c2).
 */
export interface LinkButton {
  title: string;
  /** `dtmd://dingtalkclient/sendMessage?content=…` sends the text back as the user. */
  url: string;
}

export type OutMessage =
  | { type: 'text'; content: string; atUserIds?: string[] }
  | { type: 'markdown'; title: string; text: string; atUserIds?: string[] }
  | { type: 'actionCard'; title: string; text: string; buttons: LinkButton[]; horizontal?: boolean };

/** A quick-reply button: tapping it sends `text` as the user's next message. */
export function quickReply(title: string, text = title): LinkButton {
  return { title, url: `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(text)}` };
}

export function toWebhookBody(m: OutMessage): Record<string, unknown> {
  switch (m.type) {
    case 'text':
      return {
        msgtype: 'text',
        text: { content: m.content },
        at: { atUserIds: m.atUserIds ?? [], isAtAll: false },
      };
    case 'markdown':
      return {
        msgtype: 'markdown',
        markdown: { title: m.title, text: m.text },
        at: { atUserIds: m.atUserIds ?? [] },
      };
    case 'actionCard':
      return {
        msgtype: 'actionCard',
        actionCard: {
          title: m.title,
          text: m.text,
          btnOrientation: m.horizontal ? '1' : '0',
          btns: m.buttons.map((b) => ({ title: b.title, actionURL: b.url })),
        },
      };
  }
}

/** Robot OpenAPI form. Action cards hold 1–5 buttons; more are cut (the API's limit). */
export function toRobotMsg(m: OutMessage): { msgKey: string; msgParam: string } {
  switch (m.type) {
    case 'text':
      return { msgKey: 'sampleText', msgParam: JSON.stringify({ content: m.content }) };
    case 'markdown':
      return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: m.title, text: m.text }) };
    case 'actionCard': {
      const buttons = m.buttons.slice(0, 5);
      if (buttons.length <= 1) {
        const b = buttons[0];
        return {
          msgKey: 'sampleActionCard',
          msgParam: JSON.stringify({
            title: m.title,
            text: m.text,
            singleTitle: b?.title ?? '查看',
            singleURL: b?.url ?? '',
          }),
        };
      }
      const param: Record<string, string> = { title: m.title, text: m.text };
      buttons.forEach((b, i) => {
        param[`actionTitle${i + 1}`] = b.title;
        param[`actionURL${i + 1}`] = b.url;
      });
      return { msgKey: `sampleActionCard${buttons.length}`, msgParam: JSON.stringify(param) };
    }
  }
}

/** Work notification form (oapi, snake_case). */
export function toWorkNoticeMsg(m: OutMessage): Record<string, unknown> {
  switch (m.type) {
    case 'text':
      return { msgtype: 'text', text: { content: m.content } };
    case 'markdown':
      return { msgtype: 'markdown', markdown: { title: m.title, text: m.text } };
    case 'actionCard':
      return {
        msgtype: 'action_card',
        action_card: {
          title: m.title,
          markdown: m.text,
          btn_orientation: m.horizontal ? '1' : '0',
          btn_json_list: m.buttons.map((b) => ({ title: b.title, action_url: b.url })),
        },
      };
  }
}
