/** The periodic-review prompt for one host: pure, built from condenseHost's sections. */
import type { Message } from 'ollama';
import { fence, fitSections, UNTRUSTED_RULES } from '../untrusted.js';
import type { Condensed } from './condense.js';

export interface ReviewPrompt {
  messages: Message[];
  droppedLines: number;
  /** References that made it into the prompt: the only ones a finding may cite. */
  shown: Set<string>;
}

const INSTRUCTIONS = [
  'You are a security analyst reviewing the log events one host wrote since the last review.',
  'Decide whether anything suggests an attack, a compromise, misuse or a failure that needs a person now.',
  'Routine noise is not suspicious. Cite the [E..] references of the lines behind each finding; do not invent references.',
].join(' ');

export function buildReviewPrompt(host: string, from: string, to: string, condensed: Condensed, opts: { contextChars: number; nonce: string }): ReviewPrompt {
  const data = fitSections(condensed.sections, opts.contextChars);
  const shown = new Set<string>();
  for (const line of data.lines) {
    const m = /^\[(E\d+)\]/.exec(line);
    if (m) shown.add(m[1]!);
  }
  const user = [
    `Host: ${host}`,
    `Events stored between ${from} and ${to}: ${condensed.total}`,
    '',
    ...fence(data.lines, opts.nonce),
    '',
    'Answer with JSON: {"suspicious": true/false, "severity": informational/low/medium/high/critical, "findings": [{"title", "detail", "evidence": ["E1", ...]}], "recommendations": [...]}.',
  ].join('\n');
  return {
    messages: [
      { role: 'system', content: `${INSTRUCTIONS}\n\n${UNTRUSTED_RULES}` },
      { role: 'user', content: user },
    ],
    droppedLines: data.dropped,
    shown,
  };
}
