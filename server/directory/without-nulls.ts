/** Lean documents may carry null for an absent optional field; the domain types use "absent". */
export function withoutNulls<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v != null)) as T;
}
