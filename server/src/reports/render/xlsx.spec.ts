import { FORMULA_NEUTRALISING_CASES, neutraliseFormula } from '@stockfleet/shared';
import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rowsXmlOn, XlsxReport } from './xlsx';

const strings = ['', 'plain', `a<b>c&d'e"f`, 'ctl\x00\x01\x08\x0b\x0c\x0e\x1f\x7fend', 'cr\r\nlf\n\ttab', 'ünïcödé 中文 😀', 'x'.repeat(3000), '=SUM(A1)', ' lead ', 'true', '1.5', '-1', '@x', '\t+1'];
const numbers = [0, -0, 1.5, -11.5, 1e21, 1e-7, NaN, Infinity, Number.MAX_SAFE_INTEGER, 0.1 + 0.2, 123456789.125];

function rows(n: number): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const len = i % 37 === 0 ? 2 : i % 41 === 0 ? 30 : 19;
    const row: unknown[] = [];
    for (let c = 0; c < len; c++) {
      const t = (i * 7 + c * 3) % 3;
      row.push(t === 0 ? strings[(i + c) % strings.length] : t === 1 ? numbers[(i + c) % numbers.length] : (i + c) % 2 === 0);
    }
    if (i % 43 === 0) row[1] = null; // rows exceljs writes itself, in between
    if (i % 47 === 0) row[1] = new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60));
    if (i % 53 === 0) row.length = 0;
    out.push(row);
  }
  return out;
}

async function build(path: string, fast: boolean) {
  rowsXmlOn.enabled = fast;
  try {
    const x = await XlsxReport.open(path, { title: 'T', creator: 'C', at: new Date('2026-11-28T06:00:00Z') });
    await x.sheet('Summary', [{ header: 'Item', width: 34 }, { header: 'Value', width: 60 }], [['a', 1], ['b', 'x'], ['c', null], ['d', true]]);
    const n = await x.table('Detail', Array.from({ length: 19 }, (_, i) => ({ header: `col${i}` })), (async function* () { yield* rows(5000); })());
    await x.table('Empty', [{ header: 'e' }], []);
    return { n, file: await x.close() };
  } finally {
    rowsXmlOn.enabled = true;
  }
}

describe('XLSX rows written as XML', () => {
  it('are byte for byte what exceljs writes for the same rows, and read back as the same values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-xlsx-'));
    const viaExceljs = await build(join(dir, 'exceljs.xlsx'), false);
    const direct = await build(join(dir, 'direct.xlsx'), true);
    expect(direct.n).toBe(5000);
    expect(direct.file.sha256).toBe(viaExceljs.file.sha256);
    expect(readFileSync(direct.file.path).equals(readFileSync(viaExceljs.file.path))).toBe(true);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(direct.file.path);
    const sheet = wb.getWorksheet('Detail')!;
    const expected = rows(5000);
    const got = (i: number) => (sheet.getRow(i + 2).values as unknown[]).slice(1);
    // As a reader sees them: control characters dropped (XML cannot hold them), CR LF read as LF, an empty
    // string as an empty cell, −0 as 0.
    const norm = (v: unknown) => {
      if (typeof v === 'string') return v.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '').replace(/\r\n?/g, '\n') || undefined;
      if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v + 0;
      return v;
    };
    // Text as the report writes it: formula-safe.
    for (const i of [1, 2, 3, 4, 5, 6, 40, 41, 999]) expect(got(i).map(norm)).toEqual(expected[i].map((v) => norm(typeof v === 'string' ? neutraliseFormula(v) : v)));
  });
});

describe('XLSX text cells', () => {
  it.each([['as XML', true], ['through exceljs', false]])('are formula-safe %s, never formulas, and numbers stay numbers', async (_how, fast) => {
    const path = join(mkdtempSync(join(tmpdir(), 'sf-xlsx-')), 'cells.xlsx');
    const inputs = FORMULA_NEUTRALISING_CASES.map(([input]) => input);
    rowsXmlOn.enabled = fast;
    try {
      const x = await XlsxReport.open(path, { title: 'T', creator: 'C', at: new Date('2026-11-28T06:00:00Z') });
      await x.table('Cells', [{ header: 'text' }, { header: 'number' }, { header: 'flag' }], inputs.map((v, i) => [v, -i - 0.5, i % 2 === 0]));
      // A row with a null goes through exceljs whichever way rows are written.
      await x.sheet('Mixed', [{ header: 'text' }, { header: 'nothing' }], [['=1+1', null], ['-1', null]]);
      await x.close();
    } finally {
      rowsXmlOn.enabled = true;
    }

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const sheet = wb.getWorksheet('Cells')!;
    FORMULA_NEUTRALISING_CASES.forEach(([input, output], i) => {
      const [text, num, flag] = [1, 2, 3].map((c) => sheet.getRow(i + 2).getCell(c));
      expect(text.formula).toBeUndefined();
      // An empty string is an empty cell; CR reads back as LF (XML line-end handling).
      if (input === '') expect(text.type).toBe(ExcelJS.ValueType.Null);
      else {
        expect(text.type).toBe(ExcelJS.ValueType.String);
        expect(text.value).toBe(output.replace(/\r/g, '\n'));
      }
      expect(num.type).toBe(ExcelJS.ValueType.Number);
      expect(num.value).toBe(-i - 0.5);
      expect(flag.value).toBe(i % 2 === 0);
    });
    const mixed = wb.getWorksheet('Mixed')!;
    expect([mixed.getCell('A2').value, mixed.getCell('A3').value]).toEqual([`'=1+1`, `'-1`]);
    expect(mixed.getCell('A2').type).toBe(ExcelJS.ValueType.String);
  });
});
