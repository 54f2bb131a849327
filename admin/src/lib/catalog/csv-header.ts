import { IMPORT_COLUMNS } from '@stockfleet/shared';

/**
 * The columns the hub requires in the header (CatalogImportService); the others may be left out and take
 * their defaults. Not in `shared/` yet, so mirrored here.
 */
export const REQUIRED_IMPORT_COLUMNS = ['sku', 'name', 'category', 'unit_cost_cents'] as const;

export interface HeaderCheck {
  /** Required columns that are absent: the hub refuses the file. */
  missing: string[];
  /** Optional columns that are absent: their defaults apply. */
  optional: string[];
  /** Columns the hub does not know: it refuses the file. */
  unknown: string[];
}

/** Split one CSV line on commas outside quotes (enough for a header row). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim().toLowerCase());
}

/**
 * Compare the file's first line with the import columns before uploading, so a wrong file is caught
 * in the browser. Only a hint: the hub decides.
 */
export function checkCsvHeader(text: string): HeaderCheck {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const cols = splitCsvLine(first).filter(Boolean);
  const known = new Set<string>(IMPORT_COLUMNS);
  const required = new Set<string>(REQUIRED_IMPORT_COLUMNS);
  const absent = IMPORT_COLUMNS.filter((c) => !cols.includes(c));
  return {
    missing: absent.filter((c) => required.has(c)),
    optional: absent.filter((c) => !required.has(c)),
    unknown: cols.filter((c) => !known.has(c)),
  };
}

/** A header-only CSV with one example row, for the "download template" link. */
export function csvTemplate(): string {
  const example = ['SKU-0001', 'Example product', 'Grocery', '120', '199', 'piece', '10', '4006381333931', 'gtin', '1'];
  return `${IMPORT_COLUMNS.join(',')}\n${example.join(',')}\n`;
}
