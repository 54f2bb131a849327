import { IMPORT_COLUMNS } from '@stockfleet/shared';

export interface HeaderCheck {
  missing: string[];
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
  return {
    missing: IMPORT_COLUMNS.filter((c) => !cols.includes(c)),
    unknown: cols.filter((c) => !known.has(c)),
  };
}

/** A header-only CSV with one example row, for the "download template" link. */
export function csvTemplate(): string {
  const example = ['SKU-0001', 'Example product', 'Grocery', '120', '199', 'piece', '10', '4006381333931', 'gtin', '1'];
  return `${IMPORT_COLUMNS.join(',')}\n${example.join(',')}\n`;
}
