import { neutraliseFormula } from '@stockfleet/shared';
import ExcelJS from 'exceljs';
// exceljs's own XML text encoder: rows written below must come out exactly as exceljs would write them.
import excelUtils from 'exceljs/lib/utils/utils.js';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { WrittenFile } from './hashed-file.js';
import { HashedFileWriter } from './hashed-file.js';

const FIXED_DATE = Symbol('fixedZipDate');
let constructingAt: Date | null = null;
let pinned = false;

/**
 * Zip entries otherwise carry the time of writing: every entry of a report workbook gets the report's
 * own date instead, so building the file twice gives the same bytes (and the same SHA-256).
 */
function pinZipDates() {
  if (pinned) return;
  const probe = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: new PassThrough() } as any);
  const proto = Object.getPrototypeOf((probe as any).zip);
  const append = proto.append;
  proto.append = function (this: any, source: unknown, data: Record<string, unknown>) {
    const at = this[FIXED_DATE] ?? constructingAt;
    return append.call(this, source, at ? { ...data, date: at } : data);
  };
  (probe as any).zip.abort?.();
  pinned = true;
}

/** Rows one worksheet holds, header included. */
export const XLSX_MAX_ROWS = 1_048_576;

export interface XlsxColumn {
  header: string;
  width?: number;
}

/**
 * A text cell as a report writes it: formula-safe (OWASP's rule, shared's `neutraliseFormula`) whatever
 * sheet or column it is in, so no sheet added later can forget it. Strings are written as string cells
 * anyway (exceljs makes formulas only from `{ formula }` objects), but a spreadsheet turns `=1+1` into a
 * formula as soon as someone edits the cell, and a copy pasted or saved as CSV carries it on.
 */
const safeCell = (v: unknown): unknown => (typeof v === 'string' ? neutraliseFormula(v) : v);

/**
 * A streamed workbook: rows are committed as they come and never held, strings are written inline
 * (no shared-strings table), and a table longer than a sheet continues on "<name> (2)", "(3)" …
 * Every date inside the file is fixed by the caller, so building it twice gives the same bytes.
 * Every string cell is formula-safe; numbers, booleans and dates are written as they are.
 */
export class XlsxReport {
  private constructor(private readonly out: HashedFileWriter, private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter) {}

  static async open(path: string, meta: { title: string; creator: string; at: Date }): Promise<XlsxReport> {
    const out = await HashedFileWriter.open(path);
    pinZipDates();
    // The writer adds its first zip entries inside its constructor: the date is picked up from here.
    constructingAt = meta.at;
    let wb: ExcelJS.stream.xlsx.WorkbookWriter;
    try {
      wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false, created: meta.at, modified: meta.at } as any);
    } finally {
      constructingAt = null;
    }
    (wb as any).zip[FIXED_DATE] = meta.at;
    wb.creator = meta.creator;
    wb.lastModifiedBy = meta.creator;
    wb.title = meta.title;
    wb.created = meta.at;
    wb.modified = meta.at;
    return new XlsxReport(out, wb);
  }

  /** A small key/value or table sheet (summaries). */
  async sheet(name: string, columns: XlsxColumn[], rows: Iterable<unknown[]>) {
    await this.table(name, columns, rows);
  }

  /** Writes a table, splitting it across sheets at the row limit. Returns the number of data rows. */
  async table(name: string, columns: XlsxColumn[], rows: Iterable<unknown[]> | AsyncIterable<unknown[]>, onRows?: (n: number) => void): Promise<number> {
    let part = 1;
    let ws = this.newSheet(name, part, columns);
    const rowsXml = new RowsXml(ws);
    let inSheet = 1;
    let total = 0;
    for await (const values of rows as AsyncIterable<unknown[]>) {
      if (inSheet >= XLSX_MAX_ROWS) {
        rowsXml.flush();
        ws.commit();
        ws = this.newSheet(name, ++part, columns);
        rowsXml.sheet(ws);
        inSheet = 1;
      }
      if (!rowsXml.add(values)) {
        rowsXml.flush();
        ws.addRow(values.map(safeCell)).commit();
      }
      inSheet++;
      total++;
      if (total % 2000 === 0) {
        rowsXml.flush();
        await this.drain(ws);
        onRows?.(total);
      }
    }
    rowsXml.flush();
    ws.commit();
    return total;
  }

  async close(): Promise<WrittenFile> {
    await this.wb.commit();
    return this.out.commit();
  }

  async abort() {
    await this.out.abort();
  }

  private newSheet(name: string, part: number, columns: XlsxColumn[]) {
    const title = (part === 1 ? name : `${name} (${part})`).replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
    const ws = this.wb.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = columns.map((c) => ({ width: c.width ?? Math.min(40, Math.max(10, c.header.length + 2)) }));
    // No styles table (useStyles: false): per-cell style lookups halved the row rate; the header is frozen instead.
    ws.addRow(columns.map((c) => safeCell(c.header))).commit();
    return ws;
  }

  /**
   * exceljs pushes rows into the zip without waiting for it; when compression falls behind, wait, so a
   * ten-million-row sheet never piles up in memory.
   */
  private async drain(ws: ExcelJS.Worksheet) {
    // The sheet's buffer feeds archiver through a readable-stream v2 PassThrough: no `writableLength` there.
    const target = (ws as any).stream?.pipes?.[0];
    const backlog: number | undefined = target?._writableState?.length ?? target?.writableLength;
    // 1 MB: with rows written as XML the sheet outruns deflate; measured over a million detail rows, a
    // 4 MB backlog held 10–40 MB more at peak than 1 MB, for no speed.
    if (target && typeof backlog === 'number' && backlog > 1 << 20) {
      await once(target, 'drain');
    } else if (this.out.writableNeedDrain) {
      await once(this.out, 'drain');
    } else {
      await new Promise((r) => setImmediate(r));
    }
  }
}

/** Off: every row through exceljs (the spec checks both ways give the same bytes). */
export const rowsXmlOn = { enabled: true };

const COLUMN_LETTERS: string[] = [];
const columnLetter = (i: number) => {
  // 0 → A … 25 → Z, 26 → AA …
  let n = i + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
};

/**
 * Rows of plain values (strings, numbers, booleans: every cell of the report tables) written straight
 * into the sheet's stream as the XML exceljs writes for them — byte for byte, so files and hashes are
 * what exceljs alone gives — without building its Row and Cell objects (most of the XLSX time). Rows
 * with anything else (null, dates, objects) are left to exceljs, in order.
 */
class RowsXml {
  private ws!: ExcelJS.Worksheet;
  private pending = '';

  constructor(ws: ExcelJS.Worksheet) {
    this.sheet(ws);
  }

  sheet(ws: ExcelJS.Worksheet) {
    this.ws = ws;
    this.pending = '';
  }

  /** Queues the row's XML; false when exceljs has to write it. */
  add(values: unknown[]): boolean {
    if (!rowsXmlOn.enabled) return false;
    const ws = this.ws as any;
    // Only once exceljs has opened <sheetData> (the header row) and holds no rows of its own.
    if (!values.length || !ws.startedData || ws._rows?.length !== 0) return false;
    for (const v of values) {
      const t = typeof v;
      if (t !== 'string' && t !== 'number' && t !== 'boolean') return false;
    }
    const r = ws._rowZero as number;
    let xml = `<row r="${r}" spans="1:${values.length}" x14ac:dyDescent="0.25">`;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const col = COLUMN_LETTERS[i] ?? (COLUMN_LETTERS[i] = columnLetter(i));
      if (typeof v === 'string') xml += `<c r="${col}${r}" t="str"><v>${excelUtils.xmlEncode(neutraliseFormula(v))}</v></c>`;
      else if (typeof v === 'number') xml += `<c r="${col}${r}"><v>${excelUtils.xmlEncode(v.toString())}</v></c>`;
      else xml += `<c r="${col}${r}" t="b"><v>${v ? '1' : '0'}</v></c>`;
    }
    this.pending += `${xml}</row>`;
    ws._rowZero = r + 1; // the next row's number, as exceljs counts them
    if (this.pending.length > 1 << 16) this.flush();
    return true;
  }

  flush() {
    if (!this.pending) return;
    (this.ws as any).stream.write(this.pending);
    this.pending = '';
  }
}
