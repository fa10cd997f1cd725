/** A field's problem, right under the field (zh-CN first, like every message). */
export function FieldError({ message, testId }: { message: string | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <div className="field-error" role="alert" data-testid={testId}>
      {message}
    </div>
  );
}

/** Server issues (`{ path, message }`) by path, for fields to pick theirs. */
export function issuesByPath(issues: ReadonlyArray<{ path: string; message: string }>): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of issues) if (!out.has(i.path)) out.set(i.path, i.message);
  return out;
}
