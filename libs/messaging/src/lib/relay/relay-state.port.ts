/**
 * Where a relay keeps what survives it: its checkpoint (the last log position it published) and the
 * lease that lets exactly one of several replicas publish at a time.
 */
export interface RelayStateStore {
  /**
   * Takes or renews the lease of `relay` for `owner` until now + `ttlMs`. Succeeds when the lease is
   * free, expired, or already `owner`'s; returns false while another owner holds it.
   */
  tryAcquire(relay: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, so a standby takes over without waiting for it to expire. */
  release(relay: string, owner: string): Promise<void>;
  /** The last position published, or -1 before the first. */
  checkpoint(relay: string): Promise<number>;
  /**
   * Saves the checkpoint if `owner` still holds the lease; throws {@link LeaseLostError} otherwise, so
   * a relay that lost its lease stops at once rather than racing the new leader.
   */
  saveCheckpoint(relay: string, owner: string, position: number): Promise<void>;
  close(): Promise<void>;
}

export class LeaseLostError extends Error {
  constructor(
    readonly relay: string,
    readonly owner: string,
  ) {
    super(`Relay ${relay}: ${owner} no longer holds the lease`);
    this.name = 'LeaseLostError';
  }
}
