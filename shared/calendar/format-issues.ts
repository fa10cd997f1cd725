import type { z } from 'zod';

/** Readable one-line messages for zod issues, "holidays[0].to: message". */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path
      .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
      .join('');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
