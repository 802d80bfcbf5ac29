/**
 * Ajv's maxLength / minLength keywords with the same verdicts and errors, cheaper on the strings
 * ingest validates per record (every log line, path and host name). Ajv counts a string's code
 * points (runtime/ucs2length, a JavaScript loop over every UTF-16 unit: ~0.8 µs per bench record,
 * most of what validating a record cost). Here:
 *   - maxLength first compares the UTF-16 length: a string has at most as many code points as
 *     units, so one no longer than the limit in units passes without being counted;
 *   - counting itself is `length` for a string without a high surrogate (found by a native
 *     regex scan), and Ajv's own ucs2length for any other, so the count is always Ajv's.
 * The keyword definition is Ajv's own (type, $data, error message and params); only the
 * condition's code differs, and it is registered where Ajv had it (before "pattern"), so the
 * first error of a string that breaks several keywords is the same.
 */
import { createRequire } from 'node:module';
import type { Ajv2020, CodeKeywordDefinition, KeywordCxt } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);

const HIGH_SURROGATE = /[\ud800-\udbff]/;

let ucs2length: ((s: string) => number) | undefined;
let limitLength: CodeKeywordDefinition | undefined;

/** Ajv's count of code points (runtime/ucs2length), exactly, without its loop for a string that has no surrogate pair. */
export function codePointLength(s: string): number {
  ucs2length ??= (require('ajv/dist/runtime/ucs2length') as { default: (s: string) => number }).default;
  return HIGH_SURROGATE.test(s) ? ucs2length(s) : s.length;
}

/** Replaces `ajv`'s maxLength and minLength keywords by the cheaper, equivalent ones (before any schema is compiled). */
export function useCheapStringLength(ajv: Ajv2020): void {
  limitLength ??= (require('ajv/dist/vocabularies/validation/limitLength') as { default: CodeKeywordDefinition }).default;
  const { _ } = require('ajv/dist/compile/codegen') as typeof import('ajv/dist/compile/codegen/index.js');
  const base = limitLength;
  const def: CodeKeywordDefinition = {
    ...base,
    keyword: ['maxLength', 'minLength'],
    before: 'pattern',
    code(cxt: KeywordCxt) {
      const { keyword, data, schemaCode, it, gen } = cxt;
      if (it.opts.unicode === false) return base.code(cxt); // Ajv's own: it compares .length then
      // In standalone code the count is Ajv's ucs2length (the same result).
      const count = gen.scopeValue('func', { ref: codePointLength, code: _`require("ajv/dist/runtime/ucs2length").default` });
      cxt.fail$data(keyword === 'maxLength' ? _`${data}.length > ${schemaCode} && ${count}(${data}) > ${schemaCode}` : _`${count}(${data}) < ${schemaCode}`);
    },
  };
  ajv.removeKeyword('maxLength');
  ajv.removeKeyword('minLength');
  ajv.addKeyword(def);
}
