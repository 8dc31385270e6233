/** cli-table3's own measure of a cell (src/utils.js of the package, which has no types for it). */
declare module 'cli-table3/src/utils.js' {
  /** columns of the widest line, colour codes left out */
  export function strlen(text: string): number;
}
