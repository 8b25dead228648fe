// One conversation's send times as the holder of its outbox lane knows them. While a sender holds the lane nobody
// else sends to that conversation, so the fleet's log (outbox_sends) is read once when the lane is taken and then
// kept here as this holder reserves and completes its own sends: pacing a send no longer reads up to an hour of the
// conversation's history from the database. Kept for one lane run only (one lease, one fencing token); the tenant's
// window, which every sender shares, is still read from the database for every send.

interface Entry {
  /** The send's id in the fleet's log, for this holder's own sends. */
  id?: number;
  /** ms on the database's clock; a send in flight shows the latest time it could arrive (in the future). */
  at: number;
}

export class LaneSendTimes {
  private entries: Entry[] | undefined;

  /**
   * Send times after `since`, oldest first: from memory once known, else from `read` (the fleet's log). A log that
   * shows another sender's send still in flight (a lane just taken over) is not kept: its real time is written when
   * that send ends, so it is read again next time.
   */
  async since(since: number, now: number, read: () => Promise<number[]>): Promise<number[]> {
    if (!this.entries) {
      const times = await read();
      if (times.some((t) => t > now)) return times;
      this.entries = times.map((at) => ({ at }));
    }
    this.entries = this.entries.filter((e) => e.at > since);
    return this.entries.map((e) => e.at);
  }

  /** This holder reserved a send (logged at `at`, in the future while in flight). */
  reserved(id: number, at: number): void {
    this.entries?.push({ id, at });
  }

  /** This holder's send ended: the log now has it at `at`, the database's time when the connector answered. */
  completed(id: number, at: number): void {
    const entry = this.entries?.find((e) => e.id === id);
    if (!entry || !this.entries) return;
    entry.at = at;
    this.entries.sort((a, b) => a.at - b.at);
  }
}
