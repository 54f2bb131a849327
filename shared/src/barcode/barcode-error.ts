/**
 * Why a code was rejected. Callers (and tests) switch on `problem`; the message is for people,
 * e.g. shown on the till next to the scan that failed.
 */
export type BarcodeProblem =
  | 'EMPTY'
  | 'BAD_CHARACTERS'
  | 'BAD_LENGTH'
  | 'BAD_CHECK_DIGIT'
  | 'NOT_UPC_E'
  | 'NOT_GS1'
  | 'UNKNOWN_AI'
  | 'BAD_AI_VALUE'
  | 'DUPLICATE_AI'
  | 'BAD_DATE'
  | 'NO_GTIN'
  | 'BAD_RCN_LAYOUT'
  | 'BAD_PRICE_CHECK_DIGIT'
  | 'BAD_EPC_HEADER'
  | 'BAD_EPC_PARTITION'
  | 'BAD_EPC_VALUE'
  | 'BAD_EPC_URI';

export class BarcodeError extends Error {
  readonly problem: BarcodeProblem;

  constructor(problem: BarcodeProblem, message: string) {
    super(message);
    this.name = 'BarcodeError';
    this.problem = problem;
  }
}

/**
 * Quotes scanner input for an error message. JSON escaping makes the invisible GS (\u001d) and
 * other control characters visible, and the cut keeps a runaway scan from flooding a log line.
 */
export function quote(input: string, max = 48): string {
  const cut = input.length > max ? `${input.slice(0, max)}…` : input;
  return JSON.stringify(cut);
}
