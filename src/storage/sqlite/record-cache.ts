/**
 * A bounded LRU of records read from the metadata database. Every write of this process goes through
 * its stores, which drop the entry they change (`delete`) — never
 * update it, so a transaction that rolls back cannot leave a value in the cache that was never
 * committed. Entries are filled only by reads, which run outside write transactions (better-sqlite3
 * is synchronous: no read can interleave with an open transaction on the same connection). When other
 * processes share the database, their commits clear the whole cache (ExternalChanges).
 *
 * `weight` bounds memory (e.g. the inline bytes a record carries) besides the entry count. Eviction is
 * CLOCK (second chance): a hit only sets a flag, so the hot path does no Map reordering; the oldest
 * entry is evicted unless it was used since it was last looked at, then it gets another round.
 */
export class RecordCache<V> {
  private readonly map = new Map<string, { value: V; weight: number; used: boolean }>();
  private totalWeight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight: number,
    private readonly weigh: (value: V) => number = () => 0,
  ) {}

  get(id: string): V | undefined {
    const hit = this.map.get(id);
    if (hit === undefined) return undefined;
    hit.used = true;
    return hit.value;
  }

  set(id: string, value: V): void {
    const weight = this.weigh(value);
    if (this.maxEntries <= 0 || weight > this.maxWeight) return;
    this.delete(id);
    this.map.set(id, { value, weight, used: false });
    this.totalWeight += weight;
    while (this.map.size > this.maxEntries || this.totalWeight > this.maxWeight) {
      // Map iterates in insertion order: the first entry is the oldest.
      const [oldest, entry] = this.map.entries().next().value as [string, { value: V; weight: number; used: boolean }];
      // The entry just set is never the victim of its own insertion.
      if (entry.used || oldest === id) {
        entry.used = false;
        this.map.delete(oldest);
        this.map.set(oldest, entry);
      } else {
        this.delete(oldest);
      }
    }
  }

  delete(id: string): void {
    const entry = this.map.get(id);
    if (entry === undefined) return;
    this.map.delete(id);
    this.totalWeight -= entry.weight;
  }

  clear(): void {
    this.map.clear();
    this.totalWeight = 0;
  }

  get size(): number {
    return this.map.size;
  }
}
