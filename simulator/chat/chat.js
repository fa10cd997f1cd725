// 钉钉模拟器聊天页 — plain DOM, no build step. It acts as any registered user:
// sends messages through /_sim/say, clicks card buttons through /_sim/click,
// and renders the simulator's record log (polled from /_sim/messages?since=).
// All text is inserted with textContent; the markdown renderer builds DOM
// nodes, so product content can never inject HTML.

const NOTICES = '__work_notices__';
const CHAT_KINDS = new Set(['inbound', 'reply', 'otoSend', 'groupSend', 'cardDeliver']);

const state = {
  registry: { apps: [], users: [], groups: [], miniAppUrl: null, mailUrl: null },
  registryJson: '',
  userId: '',
  conversations: [],
  current: '',
  records: [],
  lastSeq: 0,
  seenSeq: new Map(),
  cards: new Map(),
  polling: false,
  renderedConversation: '',
};

const byId = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

let toastTimer;
function toast(message) {
  const t = byId('toast');
  t.textContent = message;
  t.style.display = 'block';
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    t.style.display = 'none';
  }, 3500);
}

async function api(path, body) {
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(json?.message || `请求失败（${res.status}）`);
  return json;
}

// ---------- names

const userName = (id) => state.registry.users.find((u) => u.userId === id)?.name || id || '未知用户';
const robotName = (code) => state.registry.apps.find((a) => a.robotCode === code)?.name || code || '机器人';

// ---------- markdown (subset used by DingTalk robots: headings, bold, lists, quotes, links, line breaks)

const SAFE_LINK = /^(https?:|dtmd:|dingtalk:)/i;

function renderInline(text, ctx) {
  const out = [];
  const re = /\*\*(.+?)\*\*|!\[([^\]]*)\]\(([^)\s]+)\)|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  let m = re.exec(text);
  while (m !== null) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) {
      out.push(el('strong', {}, ...renderInline(m[1], ctx)));
    } else if (m[3] !== undefined) {
      out.push(actionLink(`[图片${m[2] ? `：${m[2]}` : ''}]`, m[3], ctx));
    } else {
      out.push(actionLink(m[4], m[5], ctx));
    }
    last = re.lastIndex;
    m = re.exec(text);
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function actionLink(label, url, ctx) {
  if (!SAFE_LINK.test(url)) return label;
  return el('a', { class: 'action', title: url, onclick: () => openAction(url, ctx) }, label);
}

function renderMarkdown(src, ctx) {
  const root = el('div', { class: 'md' });
  let list = null;
  let para = null;
  const closeBlocks = () => {
    list = null;
    para = null;
  };
  for (const line of String(src).replace(/\r\n?/g, '\n').split('\n')) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const ordered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    const quote = /^>\s?(.*)$/.exec(line);
    if (line.trim() === '') {
      closeBlocks();
    } else if (heading) {
      closeBlocks();
      root.append(el(`h${heading[1].length}`, {}, ...renderInline(heading[2], ctx)));
    } else if (bullet || ordered) {
      const tag = bullet ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = el(tag);
        root.append(list);
      }
      para = null;
      list.append(el('li', {}, ...renderInline((bullet || ordered)[1], ctx)));
    } else if (/^\s*(-{3,}|\*{3,})\s*$/.test(line)) {
      closeBlocks();
      root.append(el('hr'));
    } else if (quote) {
      closeBlocks();
      root.append(el('blockquote', {}, ...renderInline(quote[1], ctx)));
    } else {
      list = null;
      if (para) para.append(el('br'));
      else {
        para = el('p');
        root.append(para);
      }
      para.append(...renderInline(line, ctx));
    }
  }
  return root;
}

// ---------- links and buttons

// DingTalk robot quick replies are dtmd://dingtalkclient/sendMessage?content=… links:
// clicking one sends the content as the user. In a group the simulator @-s the
// robot that posted the message so the robot receives it.
function openAction(url, ctx) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    toast(`无法识别的链接：${url}`);
    return;
  }
  if (
    parsed.protocol === 'dtmd:' &&
    parsed.hostname === 'dingtalkclient' &&
    parsed.pathname === '/sendMessage'
  ) {
    const content = parsed.searchParams.get('content');
    if (content) void sendText(content, ctx.robotCode, true);
    return;
  }
  if (
    parsed.protocol === 'dingtalk:' &&
    parsed.hostname === 'dingtalkclient' &&
    parsed.pathname === '/page/link'
  ) {
    const target = parsed.searchParams.get('url') || '';
    if (/^https?:\/\//i.test(target)) window.open(target, '_blank', 'noopener');
    else toast(`无法打开：${target}`);
    return;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    window.open(parsed.href, '_blank', 'noopener');
    return;
  }
  toast(`模拟器不支持此链接：${url}`);
}

function buttonRow(buttons, horizontal, ctx) {
  return el(
    'div',
    { class: horizontal ? 'btns horizontal' : 'btns' },
    buttons.map((b) => el('button', { type: 'button', onclick: () => openAction(b.url, ctx) }, b.title)),
  );
}

// ---------- interactive cards

async function fetchCard(outTrackId) {
  try {
    const card = await api(`/_sim/card?outTrackId=${encodeURIComponent(outTrackId)}`);
    state.cards.set(outTrackId, card);
    for (const node of document.querySelectorAll(`[data-out-track-id="${CSS.escape(outTrackId)}"]`)) {
      node.replaceWith(renderCard(outTrackId, JSON.parse(node.dataset.ctx || '{}')));
    }
  } catch (err) {
    toast(`卡片加载失败：${err.message}`);
  }
}

function parseButtons(raw) {
  if (!raw) return [];
  try {
    const list = JSON.parse(raw);
    return Array.isArray(list) ? list.filter((b) => b && typeof b.id === 'string') : [];
  } catch {
    return [];
  }
}

// cardParamMap is rendered generically: title/markdown/content as markdown,
// `buttons` (a JSON array [{id, text, params}]) as buttons, the rest as a table.
function renderCard(outTrackId, ctx) {
  const box = el('div', {
    class: 'bubble card',
    'data-out-track-id': outTrackId,
    'data-ctx': JSON.stringify(ctx),
  });
  const card = state.cards.get(outTrackId);
  if (!card) {
    box.append(el('span', { class: 'hint' }, '卡片加载中…'));
    void fetchCard(outTrackId);
    return box;
  }
  const params = { ...card.cardParamMap, ...(card.privateData[state.userId] || {}) };
  if (params.title) box.append(el('div', { class: 'box-title' }, ...renderInline(params.title, ctx)));
  for (const key of ['markdown', 'content']) if (params[key]) box.append(renderMarkdown(params[key], ctx));
  const rest = Object.entries(params).filter(
    ([k]) => !['title', 'markdown', 'content', 'buttons'].includes(k) && !k.startsWith('sys_'),
  );
  if (rest.length > 0) {
    box.append(
      el(
        'table',
        {},
        el(
          'tbody',
          {},
          rest.map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v))),
        ),
      ),
    );
  }
  const buttons = parseButtons(params.buttons);
  if (buttons.length > 0) {
    box.append(
      el(
        'div',
        { class: buttons.length <= 2 ? 'btns horizontal' : 'btns' },
        buttons.map((b) =>
          el(
            'button',
            { type: 'button', disabled: b.disabled === true, onclick: () => clickCard(outTrackId, b) },
            String(b.text || b.id),
          ),
        ),
      ),
    );
  }
  box.append(el('div', { class: 'foot' }, `互动卡片 · ${card.cardTemplateId} · 第 ${card.version} 版`));
  return box;
}

async function clickCard(outTrackId, button) {
  const params = {};
  for (const [k, v] of Object.entries(button.params || {}))
    params[k] = typeof v === 'string' ? v : JSON.stringify(v);
  try {
    await api('/_sim/click', { userId: state.userId, outTrackId, actionId: button.id, params });
    toast(`已点击「${button.text || button.id}」，等待机器人响应…`);
  } catch (err) {
    toast(err.message);
  }
}

// ---------- message content

function renderContent(c, ctx) {
  switch (c.type) {
    case 'text':
      return el('div', { class: 'bubble text' }, c.text);
    case 'markdown':
      return el('div', { class: 'bubble' }, renderMarkdown(c.text, ctx));
    case 'actionCard':
      return el(
        'div',
        { class: 'bubble' },
        el('div', { class: 'box-title' }, c.title),
        renderMarkdown(c.text, ctx),
        buttonRow(c.buttons, c.btnOrientation === '1', ctx),
      );
    case 'link':
      return el(
        'div',
        { class: 'bubble link-box', onclick: () => openAction(c.messageUrl, ctx) },
        c.picUrl && /^https?:/i.test(c.picUrl) ? el('img', { src: c.picUrl, alt: '' }) : null,
        el('div', {}, el('div', { class: 'box-title' }, c.title), el('div', { class: 'hint' }, c.text)),
      );
    case 'feedCard':
      return el(
        'div',
        { class: 'bubble feed' },
        c.links.map((l) =>
          el(
            'div',
            { onclick: () => openAction(l.messageUrl, ctx) },
            l.picUrl && /^https?:/i.test(l.picUrl) ? el('img', { src: l.picUrl, alt: '' }) : null,
            el('span', {}, l.title),
          ),
        ),
      );
    case 'image':
      return /^https?:/i.test(c.url)
        ? el('div', { class: 'bubble' }, el('img', { class: 'photo', src: c.url, alt: '图片' }))
        : el('div', { class: 'bubble' }, `[图片 ${c.url}]`);
    case 'picture':
      return el('div', { class: 'bubble' }, '[图片]');
    case 'file':
      return el('div', { class: 'bubble' }, `[文件] ${c.fileName}`);
    case 'media':
      return el('div', { class: 'bubble' }, c.msgtype === 'video' ? '[视频]' : '[语音]');
    case 'oa':
      return el(
        'div',
        { class: 'bubble' },
        el('div', { class: 'box-title' }, c.title),
        renderMarkdown(c.text, ctx),
        c.messageUrl ? actionLink('查看详情', c.messageUrl, ctx) : null,
      );
    case 'card':
      return renderCard(c.outTrackId, ctx);
    default:
      return el('div', { class: 'bubble hint' }, `[不支持显示的消息：${c.type}]`);
  }
}

function renderRecord(r) {
  const self = r.kind === 'inbound' && r.userId === state.userId;
  const sender = r.kind === 'inbound' ? userName(r.userId) : robotName(r.robotCode);
  const ctx = { robotCode: r.robotCode || '' };
  const time = new Date(r.time).toLocaleTimeString('zh-CN', { hour12: false });
  const wrap = el(
    'div',
    { class: self ? 'msg self' : 'msg' },
    el('div', { class: 'meta' }, `${sender} · ${time}`),
  );
  if (r.kind === 'inbound' && r.conversationType === '2' && r.delivered) {
    wrap.append(el('div', { class: 'hint' }, `@${robotName(r.robotCode)}`));
  }
  wrap.append(renderContent(r.content, ctx));
  if (r.kind === 'inbound' && r.delivered === false) {
    wrap.append(el('div', { class: 'hint' }, '未@机器人，机器人不会收到这条消息'));
  }
  return wrap;
}

// ---------- conversations

function currentConversation() {
  return state.conversations.find((c) => c.conversationId === state.current);
}

function recordsOf(conversationId) {
  if (conversationId === NOTICES) {
    return state.records.filter((r) => r.kind === 'workNotice' && r.userId === state.userId);
  }
  return state.records.filter((r) => r.conversationId === conversationId && CHAT_KINDS.has(r.kind));
}

function unread(conversationId) {
  const seen = state.seenSeq.get(conversationId) || 0;
  return recordsOf(conversationId).filter((r) => r.seq > seen).length;
}

function renderSidebar() {
  const nav = byId('conversations');
  const item = (conversationId, avatarClass, avatarText, title) => {
    const n = state.current === conversationId ? 0 : unread(conversationId);
    return el(
      'button',
      {
        type: 'button',
        class: state.current === conversationId ? 'conv active' : 'conv',
        onclick: () => selectConversation(conversationId),
      },
      el('span', { class: `avatar ${avatarClass}` }, avatarText),
      el('span', {}, title),
      n > 0 ? el('span', { class: 'badge' }, String(n)) : null,
    );
  };
  const singles = state.conversations.filter((c) => c.conversationType === '1');
  const groups = state.conversations.filter((c) => c.conversationType === '2');
  nav.replaceChildren(
    el('div', { class: 'section' }, '机器人单聊'),
    ...singles.map((c) => item(c.conversationId, '', '机', c.title)),
    el('div', { class: 'section' }, '群聊'),
    ...(groups.length > 0
      ? groups.map((c) => item(c.conversationId, 'group', '群', c.title))
      : [el('div', { class: 'section' }, '（没有加入任何群）')]),
    el('div', { class: 'section' }, '通知'),
    item(NOTICES, 'notice', '通', '工作通知'),
  );
}

function renderChat() {
  const box = byId('messages');
  const composer = byId('composer');
  if (!state.current) {
    byId('chat-title').textContent = '请选择会话';
    box.replaceChildren(el('div', { class: 'empty' }, '从左侧选择一个会话'));
    composer.hidden = true;
    return;
  }
  const conv = currentConversation();
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  if (state.current === NOTICES) {
    byId('chat-title').textContent = '工作通知';
    composer.hidden = true;
  } else if (conv) {
    byId('chat-title').textContent =
      conv.conversationType === '2' ? `${conv.title}（群聊）` : `${conv.title}（机器人单聊）`;
    composer.hidden = false;
    byId('group-opts').hidden = conv.conversationType !== '2';
    const select = byId('robot-select');
    const chosen = select.value;
    select.replaceChildren(
      ...conv.robotCodes.map((code) => el('option', { value: code }, `@${robotName(code)}`)),
    );
    if (conv.robotCodes.includes(chosen)) select.value = chosen;
  }
  const records = recordsOf(state.current);
  box.replaceChildren(
    ...(records.length > 0 ? records.map(renderRecord) : [el('div', { class: 'empty' }, '暂无消息')]),
  );
  // stay where the reader is, unless they were at the bottom or just opened the conversation
  if (atBottom || state.renderedConversation !== state.current) box.scrollTop = box.scrollHeight;
  state.renderedConversation = state.current;
  const last = records.at(-1);
  if (last) state.seenSeq.set(state.current, last.seq);
}

function selectConversation(conversationId) {
  state.current = conversationId;
  renderChat();
  renderSidebar();
  byId('input').focus();
}

// ---------- sending

async function sendText(text, robotCode, atRobot) {
  const conv = currentConversation();
  if (!conv || !text.trim()) return false;
  const body = { userId: state.userId, robotCode: robotCode || conv.robotCodes[0], text };
  if (conv.conversationType === '2') Object.assign(body, { conversationId: conv.conversationId, atRobot });
  try {
    await api('/_sim/say', body);
    await poll();
    return true;
  } catch (err) {
    toast(err.message);
    return false;
  }
}

async function onSend() {
  const input = byId('input');
  const conv = currentConversation();
  if (!conv) return;
  const group = conv.conversationType === '2';
  const ok = await sendText(
    input.value,
    group ? byId('robot-select').value : conv.robotCodes[0],
    group ? byId('at-robot').checked : true,
  );
  if (ok) input.value = '';
}

// ---------- users and polling

async function selectUser(userId) {
  state.userId = userId;
  localStorage.setItem('sim.userId', userId);
  byId('user-select').value = userId;
  const link = byId('miniapp-link');
  link.hidden = !state.registry.miniAppUrl;
  link.href = `/_sim/open-app?userId=${encodeURIComponent(userId)}`;
  const mail = byId('mail-link');
  mail.hidden = !state.registry.mailUrl;
  if (state.registry.mailUrl) mail.href = state.registry.mailUrl;
  await loadConversations();
  if (!state.conversations.some((c) => c.conversationId === state.current) && state.current !== NOTICES) {
    state.current = state.conversations[0]?.conversationId || NOTICES;
  }
  renderSidebar();
  renderChat();
}

async function loadConversations() {
  if (!state.userId) return;
  const { conversations } = await api(`/_sim/conversations?userId=${encodeURIComponent(state.userId)}`);
  state.conversations = conversations;
}

async function loadRegistry() {
  const registry = await api('/_sim/registry');
  const json = JSON.stringify(registry);
  if (json === state.registryJson) return false;
  state.registryJson = json;
  state.registry = registry;
  const select = byId('user-select');
  select.replaceChildren(
    ...registry.users.map((u) =>
      el('option', { value: u.userId }, `${u.name}（${u.userId}${u.external ? '，外部' : ''}）`),
    ),
  );
  if (state.userId) select.value = state.userId;
  return true;
}

async function poll() {
  if (state.polling) return;
  state.polling = true;
  try {
    const { records } = await api(`/_sim/messages?since=${state.lastSeq}`);
    const changedCards = new Set();
    for (const r of records) {
      state.records.push(r);
      state.lastSeq = Math.max(state.lastSeq, r.seq);
      if (r.outTrackId && r.kind !== 'cardDeliver') changedCards.add(r.outTrackId);
    }
    if (state.records.length > 5000) state.records.splice(0, state.records.length - 5000);
    for (const id of changedCards) if (state.cards.has(id)) void fetchCard(id);
    if (records.length > 0) {
      renderChat();
      renderSidebar();
    }
  } catch {
    byId('status').textContent = '模拟器无响应';
  } finally {
    state.polling = false;
  }
}

async function refreshStatus() {
  try {
    if (await loadRegistry()) {
      await loadConversations();
      renderSidebar();
      renderChat();
    }
    const { connections } = await api('/_sim/connections');
    const parts = state.registry.apps.map((a) => {
      const n = connections.filter((c) => c.clientId === a.clientId && !c.closing).length;
      return n > 0 ? `${a.name}：在线（${n} 个连接）` : `${a.name}：离线，消息将排队`;
    });
    byId('status').textContent = parts.join('　') || '尚未注册应用';
  } catch {
    byId('status').textContent = '模拟器无响应';
  }
}

async function init() {
  byId('send').addEventListener('click', () => void onSend());
  byId('input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void onSend();
    }
  });
  byId('user-select').addEventListener('change', (e) => void selectUser(e.target.value));
  await loadRegistry();
  const wanted = new URLSearchParams(location.search).get('userId') || localStorage.getItem('sim.userId');
  const users = state.registry.users;
  const first = users.find((u) => u.userId === wanted) || users[0];
  await poll();
  if (first) await selectUser(first.userId);
  else renderChat();
  await refreshStatus();
  setInterval(() => void poll(), 1000);
  setInterval(() => void refreshStatus(), 3000);
}

void init();
