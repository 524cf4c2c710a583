// The build's KaTeX: one request per line on stdin, [tex, display]; one answer per line on stdout,
// [html, error]: the typeset HTML (with KaTeX's red error text where the TeX does not parse, as the
// browser's KaTeX shows it) and the parse error's message, or null.
"use strict";
const katex = require(require("path").resolve(process.argv[2]));
const readline = require("readline");

function typeset(tex, display) {
  try {
    return [valid(katex.renderToString(tex, { displayMode: display, throwOnError: true })), null];
  } catch (error) {
    if (!(error instanceof katex.ParseError)) return [null, String(error)];
    return [valid(katex.renderToString(tex, { displayMode: display, throwOnError: false })), error.message];
  }
}

// KaTeX's output made valid where KaTeX writes it otherwise (the W3C checker reads it, and screen readers
// read the MathML): the same maths, the same look.
function valid(html) {
  return html
    // \max_i, \lambda_{\max}: a function's name and its invisible "apply" are one argument of msub, not two
    .replace(/(<mi\b[^>]*>[^<]*<\/mi><mo>\u2061<\/mo>)/g, "<mrow>$1</mrow>")
    // \bmod: an operator holds its letters, not an mrow of them
    .replace(/<mo([^>]*)><mrow>((?:<mi mathvariant="normal">[^<]*<\/mi>)+)<\/mrow><\/mo>/g,
      (whole, attributes, letters) => "<mo" + attributes + ">" + letters.replace(/<[^>]+>/g, "") + "</mo>")
    // a negative height, which CSS does not allow and browsers drop
    .replace(/height:-[0-9.]+em;?/g, "")
    // a display formula wider than a phone scrolls on its own (course.css): reachable by keyboard
    .replace('<span class="katex-display">', '<span class="katex-display" tabindex="0">');
}

readline.createInterface({ input: process.stdin, terminal: false }).on("line", (line) => {
  const [tex, display] = JSON.parse(line);
  process.stdout.write(JSON.stringify(typeset(tex, display)) + "\n");
});
