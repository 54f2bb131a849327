// Barcode, GS1 and EPC parsing shared by the tills and the hub. parseScan is the entry point;
// the rest is exported for catalogue validation, configuration checks and the simulator.
export { BarcodeError, type BarcodeProblem } from './barcode-error.js';
export { GTIN_LENGTHS, assertGtin, gtinCheckDigit, gtinLookupForms, hasValidCheckDigit, isValidGtin, normaliseGtin } from './gtin.js';
export { compressUpcA, expandUpcE } from './upc-e.js';
export { type StrippedScan, type Symbology, type SymbologyFamily, stripSymbologyId } from './symbology-id.js';
export {
  GROUP_SEPARATOR,
  type Gs1Data,
  type Gs1Element,
  type Gs1ParseOptions,
  gs1DateToIso,
  parseGs1ElementString,
} from './gs1-element-string.js';
export {
  RCN_LAYOUT_EXAMPLES,
  RCN_MARKET_EXAMPLES,
  type RcnLayout,
  RcnLayoutSchema,
  type RcnResult,
  type RcnValueKind,
  parseRcn,
  priceCheckDigit,
  rcnLayoutProblems,
  validateRcnLayouts,
} from './rcn.js';
export {
  SGTIN96_HEADER,
  SGTIN96_MAX_SERIAL,
  type Sgtin96,
  type Sgtin96Input,
  type SgtinIdentity,
  decodeSgtin96,
  encodeSgtin96,
  parseSgtinUri,
  sgtinUri,
} from './epc-sgtin96.js';
export {
  MAX_INTERNAL_CODE_LENGTH,
  MAX_SCAN_LENGTH,
  type EpcScan,
  type Gs1Scan,
  type GtinScan,
  type InternalScan,
  type RcnScan,
  type ScanFailure,
  type ScanOptions,
  type ScanResult,
  type ScannedCode,
  cleanScan,
  parseScan,
} from './scan.js';
