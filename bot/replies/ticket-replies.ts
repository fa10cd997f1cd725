import { type OutMessage, quickReply } from '../../server/dingtalk/message.ts';
import type { Ticket } from '../../server/tickets/ticket-model.ts';
import { defaultHotline, levelCatalog, responseLevels } from '../../shared/catalog.ts';
import { statusNames } from '../../shared/ticket/status.ts';
import type { FilingStep } from '../conversation/filing.ts';

/** Chat replies in zh-CN. Functions of their inputs only; no I/O. */

const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export function formatTime(at: Date): string {
  return shanghai.format(at);
}

export function customerHelp(): OutMessage {
  return {
    type: 'actionCard',
    title: '售后服务助手',
    text: [
      '### 您好，我是售后服务助手',
      '您可以直接描述遇到的问题，或发送：',
      '- **报障**：提交服务问题（也可一句话：`报障 EKP 2级 登录页报错500`）',
      '- **我的工单**：查看本单位未关闭的工单',
      '- **查询 SD-2026-000123**：查看工单状态与处理记录',
      '- **取消**：退出当前操作',
      '',
      `服务热线：${defaultHotline}`,
    ].join('\n'),
    buttons: [quickReply('报障'), quickReply('我的工单')],
    horizontal: true,
  };
}

export function staffHelp(): OutMessage {
  return {
    type: 'markdown',
    title: '工程师指令',
    text: [
      '### 工程师指令',
      '- **查询 SD-2026-000123**：查看工单状态与处理记录',
      '- **帮助**：显示本说明',
    ].join('\n'),
  };
}

export function unregistered(): OutMessage {
  return {
    type: 'text',
    content: `您好！您的钉钉账号尚未登记为客户服务联系人，暂时无法通过本助手提交或查询工单。请联系贵单位的系统管理员或我们的客户经理进行登记（需提供姓名与钉钉账号），或拨打服务热线 ${defaultHotline}。`,
  };
}

export function askProductLine(productLines: readonly string[], licensed: readonly string[]): OutMessage {
  const lines = productLines.map(
    (p, i) => `${i + 1}. **${p}**${licensed.includes(p) ? '' : '（贵单位暂无该产品许可）'}`,
  );
  return {
    type: 'actionCard',
    title: '请选择产品线',
    text: ['### 报障 1/3：请选择产品线', ...lines, '', '回复产品名称或序号；发送“取消”退出。'].join('\n'),
    buttons: productLines.slice(0, 5).map((p) => quickReply(p)),
    horizontal: productLines.length <= 2,
  };
}

export function askLevel(): OutMessage {
  const lines = responseLevels.map((l) => {
    const info = levelCatalog[l];
    return `**${l}. ${info.nameZh}**（${info.firstResponseHours} 个工作小时内响应）：${info.symptomZh}`;
  });
  return {
    type: 'actionCard',
    title: '请选择响应级别',
    text: [
      '### 报障 2/3：请选择响应级别',
      ...lines.map((l) => `- ${l}`),
      '',
      '回复 1–5；发送“取消”退出。',
    ].join('\n'),
    buttons: responseLevels.map((l) => quickReply(`${l}. ${levelCatalog[l].nameZh}`, String(l))),
  };
}

export function askDescription(): OutMessage {
  return {
    type: 'text',
    content: '报障 3/3：请描述问题现象（何时开始、影响范围、报错信息等）。发送“取消”退出。',
  };
}

export function question(
  step: FilingStep,
  productLines: readonly string[],
  licensed: readonly string[],
): OutMessage {
  switch (step) {
    case 'productLine':
      return askProductLine(productLines, licensed);
    case 'level':
      return askLevel();
    case 'description':
      return askDescription();
  }
}

export function invalidAnswer(
  problem: 'productLine' | 'level' | 'descriptionShort' | 'descriptionLong',
  productLines: readonly string[],
): OutMessage {
  const content = {
    productLine: `没有识别出产品线，请回复 ${productLines.join(' / ')} 之一，或其序号。`,
    level: '没有识别出响应级别，请回复 1–5 的数字（例如 2 或 二级）。',
    descriptionShort: '描述太短了，请再多写几个字，说明问题现象。',
    descriptionLong: '描述太长了（最多 4000 字），请精简后再发送；附件可在工单创建后补充。',
  }[problem];
  return { type: 'text', content };
}

export function cancelled(hadDialogue: boolean): OutMessage {
  return {
    type: 'text',
    content: hadDialogue ? '已取消本次报障，已填写的内容不会保存。' : '当前没有进行中的操作。',
  };
}

export function stillFiling(step: FilingStep): OutMessage {
  const what = { productLine: '产品线', level: '响应级别', description: '问题描述' }[step];
  return { type: 'text', content: `（您的报障尚未完成，请继续回复${what}；发送“取消”退出。）` };
}

export function ticketFiled(ticket: Ticket, responsePromise: string): OutMessage {
  const info = levelCatalog[ticket.level];
  const lines = [
    `### 工单已受理：${ticket._id}`,
    `- 产品线：${ticket.productLine}`,
    `- 响应级别：${info.nameZh}`,
    `- 问题：${ticket.title}`,
    `- 状态：${statusNames[ticket.status].zh}`,
    `- 提交时间：${formatTime(ticket.createdAt)}`,
    '',
    ticket.entitled ? responsePromise : `**${ticket.entitlementNote ?? '贵单位当前不在服务有效期内'}**`,
  ];
  return {
    type: 'actionCard',
    title: `工单已受理 ${ticket._id}`,
    text: lines.join('\n'),
    buttons: [quickReply('查看进度', `查询 ${ticket._id}`), quickReply('我的工单')],
    horizontal: true,
  };
}

/** The promise line: the absolute due time from the SLA engine, with the calendar it counts on. */
export function responsePromise(promise: string): string {
  return promise
    ? `${promise}。\n\n（响应时限按工作时间计算：周一至周五 9:00–12:00、13:00–18:00，法定节假日除外、调休上班日照常。）`
    : '';
}

export function ticketList(tickets: readonly Ticket[]): OutMessage {
  if (tickets.length === 0) {
    return { type: 'text', content: '贵单位目前没有未关闭的工单。如需报障，请发送“报障”或直接描述问题。' };
  }
  const rows = tickets.map(
    (t) =>
      `- **${t._id}** ${t.productLine} · ${levelCatalog[t.level].nameZh} · ${statusNames[t.status].zh}\n  ${t.title}`,
  );
  return {
    type: 'actionCard',
    title: '我的工单',
    text: [`### 未关闭的工单（${tickets.length}）`, ...rows].join('\n'),
    buttons: tickets.slice(0, 5).map((t) => quickReply(`查看 ${t._id}`, `查询 ${t._id}`)),
  };
}

export function ticketDetail(ticket: Ticket, slaLines: readonly string[] = []): OutMessage {
  const timeline = ticket.timeline
    .slice(-10)
    .map((e) => `- ${formatTime(e.at)} ${e.by.name}：${timelineText(e)}`);
  return {
    type: 'markdown',
    title: `工单 ${ticket._id}`,
    text: [
      `### 工单 ${ticket._id}`,
      `- 状态：**${statusNames[ticket.status].zh}**`,
      `- 产品线：${ticket.productLine} · ${levelCatalog[ticket.level].nameZh}`,
      `- 问题：${ticket.title}`,
      `- 提交人：${ticket.contactName}（${ticket.orgName}）`,
      ...(slaLines.length > 0 ? ['', '#### 服务时限', ...slaLines.map((l) => `- ${l}`)] : []),
      '',
      '#### 处理记录',
      ...timeline,
    ].join('\n'),
  };
}

function timelineText(e: Ticket['timeline'][number]): string {
  switch (e.kind) {
    case 'created':
      return `提交工单（${e.text ?? ''}）`;
    case 'status':
      return `状态变为 ${e.to ? statusNames[e.to].zh : ''}${e.text ? `：${e.text}` : ''}`;
    case 'comment':
      return e.text ?? '';
    case 'attachment':
      return `上传附件 ${e.text ?? ''}`;
    case 'reply':
      return `回复：${e.text ?? ''}`;
    case 'customerMessage':
      return `补充：${e.text ?? ''}`;
    case 'remoteSession':
      return `远程服务：${e.text ?? ''}`;
    case 'onSite':
      return `现场服务：${e.text ?? ''}`;
    case 'levelChange':
      return `调整响应级别：${e.text ?? ''}`;
    case 'csat':
      return `服务评价：${e.text ?? ''}`;
  }
}

export function ticketNotFound(ticketNo: string): OutMessage {
  return {
    type: 'text',
    content: `未找到工单 ${ticketNo}。请核对工单编号，或发送“我的工单”查看本单位的工单。`,
  };
}

export function queryNeedsNumber(): OutMessage {
  return {
    type: 'text',
    content: '请在“查询”后附上工单编号，例如：查询 SD-2026-000123。发送“我的工单”可查看本单位的工单。',
  };
}

export function attachmentOutsideTicket(): OutMessage {
  return { type: 'text', content: '已收到您的文件。请先发送“报障”描述问题，工单创建后可补充截图和附件。' };
}

export function unknownMessage(): OutMessage {
  return {
    type: 'text',
    content: '抱歉，我没有理解。您可以直接描述遇到的问题，或发送“报障”“我的工单”“查询 工单号”“帮助”。',
  };
}
