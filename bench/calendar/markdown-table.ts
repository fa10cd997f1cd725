// Markdown tables laid out the way the project's formatter (biome) lays them out, so the
// generated RESULTS.md passes `biome check` unchanged: columns padded to the widest cell, numbers
// right-aligned, CJK characters counted as two columns.

const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;

const width = (text: string) => [...text].reduce((sum, char) => sum + (WIDE.test(char) ? 2 : 1), 0);

export function markdownTable(
  header: readonly string[],
  align: ReadonlyArray<'left' | 'right'>,
  rows: ReadonlyArray<readonly string[]>,
): string {
  const widths = header.map((title, i) =>
    Math.max(3, width(title), ...rows.map((row) => width(row[i] ?? ''))),
  );
  const cell = (text: string, i: number) => {
    const padding = ' '.repeat(widths[i]! - width(text));
    return align[i] === 'right' ? padding + text : text + padding;
  };
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map((row) => line(row))].join('\n');
}
