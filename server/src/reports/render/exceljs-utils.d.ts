/** exceljs's internal helpers (not in its typings); the report XLSX writer uses its XML text encoder. */
declare module 'exceljs/lib/utils/utils.js' {
  const utils: { xmlEncode(text: string): string };
  export default utils;
}
