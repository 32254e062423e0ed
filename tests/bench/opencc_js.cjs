#!/usr/bin/env node
/* Benchmark runner for opencc-js: node opencc_js.cjs TOOLS_DIR FROM TO IN OUT
 *
 * Reads IN, converts it with opencc-js (FROM/TO are opencc-js locales: cn->t
 * is OpenCC s2t, t->cn is t2s, cn->twp is s2twp) and writes OUT. The file is
 * read in blocks of about 16 MB cut at a line end, so a 1 GB corpus stays
 * below V8's string length limit; conversion never spans lines anyway.
 * TOOLS_DIR is the npm prefix the package was installed into.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const [toolsDir, from, to, inPath, outPath] = process.argv.slice(2);
if (!outPath) {
  process.stderr.write('usage: opencc_js.cjs TOOLS_DIR FROM TO IN OUT\n');
  process.exit(2);
}
/* The smallest preset that holds the direction: what a user would load. */
const preset = from === 'cn' ? 'cn2t' : 't2cn';
const pkg = path.join(toolsDir, 'node_modules', 'opencc-js', 'dist', 'umd',
                      preset + '.js');
const OpenCC = require(pkg);
const convert = OpenCC.Converter({ from, to });

const BLOCK = 16 << 20;
const fin = fs.openSync(inPath, 'r');
const fout = fs.openSync(outPath, 'w');
const buf = Buffer.allocUnsafe(BLOCK);
let carry = Buffer.alloc(0);
for (;;) {
  const n = fs.readSync(fin, buf, 0, BLOCK, null);
  let data = n > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : carry;
  let cut = data.length;
  if (n > 0) {
    const nl = data.lastIndexOf(10);
    cut = nl < 0 ? 0 : nl + 1;
  }
  if (cut > 0) {
    fs.writeSync(fout, convert(data.toString('utf8', 0, cut)));
  }
  carry = Buffer.from(data.subarray(cut));
  if (n === 0) break;
}
fs.closeSync(fin);
fs.closeSync(fout);
