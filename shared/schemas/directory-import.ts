import { z } from 'zod';
import { zhCN } from 'zod/locales';
import { defaultOnCallBranch, defaultProductLines } from '../catalog.ts';
import type { ErrorIssue } from '../errors.ts';
import { isIsoDate, isoDateSchema } from './iso-date.ts';

/**
 * The directory import file: customer organisations with their licences and
 * contacts, the vendor's teams and staff. One JSON object, every section
 * optional, at least one non-empty:
 *
 *   { "organisations": [ { "id", "name", "region"?, "branch"?, "contractTier"?,
 *        "licences": [ { "id", "productLine", "version"?,
 *                        "servicePeriods": [ { "kind": "free"|"paid", "from", "to" } ] } ],
 *        "contacts": [ { "userId", "name", "phone"?, "email"?, "title"?, "active"? } ] } ],
 *     "teams": [ { "id", "name", "kind", "productLines"?, "regions"?,
 *                  "groupConversationId"?, "leadUserId"?, "branch"? } ],
 *     "staff": [ { "userId", "name", "roles", "teamIds"?, "phone"?, "email"?, "active"? } ],
 *     "comment"? }
 *
 * Checking happens in two steps. This file checks what the file alone can
 * tell: shapes, real dates, periods in order, configured product lines,
 * duplicates and people listed as both contact and staff inside the file.
 * `directory-import-references.ts` adds what needs the database (unknown
 * teams, contacts of another organisation…). Each entry is checked on its
 * own, so one broken entry does not hide the problems of the others.
 */

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$/;
const idMessage = '只能包含字母、数字和 _ . : @ -，以字母或数字开头，最长 64 个字符';

const entityId = z.string().trim().regex(ID, `id ${idMessage}`);
const dingUserId = z.string().trim().regex(ID, `钉钉 userId ${idMessage}`);
const conversationId = z
  .string()
  .trim()
  .regex(/^\S{1,128}$/, '群会话 openConversationId 不能为空、不能含空白，最长 128 个字符');
const personName = z.string().trim().min(1, '不能为空').max(100, '最长 100 个字符');

/** Optional free text; an empty string counts as absent. */
function optionalText(max: number) {
  return z
    .string()
    .trim()
    .max(max, `最长 ${max} 个字符`)
    .transform((v) => (v === '' ? undefined : v))
    .optional();
}

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{4,19}$/, '电话号码格式不对（数字，可含 +、空格和 -，如 029-88886666）')
  .optional();
const email = z.string().trim().pipe(z.email('邮箱格式不对')).optional();

/** Keeps the first of repeated values (["EKP","EKP"] → ["EKP"]); repeats carry no meaning. */
function uniqueList<T extends z.ZodType<string>>(item: T) {
  return z
    .array(item)
    .default([])
    .transform((list) => [...new Set(list)]);
}

export const servicePeriodKinds = ['free', 'paid'] as const;
export type ServicePeriodKind = (typeof servicePeriodKinds)[number];

export const servicePeriodSchema = z
  .strictObject({
    kind: z.enum(servicePeriodKinds, '服务期类型应为 free（免费服务期）或 paid（付费服务期）'),
    from: isoDateSchema,
    to: isoDateSchema,
  })
  .refine((p) => p.from <= p.to, {
    path: ['to'],
    message: '服务期结束日期早于开始日期',
    // Also when another field of the period is wrong, as long as both dates are real.
    when: ({ value }) => {
      // `value` is whatever was given, possibly not an object at all (null, a string…).
      if (typeof value !== 'object' || value === null) return false;
      const p = value as { from?: unknown; to?: unknown };
      return typeof p.from === 'string' && isIsoDate(p.from) && typeof p.to === 'string' && isIsoDate(p.to);
    },
  });
export type ServicePeriod = z.output<typeof servicePeriodSchema>;

export const contactEntrySchema = z.strictObject({
  userId: dingUserId,
  name: personName,
  phone,
  email,
  title: optionalText(60),
  active: z.boolean().default(true),
});
export type ContactEntry = z.output<typeof contactEntrySchema>;

export const teamKinds = ['sorting', 'support', 'productCentre', 'branch'] as const;
export type TeamKind = (typeof teamKinds)[number];

export const staffRoles = ['engineer', 'dispatcher', 'teamLead', 'productCentre', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];

export const staffEntrySchema = z.strictObject({
  userId: dingUserId,
  name: personName,
  teamIds: uniqueList(entityId),
  roles: uniqueList(
    z.enum(staffRoles, '角色应为 engineer、dispatcher、teamLead、productCentre 或 admin 之一'),
  ).refine((roles) => roles.length > 0, '至少需要一个角色'),
  phone,
  email,
  active: z.boolean().default(true),
});
export type StaffEntry = z.output<typeof staffEntrySchema>;

/**
 * The schemas that name product lines, for a deployment's configured lines
 * (2–10 uppercase letters or digits each; the agreement's EKP, KMS, EIS, KK
 * by default).
 */
export function directoryImportSchemas(productLines: readonly string[] = defaultProductLines) {
  const configured = new Set(productLines);
  const productLine = z
    .string()
    .trim()
    .superRefine((line, ctx) => {
      if (!/^[A-Z0-9]{2,10}$/.test(line)) {
        ctx.addIssue({ code: 'custom', message: `产品线 "${line}" 应为 2–10 位大写字母或数字，如 EKP` });
      } else if (!configured.has(line)) {
        ctx.addIssue({
          code: 'custom',
          message: `产品线 ${line} 未配置（已配置：${productLines.join('、')}）`,
        });
      }
    });

  const licence = z.strictObject({
    id: entityId,
    productLine,
    version: optionalText(40),
    servicePeriods: z.array(servicePeriodSchema).default([]),
  });

  const organisation = z.strictObject({
    id: entityId,
    name: z.string().trim().min(1, '不能为空').max(200, '最长 200 个字符'),
    region: optionalText(40),
    branch: z.string().trim().min(1, '不能为空').max(60).default(defaultOnCallBranch),
    contractTier: z.string().trim().min(1, '不能为空').max(40).default('standard'),
    licences: z.array(licence).default([]),
    contacts: z.array(contactEntrySchema).default([]),
    /**
     * Vendor staff who took part in this customer's implementation: the engineers qualified for
     * its on-site bookings (SPEC, staff rules). Empty: any engineer may go.
     */
    implementationStaffIds: uniqueList(dingUserId),
  });

  const team = z.strictObject({
    id: entityId,
    name: z.string().trim().min(1, '不能为空').max(100, '最长 100 个字符'),
    kind: z.enum(
      teamKinds,
      '团队类型应为 sorting（分拣中心）、support（支持组）、productCentre（产品中心）或 branch（分公司）',
    ),
    productLines: uniqueList(productLine),
    regions: uniqueList(z.string().trim().min(1, '不能为空').max(40)),
    groupConversationId: conversationId.optional(),
    leadUserId: dingUserId.optional(),
    branch: optionalText(60),
  });

  /** The whole file as one schema (documentation, JSON Schema export); parsing goes entry by entry. */
  const file = z.strictObject({
    comment: z.string().optional(),
    organisations: z.array(organisation).default([]),
    teams: z.array(team).default([]),
    staff: z.array(staffEntrySchema).default([]),
  });

  return { licence, organisation, team, staff: staffEntrySchema, file };
}

type Schemas = ReturnType<typeof directoryImportSchemas>;
const defaultSchemas = directoryImportSchemas();

export const licenceSchema = defaultSchemas.licence;
export type Licence = z.output<Schemas['licence']>;
export const organisationEntrySchema = defaultSchemas.organisation;
export type OrganisationEntry = z.output<Schemas['organisation']>;
export const teamEntrySchema = defaultSchemas.team;
export type TeamEntry = z.output<Schemas['team']>;
export const directoryImportSchema = defaultSchemas.file;
export type DirectoryImport = z.output<Schemas['file']>;

const sections = ['organisations', 'teams', 'staff'] as const;
type Section = (typeof sections)[number];

const fileShape = z.strictObject({
  comment: z.string().optional(),
  organisations: z.array(z.unknown()).optional(),
  teams: z.array(z.unknown()).optional(),
  staff: z.array(z.unknown()).optional(),
});

/** zod's zh-CN messages, with plainer words for a missing field or a value of the wrong type. */
const zhLocale = zhCN().localeError;
const jsonTypeNames: Record<string, string> = {
  string: '文本',
  number: '数字',
  boolean: 'true 或 false',
  array: '列表 [...]',
  object: '对象 {...}',
  null: 'null',
};
const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const zhErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type') return zhLocale(issue);
  if (issue.input === undefined) return '必填';
  const name = (t: string) => jsonTypeNames[t] ?? t;
  return `应为${name(issue.expected)}，实际是${name(jsonType(issue.input))}`;
};

/** An issue whose path is still structured, so issues can be sorted by position and labelled. */
export interface ImportIssue {
  path: PropertyKey[];
  message: string;
}

/** The file's entries aligned with their indices: `undefined` where an entry itself is invalid. */
export interface DirectoryImportDraft {
  organisations: (OrganisationEntry | undefined)[];
  teams: (TeamEntry | undefined)[];
  staff: (StaffEntry | undefined)[];
  /** The JSON as read, to name entries in messages even when they are invalid. */
  raw: unknown;
}

export interface DirectoryImportOptions {
  /** Product lines a licence or team may name; the agreement's four by default. */
  productLines?: readonly string[];
}

export type ParseDirectoryImportResult =
  | { ok: true; value: DirectoryImport }
  | { ok: false; issues: ErrorIssue[] };

/** Shape and in-file rules only; `importDirectory` (server/directory) adds the database rules. */
export function parseDirectoryImport(
  json: unknown,
  opts: DirectoryImportOptions = {},
): ParseDirectoryImportResult {
  const { draft, issues } = checkDirectoryImport(json, opts);
  if (issues.length > 0) return { ok: false, issues: toErrorIssues(json, issues) };
  return { ok: true, value: completeImport(draft) };
}

/** Every problem the file alone shows, plus the entries that are valid on their own. */
export function checkDirectoryImport(
  json: unknown,
  opts: DirectoryImportOptions = {},
): { draft: DirectoryImportDraft; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const draft: DirectoryImportDraft = { organisations: [], teams: [], staff: [], raw: json };
  const file = fileShape.safeParse(json, { error: zhErrors });
  if (!file.success) {
    for (const i of file.error.issues) issues.push({ path: [...i.path], message: i.message });
    // Unknown top-level keys still leave the sections readable; a non-object does not.
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return { draft, issues };
  }
  const parseEach = <T>(section: Section, schema: z.ZodType<T>): (T | undefined)[] =>
    rawEntries(json, section).map((entry, index) => {
      const parsed = schema.safeParse(entry, { error: zhErrors });
      if (parsed.success) return parsed.data;
      for (const i of parsed.error.issues)
        issues.push({ path: [section, index, ...i.path], message: i.message });
      return undefined;
    });
  const schemas = opts.productLines ? directoryImportSchemas(opts.productLines) : defaultSchemas;
  draft.organisations = parseEach('organisations', schemas.organisation);
  draft.teams = parseEach('teams', schemas.team);
  draft.staff = parseEach('staff', schemas.staff);

  if (file.success && sections.every((s) => rawEntries(json, s).length === 0)) {
    issues.push({ path: [], message: '文件中没有任何组织（organisations）、团队（teams）或员工（staff）' });
  }
  issues.push(...checkWithinFile(json));
  return { draft, issues };
}

/** Only called when there is no issue, i.e. every entry parsed. */
export function completeImport(draft: DirectoryImportDraft): DirectoryImport {
  const present = <T>(list: (T | undefined)[]) => list.filter((x): x is T => x !== undefined);
  return {
    organisations: present(draft.organisations),
    teams: present(draft.teams),
    staff: present(draft.staff),
  };
}

/**
 * Rules across entries. They read the entries as written, valid or not, so a
 * broken field in one entry does not hide that its id is also a duplicate.
 */
function checkWithinFile(raw: unknown): ImportIssue[] {
  const issues: ImportIssue[] = [];
  /** Remembers which entry each key first appeared in; reports later occurrences at their `field`. */
  const firstSeen = (what: string, field: string) => {
    const seen = new Map<string, PropertyKey[]>();
    return (key: string | undefined, entry: PropertyKey[]) => {
      if (key === undefined) return;
      const first = seen.get(key);
      if (first) {
        issues.push({
          path: [...entry, field],
          message: `${what} ${key} 在文件中重复（首次出现于 ${formatPath(first)}）`,
        });
      } else {
        seen.set(key, entry);
      }
    };
  };

  const orgIds = firstSeen('组织 id', 'id');
  const contactIds = firstSeen('联系人 userId', 'userId');
  const contactAt = new Map<string, PropertyKey[]>();
  rawEntries(raw, 'organisations').forEach((org, o) => {
    orgIds(rawKey(org, 'id'), ['organisations', o]);
    const licenceIds = firstSeen('许可 id', 'id');
    rawEntries(org, 'licences').forEach((licence, l) => {
      licenceIds(rawKey(licence, 'id'), ['organisations', o, 'licences', l]);
    });
    rawEntries(org, 'contacts').forEach((contact, c) => {
      const path = ['organisations', o, 'contacts', c];
      const userId = rawKey(contact, 'userId');
      contactIds(userId, path);
      if (userId !== undefined && !contactAt.has(userId)) contactAt.set(userId, path);
    });
  });

  const teamIds = firstSeen('团队 id', 'id');
  const groupOwner = new Map<string, PropertyKey[]>();
  rawEntries(raw, 'teams').forEach((team, t) => {
    teamIds(rawKey(team, 'id'), ['teams', t]);
    const cid = rawKey(team, 'groupConversationId');
    if (cid === undefined) return;
    const owner = groupOwner.get(cid);
    if (owner) {
      issues.push({
        path: ['teams', t, 'groupConversationId'],
        message: `群会话 ${cid} 已属于 ${labelPath(raw, owner)}，一个群只能对应一个团队`,
      });
    } else {
      groupOwner.set(cid, ['teams', t]);
    }
  });

  const staffIds = firstSeen('员工 userId', 'userId');
  rawEntries(raw, 'staff').forEach((member, s) => {
    const userId = rawKey(member, 'userId');
    staffIds(userId, ['staff', s]);
    const contact = userId === undefined ? undefined : contactAt.get(userId);
    if (contact) {
      issues.push({
        path: ['staff', s, 'userId'],
        message: `该钉钉用户同时是文件中 ${formatPath(contact)} 的客户联系人；一个用户只能是客户联系人或员工之一`,
      });
    }
  });
  return issues;
}

/** The list under `key` of a JSON object as read; [] when it is not a list. */
export function rawEntries(parent: unknown, key: string): unknown[] {
  const list =
    typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[key] : undefined;
  return Array.isArray(list) ? list : [];
}

/** A string field of an entry as read, trimmed like the schemas trim it. */
export function rawKey(entry: unknown, key: string): string | undefined {
  const value =
    typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Sorts issues by their position in the file and names each entry by its id:
 * `organisations[2] (id=acme).contacts[0] (userId=zhangsan)`.
 */
export function toErrorIssues(raw: unknown, issues: readonly ImportIssue[]): ErrorIssue[] {
  return [...issues]
    .sort((a, b) => comparePaths(a.path, b.path))
    .map((i) => ({ path: labelPath(raw, i.path), message: i.message }));
}

function comparePaths(a: readonly PropertyKey[], b: readonly PropertyKey[]): number {
  const rank = (key: PropertyKey) => sections.indexOf(key as Section);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x === 'number' && typeof y === 'number' && x !== y) return x - y;
    if (i === 0 && x !== y) return rank(x!) - rank(y!);
    if (x !== y) return 0; // sibling fields: keep the order the checks found them in
  }
  return a.length - b.length;
}

function labelPath(raw: unknown, path: readonly PropertyKey[]): string {
  let out = '';
  let node: unknown = raw;
  for (const key of path) {
    node =
      typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key !== 'number') {
      out += out ? `.${String(key)}` : String(key);
      continue;
    }
    out += `[${key}]`;
    const entry = typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : {};
    if (typeof entry.userId === 'string') out += ` (userId=${entry.userId})`;
    else if (typeof entry.id === 'string') out += ` (id=${entry.id})`;
  }
  return out || '(文件)';
}

/** `organisations[0].contacts[1]`, for pointing from one issue to another place in the file. */
export function formatPath(path: readonly PropertyKey[]): string {
  return labelPath(undefined, path);
}
