import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { WrittenFile } from './hashed-file.js';
import { HashedFileWriter } from './hashed-file.js';

export interface Measures {
  lines: number;
  counted_lines: number;
  uncounted_lines: number;
  over_threshold: number;
  expected_value_cents: number;
  counted_value_cents: number;
  net_variance_cents: number;
  shrinkage_cents: number;
  surplus_cents: number;
  late_sales_delta: number;
  during_freeze_delta: number;
}
export interface SummaryRow extends Measures {
  key: string;
  label: string;
  region?: string;
  status?: string;
  stores?: number;
  approved_at?: string | Date | null;
  approved_by?: string | null;
}

export interface VarianceSummary {
  title: string;
  subtitle: string;
  practice: boolean;
  facts: Array<[string, string]>;
  totals: Measures;
  byStore: SummaryRow[];
  byRegion: SummaryRow[];
  byCategory: SummaryRow[];
  forced: Array<{ store_code: string; till: string; reason: string; by: string }>;
  /** Fingerprint of the detail file this summary goes with. */
  detailSha256: string | null;
  at: Date;
}

/** Fonts that cover Chinese, used when present (Debian: fonts-noto-cjk); otherwise Helvetica with non-Latin text marked. */
const CJK_FONTS = [process.env.REPORT_PDF_FONT, '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'];

export const money = (cents: number) => (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const pct = (part: number, whole: number) => (whole === 0 ? '0.00 %' : `${((part / whole) * 100).toFixed(2)} %`);

/**
 * The PDF summary: totals, shrinkage charts by store and category, the region table and the tills
 * forced past the barrier. Summaries only: never the detail rows.
 */
export async function writeSummaryPdf(path: string, s: VarianceSummary): Promise<WrittenFile & { pages: number }> {
  const out = await HashedFileWriter.open(path);
  const doc = new PDFDocument({ size: 'A4', margin: 48, bufferPages: true, info: { Title: s.title, Author: 'Stockfleet', Creator: 'Stockfleet', Producer: 'Stockfleet', CreationDate: s.at, ModDate: s.at } });
  doc.pipe(out);
  const cjk = CJK_FONTS.find((f) => f && existsSync(f));
  const font = (bold = false) => {
    if (cjk) doc.font(cjk, cjk.endsWith('.ttc') ? 'NotoSansCJKsc-Regular' : undefined as any);
    else doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
  };
  const text = (v: string) => (cjk ? v : v.replace(/[^\x20-\xff]/g, '?'));
  const W = doc.page.width - 96;

  font(true);
  doc.fontSize(18).text(text(s.title));
  font();
  doc.fontSize(10).fillColor('#555').text(text(s.subtitle)).moveDown(0.5);
  if (s.practice) doc.fillColor('#b45309').fontSize(11).text('PRACTICE COUNT — nothing was posted to the books').moveDown(0.3);
  doc.fillColor('#000').fontSize(9);
  for (const [k, v] of s.facts) doc.text(`${k}: ${text(v)}`);
  doc.moveDown(0.8);

  const t = s.totals;
  const kpis: Array<[string, string]> = [
    ['Lines', t.lines.toLocaleString('en-US')],
    ['Counted / uncounted', `${t.counted_lines.toLocaleString('en-US')} / ${t.uncounted_lines.toLocaleString('en-US')}`],
    ['Over threshold', t.over_threshold.toLocaleString('en-US')],
    ['Book value (expected)', money(t.expected_value_cents)],
    ['Counted value', money(t.counted_value_cents)],
    ['Net variance', money(t.net_variance_cents)],
    ['Shrinkage (losses)', `${money(t.shrinkage_cents)}  (${pct(t.shrinkage_cents, t.expected_value_cents)} of book value)`],
    ['Surplus (gains)', money(t.surplus_cents)],
    ['Late sales / sold during freeze (units)', `${-t.late_sales_delta} / ${-t.during_freeze_delta}`],
  ];
  font(true);
  doc.fontSize(12).text('Totals').moveDown(0.3);
  font();
  doc.fontSize(9);
  for (const [k, v] of kpis) {
    const y = doc.y;
    doc.text(k, 48, y, { width: 220 });
    doc.text(v, 270, y, { width: W - 222 });
  }
  doc.moveDown(1);

  bars(doc, font, text, 'Shrinkage by store (largest 15)', s.byStore.filter((r) => r.shrinkage_cents > 0).sort((a, b) => b.shrinkage_cents - a.shrinkage_cents || a.key.localeCompare(b.key)).slice(0, 15), W);
  bars(doc, font, text, 'Shrinkage by category (largest 12)', s.byCategory.filter((r) => r.shrinkage_cents > 0).sort((a, b) => b.shrinkage_cents - a.shrinkage_cents || a.key.localeCompare(b.key)).slice(0, 12), W);

  table(doc, font, text, 'By region', ['Region', 'Stores', 'Lines', 'Book value', 'Net variance', 'Shrinkage', 'Shrinkage %'],
    s.byRegion.map((r) => [r.label || '—', String(r.stores ?? ''), String(r.lines), money(r.expected_value_cents), money(r.net_variance_cents), money(r.shrinkage_cents), pct(r.shrinkage_cents, r.expected_value_cents)]), W);
  table(doc, font, text, 'By store', ['Store', 'Status', 'Lines', 'Uncounted', 'Net variance', 'Shrinkage', 'Shrinkage %'],
    s.byStore.map((r) => [`${r.key} ${r.label}`, r.status ?? '', String(r.lines), String(r.uncounted_lines), money(r.net_variance_cents), money(r.shrinkage_cents), pct(r.shrinkage_cents, r.expected_value_cents)]), W);
  if (s.forced.length) {
    table(doc, font, text, 'Tills forced past the barrier', ['Store', 'Till', 'Reason', 'By'], s.forced.map((f) => [f.store_code, f.till, f.reason, f.by]), W);
  }
  if (s.detailSha256) {
    doc.moveDown(1).fontSize(8).fillColor('#555').text(`Detail file (CSV) SHA-256: ${s.detailSha256}`);
  }

  // Page numbers, written once every page exists.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    font();
    // Below the bottom margin pdfkit would start a new page: lift the margin for the footer line.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(8).fillColor('#777').text(`${i + 1} / ${range.count}`, 48, doc.page.height - 36, { width: W, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  const written = await out.commit();
  return { ...written, pages: range.count };
}

type Font = (bold?: boolean) => void;

function ensureSpace(doc: PDFKit.PDFDocument, need: number) {
  if (doc.y + need > doc.page.height - 60) doc.addPage();
}

function bars(doc: PDFKit.PDFDocument, font: Font, text: (s: string) => string, title: string, rows: SummaryRow[], W: number) {
  if (!rows.length) return;
  ensureSpace(doc, 40 + rows.length * 14);
  font(true);
  doc.fillColor('#000').fontSize(12).text(title, 48).moveDown(0.3);
  font();
  const max = Math.max(...rows.map((r) => r.shrinkage_cents));
  const labelW = 150;
  const barW = W - labelW - 90;
  for (const r of rows) {
    const y = doc.y;
    doc.fontSize(8).fillColor('#000').text(text(`${r.key === r.label ? r.label : `${r.key} ${r.label}`}`).slice(0, 34), 48, y, { width: labelW, lineBreak: false });
    const w = Math.max(1, (r.shrinkage_cents / max) * barW);
    doc.rect(48 + labelW, y, w, 9).fill('#dc2626');
    doc.fillColor('#000').text(money(r.shrinkage_cents), 48 + labelW + w + 4, y, { width: 86, lineBreak: false });
    doc.y = y + 13;
  }
  doc.moveDown(1);
}

function table(doc: PDFKit.PDFDocument, font: Font, text: (s: string) => string, title: string, head: string[], rows: string[][], W: number) {
  ensureSpace(doc, 60);
  font(true);
  doc.fillColor('#000').fontSize(12).text(title, 48).moveDown(0.3);
  const first = Math.floor(W * 0.28);
  const rest = (W - first) / (head.length - 1);
  const xs = head.map((_, i) => (i === 0 ? 48 : 48 + first + (i - 1) * rest));
  const row = (cells: string[], bold: boolean) => {
    ensureSpace(doc, 14);
    const y = doc.y;
    font(bold);
    doc.fontSize(8).fillColor('#000');
    cells.forEach((c, i) => doc.text(text(c), xs[i], y, { width: (i === 0 ? first : rest) - 4, lineBreak: false, align: i === 0 ? 'left' : 'right' }));
    doc.y = y + 12;
  };
  row(head, true);
  for (const r of rows) row(r, false);
  font();
  doc.moveDown(1);
}
