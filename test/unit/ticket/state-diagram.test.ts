import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  findStateDiagramBlock,
  regenerateStateDiagramCommand,
  replaceStateDiagramBlock,
  stateDiagramMarkers,
  stateDiagramReadmeBlock,
  ticketStateDiagram,
} from '../../../shared/ticket/state-diagram.ts';
import { ticketStatuses } from '../../../shared/ticket/status.ts';
import { type TransitionRule, ticketTransitions } from '../../../shared/ticket/transitions.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('the README state diagram', () => {
  it('is the one generated from the transition table', () => {
    const inReadme = findStateDiagramBlock(readme);
    expect(inReadme, `README.md has no ${stateDiagramMarkers.start} block`).toBeDefined();
    expect(
      inReadme,
      `README.md's state diagram differs from shared/ticket/transitions.ts; run \`${regenerateStateDiagramCommand}\` and commit the result`,
    ).toBe(stateDiagramReadmeBlock());
  });

  it('sits in the "Ticket lifecycle" section', () => {
    const section = readme.indexOf('## Ticket lifecycle');
    const block = readme.indexOf(stateDiagramMarkers.start);
    const next = readme.indexOf('\n## ', section + 1);
    expect(section).toBeGreaterThanOrEqual(0);
    expect(block).toBeGreaterThan(section);
    expect(next < 0 || block < next).toBe(true);
  });
});

describe('ticketStateDiagram', () => {
  const diagram = ticketStateDiagram();
  const lines = diagram.split('\n');

  it('is a Mermaid stateDiagram-v2 with every status declared once', () => {
    expect(lines[0]).toBe('stateDiagram-v2');
    for (const status of ticketStatuses) {
      expect(lines.filter((l) => l.includes(`" as ${status}`))).toHaveLength(1);
    }
  });

  it('has an edge for every row of the table, and no other', () => {
    const edges = lines.filter((l) => / --> /.test(l) && !l.includes('[*]'));
    const pairs = new Set(ticketTransitions.map((r) => `${r.from} --> ${r.to}`));
    expect(edges.map((l) => l.trim().split(' : ')[0])).toEqual([...pairs]);
    for (const rule of ticketTransitions) {
      const edge = edges.find((l) => l.trim().startsWith(`${rule.from} --> ${rule.to} :`));
      expect(edge, `${rule.from} ${rule.action}`).toContain(rule.action);
    }
  });

  it('starts at triage and ends at the statuses without exits', () => {
    expect(lines).toContain('  [*] --> triage : file 新建工单');
    expect(lines.filter((l) => l.endsWith('--> [*]')).map((l) => l.trim())).toEqual([
      'closed --> [*]',
      'ended --> [*]',
    ]);
  });

  it('marks guarded edges', () => {
    expect(diagram).toContain(
      'solutionProposed --> autoClosed : autoClose 自动关闭（方案提出后满一个月无确认或回复）',
    );
  });

  it('is deterministic and follows the table', () => {
    expect(ticketStateDiagram()).toBe(diagram);
    const reversed: TransitionRule[] = [...ticketTransitions].reverse();
    expect(ticketStateDiagram(reversed)).not.toBe(diagram);
  });

  it('merges rows that share from and to into one edge', () => {
    const rules: TransitionRule[] = [
      { action: 'claim', from: 'assigned', to: 'inProgress', actors: ['engineer'], effects: [] },
      { action: 'startWork', from: 'assigned', to: 'inProgress', actors: ['engineer'], effects: [] },
    ];
    expect(ticketStateDiagram(rules)).toContain(
      '  assigned --> inProgress : claim 接单 / startWork 开始处理\n',
    );
  });
});

describe('README block helpers', () => {
  const block = stateDiagramReadmeBlock('stateDiagram-v2\n  a --> b\n');
  const doc = `# T\n\nintro\n\n${stateDiagramMarkers.start}\nold\n${stateDiagramMarkers.end}\n\n## Next\n`;

  it('fences the diagram between the markers', () => {
    expect(block).toBe(
      `${stateDiagramMarkers.start}\n\`\`\`mermaid\nstateDiagram-v2\n  a --> b\n\`\`\`\n${stateDiagramMarkers.end}`,
    );
  });

  it('replaces only the block', () => {
    const updated = replaceStateDiagramBlock(doc, block);
    expect(updated).toBe(`# T\n\nintro\n\n${block}\n\n## Next\n`);
    expect(findStateDiagramBlock(updated)).toBe(block);
    expect(replaceStateDiagramBlock(updated, block)).toBe(updated);
  });

  it('finds a stale block as different', () => {
    expect(findStateDiagramBlock(doc)).not.toBe(block);
  });

  it.each([
    ['no markers', '# T\n'],
    ['only the start marker', `# T\n${stateDiagramMarkers.start}\n`],
    ['the end before the start', `${stateDiagramMarkers.end}\n${stateDiagramMarkers.start}\n`],
  ])('refuses a README with %s', (_what, text) => {
    expect(findStateDiagramBlock(text)).toBeUndefined();
    expect(() => replaceStateDiagramBlock(text, block)).toThrow(/ticket-state-diagram/);
  });
});
