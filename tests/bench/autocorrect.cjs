#!/usr/bin/env node
/* Benchmark runner for AutoCorrect (npm autocorrect-node):
 *   node autocorrect.cjs TOOLS_DIR lint|format OUT IN...
 *
 * format: writes formatFor(text, IN) of each input to OUT (zhfix fix's job);
 * lint:   writes one line per finding, FILE:LINE:COL: OLD -> NEW, to OUT
 *         (zhfix check's job), exit 1 when there are findings.
 * Inputs of up to 64 KB go to AutoCorrect whole. Larger ones go in pieces of
 * at most 100 lines: AutoCorrect's parser stops with "call limit reached" on
 * inputs of a few hundred KB or a few thousand lines (lint reports it;
 * format silently returns the text unchanged), and its rules work within a
 * line anyway. The file name picks AutoCorrect's syntax (.md, .txt). A lint
 * error is reported and ends the run with exit 2.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const [toolsDir, mode, outPath, ...inputs] = process.argv.slice(2);
if (!inputs.length || (mode !== 'lint' && mode !== 'format')) {
  process.stderr.write('usage: autocorrect.cjs TOOLS_DIR lint|format OUT IN...\n');
  process.exit(2);
}
const autocorrect = require(path.join(toolsDir, 'node_modules', 'autocorrect-node'));

const BLOCK = 1 << 20;
const WHOLE = 64 << 10;
const LINES = 100;
const fout = fs.openSync(outPath, 'w');
const buf = Buffer.allocUnsafe(BLOCK);
let findings = 0;

function eachBlock(file, fn) {
  const fin = fs.openSync(file, 'r');
  if (fs.fstatSync(fin).size <= WHOLE) {
    fn(fs.readFileSync(fin, 'utf8'));   /* a small file, whole */
    fs.closeSync(fin);
    return;
  }
  let carry = Buffer.alloc(0);
  for (;;) {
    const n = fs.readSync(fin, buf, 0, BLOCK, null);
    const data = n > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : carry;
    let cut = data.length;
    if (n > 0) {
      const nl = data.lastIndexOf(10);
      cut = nl < 0 ? 0 : nl + 1;
    }
    if (cut > 0) {
      const text = data.toString('utf8', 0, cut);
      let start = 0;
      while (start < text.length) {
        let end = start;
        for (let k = 0; k < LINES && end < text.length; k++) {
          const nl = text.indexOf('\n', end);
          end = nl < 0 ? text.length : nl + 1;
        }
        fn(text.slice(start, end));
        start = end;
      }
    }
    carry = Buffer.from(data.subarray(cut));
    if (n === 0) break;
  }
  fs.closeSync(fin);
}

for (const file of inputs) {
  let lineBase = 0;
  eachBlock(file, (text) => {
    if (mode === 'format') {
      fs.writeSync(fout, autocorrect.formatFor(text, file));
    } else {
      const res = autocorrect.lintFor(text, file);
      if (res.error) {
        process.stderr.write(`autocorrect: ${file}: ${res.error}\n`);
        process.exit(2);
      }
      let out = '';
      for (const r of res.lines) {
        out += `${file}:${r.l + lineBase}:${r.c}: ${r.old} -> ${r.new}\n`;
      }
      findings += res.lines.length;
      if (out) fs.writeSync(fout, out);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineBase++;
    }
  });
}
fs.closeSync(fout);
process.exit(findings ? 1 : 0);
