/**
 * Orders the answers to repeated reads of one changing thing (an open run's detail, its visit
 * counts). Over HTTP two reads can answer in either order, so an answer is shown only when no
 * read sent after it has been shown already: otherwise a slow, older answer would put back a
 * state the run has left, and nothing would correct it once the run rests.
 *
 * Each read takes a ticket when it is sent; tickets only grow, across runs too (the caller
 * checks separately that the answer is about the run still open).
 */
export class ReadOrder {
  private issued = 0;
  private shown = 0;

  /** Call as the read is sent. */
  ticket(): number {
    return ++this.issued;
  }

  /** Whether the answer to read `ticket` may be shown; if it may, it is now the newest shown. */
  admit(ticket: number): boolean {
    if (ticket < this.shown) return false;
    this.shown = ticket;
    return true;
  }

  /**
   * A state that came another way (a command's answer) is being shown. It is newer than the
   * answers of reads sent before the latest one, but not surely newer than the latest read still
   * in flight, which the server may have made after the command: that one may still replace it.
   */
  adoptOther(): void {
    this.shown = this.issued;
  }
}
