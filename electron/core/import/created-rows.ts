/**
 * Which row of the file created which lead, so a later row with the same number can be told
 * "same number as row 1". One map entry per row would cost tens of MB for a million-row file;
 * but new leads get ascending ids in file order, so a run of consecutive ids on consecutive rows
 * is kept as one segment, and rows between runs (failed, duplicate) only start a new segment.
 */
export class CreatedRows {
  private readonly firstId: number[] = [];
  private readonly firstRow: number[] = [];
  private readonly count: number[] = [];
  /** Ids that arrived out of order (never with SQLite's row ids), kept one by one. */
  private readonly others = new Map<number, number>();

  add(leadId: number, row: number): void {
    const last = this.firstId.length - 1;
    if (last >= 0) {
      const end = this.firstId[last] + this.count[last];
      if (leadId === end && row === this.firstRow[last] + this.count[last]) {
        this.count[last]++;
        return;
      }
      if (leadId < end) {
        this.others.set(leadId, row);
        return;
      }
    }
    this.firstId.push(leadId);
    this.firstRow.push(row);
    this.count.push(1);
  }

  /** The row that created the lead, or null when the lead was there before the import. */
  rowOf(leadId: number): number | null {
    const other = this.others.get(leadId);
    if (other !== undefined) return other;
    let lo = 0;
    let hi = this.firstId.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.firstId[mid] <= leadId) lo = mid + 1;
      else hi = mid - 1;
    }
    const i = hi;
    if (i < 0 || leadId >= this.firstId[i] + this.count[i]) return null;
    return this.firstRow[i] + (leadId - this.firstId[i]);
  }
}
