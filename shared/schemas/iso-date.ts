import { z } from 'zod';

const FORMAT = /^\d{4}-\d{2}-\d{2}$/;
const realDate = z.iso.date();

/** A calendar date "YYYY-MM-DD" that exists (2026-02-29 does not). */
export function isIsoDate(value: string): boolean {
  return FORMAT.test(value) && realDate.safeParse(value).success;
}

/** Two distinct zh-CN messages: wrong format, or a well-formed date that does not exist. */
export const isoDateSchema = z.string().superRefine((value, ctx) => {
  if (!FORMAT.test(value)) {
    ctx.addIssue({ code: 'custom', message: `日期 "${value}" 格式不对，应为 YYYY-MM-DD` });
  } else if (!realDate.safeParse(value).success) {
    ctx.addIssue({ code: 'custom', message: `${value} 不是真实存在的日期` });
  }
});
