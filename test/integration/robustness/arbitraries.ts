import fc from 'fast-check';

/**
 * Generators for the robustness fuzz test (fuzz.test.ts): malformed stream
 * frames, robot-message callback payloads and API request bodies. Most
 * inputs are broken on purpose; some are valid by construction or by chance.
 */

export const topicRobot = '/v1.0/im/bot/messages/get';
export const topicCard = '/v1.0/card/instances/callback';

/** Any JSON value: the "wrong type" for every field. */
export const jsonAny: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

/** Text with the awkward parts of Unicode: lone surrogates, NUL, BOM, bidi, emoji, JSON syntax. */
export function anyText(maxLength = 200, minLength = 0): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ minLength, maxLength, unit: 'binary' }),
    fc.string({ minLength, maxLength, unit: 'grapheme' }),
    fc.string({
      minLength,
      maxLength,
      unit: fc.constantFrom(
        '\u0000',
        '\u202e',
        '\ufeff',
        '\ud800',
        '"',
        '\\',
        '{',
        '}',
        '[',
        ']',
        ':',
        '\n',
        ' ',
        '😀',
        '中',
        'a',
        '1',
      ),
    }),
  );
}

/** A long string built cheaply by repetition (up to maxLength characters). */
export function longText(minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 6, unit: 'grapheme' }),
      fc.integer({ min: minLength, max: maxLength }),
    )
    .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));
}

/** Deeply nested or unbalanced JSON-ish text. */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 500, max: 50_000 }), fc.constantFrom('[', '{"a":', '{"headers":'), fc.boolean())
  .map(([n, open, closed]) => {
    const inner = open === '[' ? '' : '1';
    const close = open === '[' ? ']' : '}';
    return open.repeat(n) + inner + (closed ? close.repeat(n) : close.repeat(Math.floor(n / 2)));
  });

/** A prefix of a JSON text: syntactically broken JSON. */
export function truncated(json: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(json, fc.nat())
    .map(([s, k]) => (s.length <= 1 ? `${s}{` : s.slice(0, 1 + (k % (s.length - 1)))));
}

/** Strings no URL parser accepts (no scheme), so a message never makes the bot call a random host. */
const nonUrl: fc.Arbitrary<string> = anyText(80).map((s) => s.replace(/:/g, ''));

const numberish: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.nat().map(String),
  fc.constantFrom('0', '1700000000000', '9'.repeat(400), '-1', '1e3', '12a', '', ' 1', '0x10'),
  jsonAny,
);

/** Texts the conversation core reacts to, plus noise. */
const commandWords = [
  '报障',
  '报障 EKP 1级 系统崩溃全员无法登录',
  '报障 KMS 3级',
  '查询',
  '查询 SD-2026-000001',
  'SD-2026-000001',
  '我的工单',
  '取消',
  '帮助',
  '?',
  '@机器人 报障',
  '',
  '   ',
  '\u3000\u3000',
  'EKP',
  '1',
  '流程审批页面打开报错 500',
];

/** Precomputed extremes: just under and well over the 20 000-character text limit. */
const longOk = `报障 EKP 1级 ${'系统崩溃'.repeat(4_990)}`;
const longBad = '字'.repeat(30_000);

export const messageText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: anyText(200), weight: 4 },
  { arbitrary: fc.constantFrom(...commandWords), weight: 4 },
  {
    arbitrary: fc.tuple(fc.constantFrom(...commandWords), anyText(40)).map(([a, b]) => `${a} ${b}`),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(longOk, longBad), weight: 1 },
);

export interface WebhookUrls {
  /** a live sessionWebhook of the simulator, for the fuzzed messages */
  valid: string;
  /** another live sessionWebhook, used only by the valid messages: its replies are counted */
  answer: string;
  /** the simulator's sendBySession with an unknown session (answers 300001) */
  unknownSession: string;
  /** nothing listens there: connection refused */
  refused: string;
}

function webhookArb(urls: WebhookUrls): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.constant(urls.valid), weight: 4 },
    { arbitrary: fc.constant(urls.unknownSession), weight: 1 },
    { arbitrary: fc.constant(urls.refused), weight: 1 },
    { arbitrary: nonUrl, weight: 1 },
    { arbitrary: fc.constant(`${urls.valid}&${'x'.repeat(2_001)}`), weight: 1 },
    { arbitrary: jsonAny, weight: 1 },
  );
}

/** Users: unregistered, registered on the platform only, a customer contact, a staff member. */
const senderIds = ['', 'visitor-01', 'fz-nobody', 'cust-gz-01', 'eng-wang', 'admin-gao'];

/** A robot message with every field possibly missing, wrong, extreme or right. */
export function robotMessageRecord(urls: WebhookUrls): fc.Arbitrary<Record<string, unknown>> {
  const validConversationId = anyText(40, 1).map((s) => `cid-fz-${s}`);
  return fc.record(
    {
      msgId: fc.oneof(
        { arbitrary: fc.uuid().map((u) => `fz-${u}`), weight: 4 },
        { arbitrary: fc.constantFrom('', 'x'.repeat(201)), weight: 1 },
        { arbitrary: anyText(30), weight: 1 },
        { arbitrary: jsonAny, weight: 1 },
      ),
      conversationId: fc.oneof(
        { arbitrary: validConversationId, weight: 4 },
        { arbitrary: fc.constantFrom('', 'c'.repeat(301)), weight: 1 },
        { arbitrary: jsonAny, weight: 1 },
      ),
      conversationType: fc.oneof(
        { arbitrary: fc.constantFrom('1', '2', 1, 2), weight: 4 },
        { arbitrary: fc.constantFrom('3', 3, '0', '', ' 1', '01', 'group', 1.5, -1), weight: 2 },
        { arbitrary: jsonAny, weight: 1 },
      ),
      conversationTitle: fc.oneof(anyText(50), longText(501, 700), jsonAny),
      senderStaffId: fc.oneof(
        { arbitrary: fc.constantFrom(...senderIds), weight: 4 },
        { arbitrary: anyText(30), weight: 1 },
        { arbitrary: fc.constant('s'.repeat(201)), weight: 1 },
        { arbitrary: jsonAny, weight: 1 },
      ),
      senderNick: fc.oneof(anyText(40), longText(201, 300), jsonAny),
      senderCorpId: fc.oneof(fc.constant('dinglocalcorp'), anyText(20), jsonAny),
      senderId: fc.oneof(anyText(40), jsonAny),
      robotCode: fc.oneof(fc.constant('dinglocalservicedesk'), anyText(20), longText(201, 260), jsonAny),
      chatbotCorpId: fc.oneof(anyText(20), jsonAny),
      chatbotUserId: fc.oneof(anyText(40), jsonAny),
      sessionWebhook: webhookArb(urls),
      sessionWebhookExpiredTime: fc.oneof(fc.constant(Date.now() + 3_600_000), numberish),
      createAt: numberish,
      isInAtList: fc.oneof(fc.boolean(), jsonAny),
      isAdmin: fc.oneof(fc.boolean(), jsonAny),
      atUsers: fc.oneof(
        fc.array(
          fc.record(
            {
              dingtalkId: fc.oneof(anyText(30), jsonAny),
              staffId: fc.oneof(fc.constantFrom(...senderIds), jsonAny),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 5 },
        ),
        fc.constant(Array.from({ length: 201 }, () => ({ staffId: 'eng-wang' }))),
        jsonAny,
      ),
      msgtype: fc.oneof(
        {
          arbitrary: fc.constantFrom('text', 'picture', 'file', 'richText', 'audio', 'video', 'markdown'),
          weight: 4,
        },
        { arbitrary: fc.constant('m'.repeat(51)), weight: 1 },
        { arbitrary: jsonAny, weight: 1 },
      ),
      text: fc.oneof(
        { arbitrary: fc.record({ content: messageText }), weight: 5 },
        { arbitrary: fc.record({ content: jsonAny }), weight: 1 },
        { arbitrary: fc.constant({}), weight: 1 },
        { arbitrary: jsonAny, weight: 1 },
      ),
      content: fc.oneof(
        fc.record(
          {
            downloadCode: fc.oneof(anyText(30), jsonAny),
            pictureDownloadCode: anyText(30),
            fileName: fc.oneof(anyText(30), jsonAny),
            recognition: fc.oneof(messageText, jsonAny),
          },
          { requiredKeys: [] },
        ),
        fc.record({
          richText: fc.oneof(
            fc.array(
              fc.record(
                { text: fc.oneof(messageText, jsonAny), downloadCode: fc.oneof(anyText(20), jsonAny) },
                { requiredKeys: [] },
              ),
              { maxLength: 5 },
            ),
            jsonAny,
          ),
        }),
        jsonAny,
      ),
    },
    { requiredKeys: [] },
  );
}

/**
 * A valid text message from a sender the desk does not know, replying through
 * the live sessionWebhook: the bot must answer each with the "unregistered" text.
 * The msgId is added by the test (unique per message).
 */
export function validUnregisteredMessage(urls: WebhookUrls): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    conversationId: anyText(60, 1).map((s) => `cid-fz-ok-${s}`),
    conversationType: fc.constantFrom('1', '2', 1, 2),
    senderStaffId: fc.constantFrom('visitor-01', 'fz-nobody', 'fz-unknown-2', ''),
    senderNick: anyText(50),
    senderCorpId: fc.constant('dinglocalcorp'),
    robotCode: fc.constant('dinglocalservicedesk'),
    sessionWebhook: fc.constant(urls.answer),
    sessionWebhookExpiredTime: fc.constantFrom(Date.now() + 3_600_000, String(Date.now() + 3_600_000)),
    createAt: fc.oneof(fc.constant(Date.now()), fc.nat().map(String)),
    msgtype: fc.constant('text'),
    text: fc.record({ content: messageText.filter((t) => t.length <= 20_000) }),
  });
}

export type CallbackPayload =
  | { kind: 'garbage'; data: string }
  | { kind: 'valid'; message: Record<string, unknown> };

/** What sim.sendRaw pushes as the CALLBACK `data` of a robot message. */
export function callbackPayload(urls: WebhookUrls): fc.Arbitrary<CallbackPayload> {
  const record = robotMessageRecord(urls);
  const garbage = (a: fc.Arbitrary<string>) => a.map((data): CallbackPayload => ({ kind: 'garbage', data }));
  return fc.oneof(
    { arbitrary: garbage(anyText(300)), weight: 2 },
    { arbitrary: garbage(jsonAny.map((v) => JSON.stringify(v))), weight: 2 },
    { arbitrary: garbage(record.map((r) => JSON.stringify(r))), weight: 10 },
    // the same, wrapped: a JSON string or array of messages, or cut short
    { arbitrary: garbage(record.map((r) => JSON.stringify(JSON.stringify(r)))), weight: 1 },
    { arbitrary: garbage(fc.array(record, { maxLength: 3 }).map((r) => JSON.stringify(r))), weight: 1 },
    { arbitrary: garbage(truncated(record.map((r) => JSON.stringify(r)))), weight: 1 },
    { arbitrary: garbage(deepJson), weight: 1 },
    { arbitrary: garbage(longText(50_000, 200_000)), weight: 1 },
    {
      arbitrary: validUnregisteredMessage(urls).map(
        (message): CallbackPayload => ({ kind: 'valid', message }),
      ),
      weight: 2,
    },
  );
}

/** A text frame as the stream gateway would write it to the bot's socket. */
export function streamFrame(robotData: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const type = fc.oneof(
    { arbitrary: fc.constantFrom('SYSTEM', 'EVENT', 'CALLBACK'), weight: 6 },
    { arbitrary: fc.constantFrom('callback', '', 'PING', 'SYSTEM ', 'UNKNOWN'), weight: 1 },
    { arbitrary: jsonAny, weight: 1 },
  );
  const topic = fc.oneof(
    {
      arbitrary: fc.constantFrom(
        'ping',
        'disconnect',
        'CONNECTED',
        'REGISTERED',
        'KEEPALIVE',
        topicRobot,
        topicCard,
        '/v1.0/unknown/topic',
        '*',
        'error',
        'newListener',
        'removeListener',
        '__proto__',
        'constructor',
        'toString',
      ),
      weight: 6,
    },
    { arbitrary: anyText(40), weight: 1 },
    { arbitrary: jsonAny, weight: 1 },
  );
  const headers = fc.oneof(
    {
      arbitrary: fc.record(
        {
          topic,
          messageId: fc.oneof(anyText(40), fc.constant(''), jsonAny),
          contentType: fc.oneof(fc.constant('application/json'), jsonAny),
          time: fc.oneof(fc.nat().map(String), jsonAny),
          appId: anyText(20),
          connectionId: anyText(20),
        },
        { requiredKeys: [] },
      ),
      weight: 8,
    },
    { arbitrary: fc.constantFrom(null, [], {}, 'headers', 0, true), weight: 1 },
    { arbitrary: jsonAny, weight: 1 },
  );
  const data = fc.oneof(
    { arbitrary: robotData, weight: 4 },
    { arbitrary: anyText(200), weight: 2 },
    { arbitrary: jsonAny, weight: 2 },
    { arbitrary: longText(10_000, 300_000), weight: 1 },
  );
  const frame = fc
    .record({ specVersion: fc.oneof(fc.constant('1.0'), jsonAny), type, headers, data }, { requiredKeys: [] })
    .map((f) => JSON.stringify(f));
  const headerless = fc
    .record({ type, topic, messageId: anyText(20), data }, { requiredKeys: [] })
    .map((f) => JSON.stringify(f));
  return fc.oneof(
    { arbitrary: anyText(300), weight: 3 },
    { arbitrary: jsonAny.map((v) => JSON.stringify(v)), weight: 2 },
    { arbitrary: headerless, weight: 2 },
    { arbitrary: frame, weight: 10 },
    { arbitrary: truncated(frame), weight: 2 },
    { arbitrary: deepJson, weight: 1 },
    { arbitrary: longText(100_000, 500_000), weight: 1 },
  );
}

// ---- API bodies

/** Directory import files with every field possibly wrong (POST /api/directory/validate). */
export const directoryBody: fc.Arbitrary<unknown> = (() => {
  const id = fc.oneof(
    {
      arbitrary: fc.constantFrom(
        'org-xa-group',
        'cust-xa-02',
        'eng-wang',
        'sorting',
        'support-ekp',
        'fz-new-1',
      ),
      weight: 3,
    },
    { arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,10}$/), weight: 3 },
    { arbitrary: anyText(70), weight: 1 },
    { arbitrary: jsonAny, weight: 1 },
  );
  const text = fc.oneof(anyText(30), longText(100, 260), jsonAny);
  const date = fc.oneof(
    fc.constantFrom(
      '2026-01-01',
      '2026-02-30',
      '2025-12-31',
      '2026-13-01',
      '0000-00-00',
      '9999-12-31',
      '2026-1-1',
    ),
    anyText(12),
    jsonAny,
  );
  const list = <T>(a: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: fc.array(a, { maxLength: 3 }), weight: 4 }, jsonAny);
  const period = fc.record(
    {
      kind: fc.oneof(fc.constantFrom('free', 'paid', 'trial'), jsonAny),
      from: date,
      to: date,
      extra: jsonAny,
    },
    { requiredKeys: [] },
  );
  const licence = fc.record(
    {
      id,
      productLine: fc.oneof(fc.constantFrom('EKP', 'KMS', 'EIS', 'KK', 'XX', 'ekp', ''), jsonAny),
      version: text,
      servicePeriods: list(period),
    },
    { requiredKeys: [] },
  );
  const phone = fc.oneof(fc.constantFrom('13800000101', '029-88880103', '+86 138', 'abc'), jsonAny);
  const email = fc.oneof(fc.constantFrom('a@b.example.com', 'not-an-email', '@'), jsonAny);
  const contact = fc.record(
    { userId: id, name: text, phone, email, title: text, active: fc.oneof(fc.boolean(), jsonAny) },
    { requiredKeys: [] },
  );
  const organisation = fc.record(
    {
      id,
      name: text,
      region: text,
      branch: text,
      contractTier: text,
      licences: list(licence),
      contacts: list(contact),
    },
    { requiredKeys: [] },
  );
  const team = fc.record(
    {
      id,
      name: text,
      kind: fc.oneof(fc.constantFrom('sorting', 'support', 'productCentre', 'branch', 'x'), jsonAny),
      productLines: list(fc.constantFrom('EKP', 'KMS', 'XX')),
      regions: list(text),
      groupConversationId: fc.oneof(fc.constantFrom('cid-sorting', 'cid-fz', 'has space'), jsonAny),
      leadUserId: id,
      branch: text,
    },
    { requiredKeys: [] },
  );
  const staff = fc.record(
    {
      userId: id,
      name: text,
      roles: list(fc.constantFrom('engineer', 'dispatcher', 'teamLead', 'productCentre', 'admin', 'boss')),
      teamIds: list(id),
      phone,
      email,
      active: fc.oneof(fc.boolean(), jsonAny),
    },
    { requiredKeys: [] },
  );
  return fc.record(
    {
      comment: text,
      organisations: list(organisation),
      teams: list(team),
      staff: list(staff),
      unknownSection: jsonAny,
    },
    { requiredKeys: [] },
  );
})();

/** Directory bodies as JSON text, some with `__proto__` / `constructor` keys (prototype-pollution shapes). */
export const directoryJson: fc.Arbitrary<string> = fc
  .tuple(directoryBody, fc.constantFrom('', '"__proto__"', '"constructor"', '"hasOwnProperty"'), jsonAny)
  .map(([body, key, value]) => {
    const s = JSON.stringify(body);
    return key === '' || !s.startsWith('{') || s === '{}'
      ? s
      : `{${key}:${JSON.stringify(value)},${s.slice(1)}`;
  });

/** Bodies shaped like the simulator's DingTalk endpoints' (every key of every endpoint, any of them wrong). */
export const platformBody: fc.Arbitrary<unknown> = (() => {
  const clientId = 'dinglocalservicedesk';
  const pick = <T>(right: fc.Arbitrary<T>) =>
    fc.oneof(
      { arbitrary: right, weight: 3 },
      { arbitrary: anyText(30), weight: 1 },
      { arbitrary: jsonAny, weight: 1 },
    );
  const users = fc.constantFrom('cust-lz-01', 'visitor-01', 'nobody', 'eng-zhao');
  return fc.record(
    {
      appKey: pick(fc.constant(clientId)),
      appSecret: pick(fc.constantFrom('local-simulator-secret', 'wrong')),
      clientId: pick(fc.constant(clientId)),
      clientSecret: pick(fc.constantFrom('local-simulator-secret', 'wrong')),
      subscriptions: pick(
        fc.constantFrom([{ type: 'CALLBACK', topic: topicRobot }], [{ type: 'EVENT', topic: 'x' }], []),
      ),
      robotCode: pick(fc.constant(clientId)),
      userIds: pick(
        fc.oneof(
          fc.array(users, { minLength: 1, maxLength: 3 }),
          fc.array(users, { minLength: 21, maxLength: 25 }),
        ),
      ),
      msgKey: pick(fc.constantFrom('sampleText', 'sampleMarkdown', 'sampleActionCard', 'sampleLink', 'nope')),
      msgParam: pick(
        fc.oneof(
          fc.constantFrom('{"content":"hi"}', '{"title":"t","text":"x"}', '{', '[]', 'null'),
          jsonAny.map((v) => JSON.stringify(v)),
        ),
      ),
      openConversationId: pick(fc.constantFrom('cid-sorting', 'cid-nope')),
      coolAppCode: pick(anyText(10)),
      downloadCode: pick(anyText(20)),
      outTrackId: pick(fc.constantFrom('fz-card-1', 'fz-card-2', '')),
      cardTemplateId: pick(fc.constantFrom('tpl.schema', '')),
      callbackType: pick(fc.constantFrom('STREAM', 'HTTP', 'x')),
      callbackRouteKey: pick(anyText(10)),
      cardData: pick(
        fc.record({ cardParamMap: pick(fc.dictionary(anyText(10), pick(anyText(20)), { maxKeys: 3 })) }),
      ),
      privateData: pick(fc.dictionary(anyText(10), jsonAny, { maxKeys: 2 })),
      openSpaceId: pick(
        fc.constantFrom(
          'dtv1.card//IM_ROBOT.cust-lz-01',
          'dtv1.card//IM_GROUP.cid-sorting',
          'dtv1.card//',
          'x',
        ),
      ),
      imRobotOpenSpaceModel: pick(fc.constant({})),
      imGroupOpenSpaceModel: pick(fc.constant({})),
      imRobotOpenDeliverModel: pick(
        fc.record({ spaceType: pick(fc.constant('IM_ROBOT')), robotCode: pick(fc.constant(clientId)) }),
      ),
      imGroupOpenDeliverModel: pick(
        fc.record({ robotCode: pick(fc.constant(clientId)), recipients: pick(fc.array(users)) }),
      ),
      userIdType: pick(fc.constantFrom(1, 2, 3)),
      cardUpdateOptions: pick(fc.record({ updateCardDataByKey: pick(fc.boolean()) })),
      key: pick(fc.constantFrom('content', '')),
      content: pick(anyText(50)),
      guid: pick(anyText(10)),
      isFull: pick(fc.boolean()),
      isFinalize: pick(fc.boolean()),
      agent_id: pick(fc.constantFrom('3000000001', 3000000001, '1'.repeat(20), -1)),
      userid_list: pick(fc.constantFrom('cust-lz-01,visitor-01', '', ',,,')),
      dept_id_list: pick(fc.constantFrom('1,2', '')),
      to_all_user: pick(fc.constantFrom(true, false, 'true', 'yes')),
      msg: pick(
        fc.record(
          {
            msgtype: pick(fc.constantFrom('text', 'markdown', 'action_card', 'oa', 'link', 'x')),
            text: pick(fc.record({ content: pick(anyText(30)) })),
            markdown: pick(fc.record({ title: pick(anyText(10)), text: pick(anyText(30)) })),
          },
          { requiredKeys: [] },
        ),
      ),
      task_id: pick(fc.constantFrom(1, '1', -1)),
      code: pick(anyText(20)),
      userid: pick(users),
      language: pick(fc.constantFrom('zh_CN', 'en_US')),
      msgtype: pick(fc.constantFrom('text', 'markdown', 'actionCard', 'link', 'feedCard', 'x')),
      text: pick(fc.oneof(fc.record({ content: pick(anyText(30)) }), anyText(30))),
      markdown: pick(fc.record({ title: pick(anyText(10)), text: pick(anyText(30)) })),
      actionCard: pick(
        fc.record({ title: pick(anyText(10)), text: pick(anyText(30)) }, { requiredKeys: [] }),
      ),
      userId: pick(users),
      actionId: pick(anyText(10)),
      params: pick(fc.dictionary(anyText(10), anyText(10), { maxKeys: 2 })),
      corpId: pick(fc.constantFrom('dinglocalcorp', 'other')),
    },
    { requiredKeys: [] },
  );
})();

export type RawBody = { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Uint8Array };

/** A request body: JSON of the right shape gone wrong, any JSON, any text, invalid UTF-8, nothing, too much. */
export function requestBody(shapedJson: fc.Arbitrary<string>): fc.Arbitrary<RawBody> {
  const text = (a: fc.Arbitrary<string>) => a.map((t): RawBody => ({ kind: 'text', text: t }));
  return fc.oneof(
    { arbitrary: text(shapedJson), weight: 200 },
    { arbitrary: text(jsonAny.map((v) => JSON.stringify(v))), weight: 60 },
    { arbitrary: text(anyText(200)), weight: 40 },
    { arbitrary: text(truncated(shapedJson)), weight: 20 },
    { arbitrary: text(deepJson), weight: 20 },
    {
      arbitrary: text(fc.constantFrom('', ' ', 'null', '[]', '{}', '"x"', '0', 'true', '\ufeff{}')),
      weight: 20,
    },
    {
      arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): RawBody => ({ kind: 'bytes', bytes })),
      weight: 20,
    },
    // over the 1 MB body limit of both servers: rare, it is slow
    { arbitrary: text(longText(1_000_001, 1_100_000).map((s) => JSON.stringify({ comment: s }))), weight: 1 },
  );
}

export const contentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json;;;=',
  undefined,
);

// ---- printing

/** Gives a generated value a short printed form in fast-check's reports (a frame can be 500 kB). */
export function brief<T extends object>(value: T, show: (v: T) => string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => show(value), enumerable: false });
  return value;
}

/** The start of a long string, quoted, with its length. */
export function clip(s: string, n = 200): string {
  return `${JSON.stringify(s.slice(0, n))}${s.length > n ? `… (${s.length} chars)` : ''}`;
}
