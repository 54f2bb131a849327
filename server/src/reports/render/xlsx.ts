import ExcelJS from 'exceljs';
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
 * A streamed workbook: rows are committed as they come and never held, strings are written inline
 * (no shared-strings table), and a table longer than a sheet continues on "<name> (2)", "(3)" …
 * Every date inside the file is fixed by the caller, so building it twice gives the same bytes.
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
    let inSheet = 1;
    let total = 0;
    for await (const values of rows as AsyncIterable<unknown[]>) {
      if (inSheet >= XLSX_MAX_ROWS) {
        ws.commit();
        ws = this.newSheet(name, ++part, columns);
        inSheet = 1;
      }
      ws.addRow(values).commit();
      inSheet++;
      total++;
      if (total % 2000 === 0) {
        await this.drain(ws);
        onRows?.(total);
      }
    }
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
    ws.addRow(columns.map((c) => c.header)).commit();
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
    if (target && typeof backlog === 'number' && backlog > 4 << 20) {
      await once(target, 'drain');
    } else if (this.out.writableNeedDrain) {
      await once(this.out, 'drain');
    } else {
      await new Promise((r) => setImmediate(r));
    }
  }
}
