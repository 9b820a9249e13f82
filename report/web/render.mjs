// Draws the report's figures: reads FIGURES.json ([{name, spec}] with Vega-Lite specs), compiles
// each to Vega, writes OUT/NAME.svg (Vega's SVG renderer) and OUT/NAME.png (rsvg-convert), and
// OUT/figures.vega.json (the compiled specs by name, which the HTML page draws).
// Every file is written under a temporary name and renamed into place, so a full disk never leaves
// a truncated figure behind.
// Exit codes: 0 done, 1 a figure failed, 2 usage, 3 a tool is missing.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as vega from 'vega';
import { compile } from 'vega-lite';

const [input, out] = process.argv.slice(2);
if (!input || !out) {
  console.error('usage: node render.mjs FIGURES.json OUT_DIR');
  process.exit(2);
}

// Writes `file` whole or not at all: `produce(tmp)` writes a temporary file that replaces `file`.
function writeAtomically(file, produce) {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    produce(tmp);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

const compiled = {};
for (const { name, spec } of JSON.parse(readFileSync(input, 'utf8'))) {
  const vg = compile(spec).spec;
  compiled[name] = vg;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  const svg = `${out}/${name}.svg`;
  const text = await view.toSVG();
  writeAtomically(svg, (tmp) => writeFileSync(tmp, text));
  view.finalize();
  try {
    writeAtomically(`${out}/${name}.png`, (tmp) =>
      execFileSync('rsvg-convert', ['--background-color', 'white', '-o', tmp, svg]));
  } catch (e) {
    if (e.code === 'ENOENT') {
      console.error('rsvg-convert is not installed; install it (apt-get install librsvg2-bin) to write PNG figures');
      process.exit(3);
    }
    throw e;
  }
}
writeAtomically(`${out}/figures.vega.json`, (tmp) => writeFileSync(tmp, JSON.stringify(compiled)));
