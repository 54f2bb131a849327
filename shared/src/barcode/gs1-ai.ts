/**
 * The GS1 application identifiers this parser knows. Only the AIs the stocktake uses are
 * interpreted (see gs1-element-string.ts); the rest are here so that a label carrying, say, a
 * packing date or a price still parses instead of failing on an AI we do not care about.
 * Formats follow the GS1 General Specifications, section 3.2.
 */
export interface AiSpec {
  ai: string;
  /** GS1 data title, used in error messages. */
  title: string;
  /** `N` digits only; `X` the GS1 AI encodable character set 82. */
  charset: 'N' | 'X';
  /** Fixed-length value, or variable length up to `length`. */
  fixed: boolean;
  length: number;
  /** The value is a YYMMDD date. */
  date?: boolean;
  /** The value ends in a GS1 mod-10 check digit (GTIN, SSCC, GLN). */
  checkDigit?: boolean;
}

const table = new Map<string, AiSpec>();

function fixed(ai: string, title: string, length: number, extra: Partial<AiSpec> = {}): void {
  table.set(ai, { ai, title, charset: 'N', fixed: true, length, ...extra });
}
function variable(ai: string, title: string, charset: 'N' | 'X', length: number): void {
  table.set(ai, { ai, title, charset, fixed: false, length });
}

fixed('00', 'SSCC', 18, { checkDigit: true });
fixed('01', 'GTIN', 14, { checkDigit: true });
fixed('02', 'CONTENT', 14, { checkDigit: true });
variable('10', 'BATCH/LOT', 'X', 20);
fixed('11', 'PROD DATE', 6, { date: true });
fixed('12', 'DUE DATE', 6, { date: true });
fixed('13', 'PACK DATE', 6, { date: true });
fixed('15', 'BEST BEFORE or BEST BY', 6, { date: true });
fixed('16', 'SELL BY', 6, { date: true });
fixed('17', 'USE BY OR EXPIRY', 6, { date: true });
fixed('20', 'VARIANT', 2);
variable('21', 'SERIAL', 'X', 20);
variable('22', 'CPV', 'X', 20);
variable('240', 'ADDITIONAL ID', 'X', 30);
variable('241', 'CUST. PART No.', 'X', 30);
variable('250', 'SECONDARY SERIAL', 'X', 30);
variable('251', 'REF. TO SOURCE', 'X', 30);
variable('30', 'VAR. COUNT', 'N', 8);
variable('37', 'COUNT', 'N', 8);
variable('400', 'ORDER NUMBER', 'X', 30);
fixed('410', 'SHIP TO LOC', 13, { checkDigit: true });
fixed('411', 'BILL TO', 13, { checkDigit: true });
fixed('412', 'PURCHASE FROM', 13, { checkDigit: true });
fixed('413', 'SHIP FOR LOC', 13, { checkDigit: true });
fixed('414', 'LOC No.', 13, { checkDigit: true });
fixed('415', 'PAY TO', 13, { checkDigit: true });
variable('420', 'SHIP TO POST', 'X', 20);
fixed('422', 'ORIGIN', 3);
fixed('7003', 'EXPIRY TIME', 10);
fixed('8005', 'PRICE PER UNIT', 6);
variable('90', 'INTERNAL', 'X', 30);
for (let n = 91; n <= 99; n++) variable(String(n), 'INTERNAL', 'X', 90);
// Trade measures 31nn–36nn: the fourth digit is the number of decimals in the six-digit value.
for (let family = 310; family <= 369; family++) {
  for (let decimals = 0; decimals <= 5; decimals++) {
    const ai = `${family}${decimals}`;
    fixed(ai, family === 310 ? 'NET WEIGHT (kg)' : `MEASURE (${family}n)`, 6);
  }
}
for (let decimals = 0; decimals <= 9; decimals++) {
  variable(`390${decimals}`, 'AMOUNT', 'N', 15);
  variable(`392${decimals}`, 'PRICE', 'N', 15);
}

/**
 * The AI at `pos` in `data`, or undefined. GS1 AIs are prefix-free (no AI is the start of
 * another), so trying two, three and four digits in turn cannot pick the wrong one.
 */
export function lookupAi(data: string, pos = 0): AiSpec | undefined {
  for (let len = 2; len <= 4; len++) {
    const spec = table.get(data.slice(pos, pos + len));
    if (spec) return spec;
  }
  return undefined;
}

/** The spec for exactly this AI string, or undefined. */
export function aiSpec(ai: string): AiSpec | undefined {
  return table.get(ai);
}

/** GS1 AI encodable character set 82: the only characters an `X` value may hold. */
export const GS1_CHARSET_82 = /^[!"%-?A-Z_a-z]*$/;
