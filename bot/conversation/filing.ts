import { isResponseLevel, type ResponseLevel } from '../../shared/catalog.ts';

/**
 * The 报障 dialogue as a pure state machine: a draft plus the next question.
 * conversation.ts stores the draft in the database between turns.
 */
export interface FilingDraft {
  productLine?: string;
  level?: ResponseLevel;
  description?: string;
}

export type FilingStep = 'productLine' | 'level' | 'description';

export const minDescriptionLength = 4;
export const maxDescriptionLength = 4000;

/** The first question still open for this draft, or 'complete'. */
export function nextStep(draft: FilingDraft): FilingStep | 'complete' {
  if (!draft.productLine) return 'productLine';
  if (!draft.level) return 'level';
  if (!draft.description) return 'description';
  return 'complete';
}

export type AnswerResult =
  | { ok: true; draft: FilingDraft }
  | { ok: false; problem: 'productLine' | 'level' | 'descriptionShort' | 'descriptionLong' };

/** Applies the customer's answer to the current question. */
export function answer(
  draft: FilingDraft,
  step: FilingStep,
  text: string,
  productLines: readonly string[],
): AnswerResult {
  switch (step) {
    case 'productLine': {
      const productLine = parseProductLine(text, productLines);
      return productLine
        ? { ok: true, draft: { ...draft, productLine } }
        : { ok: false, problem: 'productLine' };
    }
    case 'level': {
      const level = parseLevel(text);
      return level ? { ok: true, draft: { ...draft, level } } : { ok: false, problem: 'level' };
    }
    case 'description': {
      const description = text.trim();
      if (description.length < minDescriptionLength) return { ok: false, problem: 'descriptionShort' };
      if (description.length > maxDescriptionLength) return { ok: false, problem: 'descriptionLong' };
      return { ok: true, draft: { ...draft, description } };
    }
  }
}

export function parseProductLine(text: string, productLines: readonly string[]): string | undefined {
  const t = text.trim().toUpperCase();
  const exact = productLines.find((p) => p.toUpperCase() === t);
  if (exact) return exact;
  if (/^\d+$/.test(t)) return productLines[Number(t) - 1];
  return undefined;
}

const chineseDigits: Record<string, ResponseLevel> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5 };

/** "2", "2级", "二级", "L2", "级别2", "level 2" → 2. */
export function parseLevel(text: string): ResponseLevel | undefined {
  const t = text.trim();
  const m =
    /^(?:L|level\s*|级别\s*)?([1-5])\s*(?:级)?$/i.exec(t) ??
    /^([一二三四五])\s*级$/.exec(t) ??
    /^级别\s*([一二三四五])$/.exec(t);
  if (!m?.[1]) return undefined;
  const v = chineseDigits[m[1]] ?? Number(m[1]);
  return isResponseLevel(v) ? v : undefined;
}

/**
 * One-shot filing: "报障 EKP 2级 登录页报错500" fills the whole draft at once;
 * whatever is missing is asked for.
 */
export function draftFromSentence(text: string, productLines: readonly string[]): FilingDraft {
  let rest = text.replace(
    /^(报障|报修|报故障|提交工单|新建工单|提问题|我要报障|new ticket|report)\s*[:：]?/i,
    ' ',
  );
  const draft: FilingDraft = {};
  for (const p of productLines) {
    const re = new RegExp(`(^|[^A-Za-z])${escapeRegExp(p)}(?![A-Za-z])`, 'i');
    if (re.test(rest)) {
      draft.productLine = p;
      rest = rest.replace(re, '$1 ');
      break;
    }
  }
  const lv = /(?:^|\s)(?:(?:L|level\s*)([1-5])|([1-5一二三四五])\s*级)(?=\s|$|[，,。])/i.exec(rest);
  if (lv) {
    const level = parseLevel(`${lv[1] ?? lv[2]}级`);
    if (level) {
      draft.level = level;
      rest = rest.replace(lv[0], ' ');
    }
  }
  const description = rest.replace(/\s+/g, ' ').replace(/^[\s,，。:：]+|[\s,，]+$/g, '');
  if (description.length >= minDescriptionLength)
    draft.description = description.slice(0, maxDescriptionLength);
  return draft;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
