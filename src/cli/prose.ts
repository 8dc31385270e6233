/**
 * A template tag for command descriptions: the source keeps lines short, the text is
 * paragraphs. Single line breaks become spaces and blank lines separate paragraphs, so
 * oclif's --help wraps the text to the terminal's width (and scripts/gen-man.mjs to the
 * man page's) instead of breaking it where the source file happened to.
 */
export function prose(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ''), '');
  return text
    .trim()
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim().replace(/[ \t]*\n[ \t]*/g, ' '))
    .join('\n\n');
}
