// Dev-time script (does I/O; never imported by runtime code). Rewrites the ticket state diagram
// block in README.md from the transition table:
//   npx tsx shared/ticket/state-diagram.generate.ts
// Run it after changing shared/ticket/transitions.ts or status.ts, review the diff and commit.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replaceStateDiagramBlock } from './state-diagram.ts';

const readmePath = fileURLToPath(new URL('../../README.md', import.meta.url));
const before = readFileSync(readmePath, 'utf8');
const after = replaceStateDiagramBlock(before);
if (after === before) {
  console.log('README.md: ticket state diagram already up to date');
} else {
  writeFileSync(readmePath, after);
  console.log('README.md: ticket state diagram rewritten');
}
