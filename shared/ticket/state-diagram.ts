/**
 * The README's Mermaid state diagram, generated from the transition table so the two cannot drift
 * apart (test/unit/ticket/state-diagram.test.ts fails when they do; state-diagram.generate.ts
 * rewrites the README block). Pure: text in, text out.
 */
import { statusNames, type TicketStatus, ticketStatuses } from './status.ts';
import {
  actionNames,
  guardNames,
  initialTicketStatus,
  type TransitionRule,
  ticketTransitions,
} from './transitions.ts';

export const stateDiagramMarkers = {
  start: '<!-- ticket-state-diagram:start -->',
  end: '<!-- ticket-state-diagram:end -->',
} as const;

export const regenerateStateDiagramCommand = 'npx tsx shared/ticket/state-diagram.generate.ts';

/**
 * Mermaid stateDiagram-v2 text: statuses in status.ts order, edges in table order (rows sharing
 * from and to are merged into one edge), filing as the start and statuses without exits as ends.
 */
export function ticketStateDiagram(rules: readonly TransitionRule[] = ticketTransitions): string {
  const lines = ['stateDiagram-v2'];
  for (const status of ticketStatuses) {
    lines.push(`  state "${statusNames[status].zh} ${statusNames[status].en}" as ${status}`);
  }
  lines.push(`  [*] --> ${initialTicketStatus} : file 新建工单`);

  const edges = new Map<string, { from: TicketStatus; to: TicketStatus; labels: string[] }>();
  for (const rule of rules) {
    const key = `${rule.from}->${rule.to}`;
    const edge = edges.get(key) ?? { from: rule.from, to: rule.to, labels: [] };
    edge.labels.push(edgeLabel(rule));
    edges.set(key, edge);
  }
  for (const { from, to, labels } of edges.values()) {
    lines.push(`  ${from} --> ${to} : ${labels.join(' / ')}`);
  }

  for (const status of ticketStatuses) {
    if (!rules.some((r) => r.from === status)) lines.push(`  ${status} --> [*]`);
  }
  return `${lines.join('\n')}\n`;
}

function edgeLabel(rule: TransitionRule): string {
  const label = `${rule.action} ${actionNames[rule.action].zh}`;
  // Full-width parentheses: plain text to Mermaid, never syntax.
  return rule.guard ? `${label}（${guardNames[rule.guard].zh}）` : label;
}

/** The README block: markers around a fenced mermaid diagram. */
export function stateDiagramReadmeBlock(diagram: string = ticketStateDiagram()): string {
  return `${stateDiagramMarkers.start}\n\`\`\`mermaid\n${diagram}\`\`\`\n${stateDiagramMarkers.end}`;
}

function markerSpan(readme: string): { start: number; end: number } | undefined {
  const start = readme.indexOf(stateDiagramMarkers.start);
  const endMarker = readme.indexOf(stateDiagramMarkers.end, start);
  if (start < 0 || endMarker < 0) return undefined;
  return { start, end: endMarker + stateDiagramMarkers.end.length };
}

/** The block as the README has it (markers included), or undefined without both markers. */
export function findStateDiagramBlock(readme: string): string | undefined {
  const span = markerSpan(readme);
  return span && readme.slice(span.start, span.end);
}

/** The README with its block replaced; throws when the markers are missing. */
export function replaceStateDiagramBlock(readme: string, block: string = stateDiagramReadmeBlock()): string {
  const span = markerSpan(readme);
  if (!span) {
    throw new Error(
      `README has no ${stateDiagramMarkers.start} … ${stateDiagramMarkers.end} block; add the markers where the diagram belongs`,
    );
  }
  return readme.slice(0, span.start) + block + readme.slice(span.end);
}
