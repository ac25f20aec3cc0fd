/**
 * Page-aligned buffers for direct I/O (O_DIRECT), which needs the memory address, the length and the
 * file offset of every write aligned to the device's block size.
 *
 * JavaScript cannot ask for aligned memory, but a WebAssembly.Memory is mapped by V8 on a page
 * boundary, so slices of one at multiples of DIRECT_IO_ALIGNMENT are aligned. Memory is carved into
 * fixed-size slots in arenas allocated on first need and kept for reuse; `acquire` hands out up to
 * `count` slots and never more than the pool's capacity, so memory stays bounded however many uploads
 * run (an upload that gets none writes through the page cache instead). Arenas are dropped after a
 * while with no slot in use; their memory goes with V8's next full collection (an arena lives in the
 * old generation, which a scavenge does not visit), so on a server that stays wholly idle it may stay
 * mapped until work resumes.
 */

/** 4096 satisfies devices with 512-byte and 4 KiB logical blocks alike. */
export const DIRECT_IO_ALIGNMENT = 4096;

/** Files (and ranges) smaller than this go through the page cache only: they are likely to be read again soon. */
export const DIRECT_IO_MIN_BYTES = 8 * 1024 * 1024;

const WASM_PAGE = 64 * 1024;

/** Default capacity: 32 slots of 1 MiB, four for each of eight large transfers at once. */
export const DEFAULT_ALIGNED_POOL_BYTES = 32 * 1024 * 1024;
/** Default slot: a 1 MiB write or read is as cheap per byte as a larger one, and four fit in 4 MiB. */
const DEFAULT_SLOT_BYTES = 1024 * 1024;
/** Free arenas are given back once no slot has been in use for this long. */
const DEFAULT_IDLE_RELEASE_MS = 30_000;

export interface AlignedBufferPoolOptions {
  /** Bytes per slot, a multiple of 64 KiB. */
  readonly slotBytes?: number;
  /** Slots per WebAssembly.Memory arena. */
  readonly slotsPerArena?: number;
  /** Most slots the pool will ever hold at once (default: `maxBytes` of them). */
  readonly maxSlots?: number;
  /** Most bytes the pool will ever hold at once (default DEFAULT_ALIGNED_POOL_BYTES). */
  readonly maxBytes?: number;
  /** After this long with no slot in use, arenas are dropped (their memory goes at the next collection); 0: kept. */
  readonly idleReleaseMs?: number;
}

/** One WebAssembly.Memory carved into slots; it can go once every slot it still has is free. */
interface Arena {
  /** Slots not discarded. */
  live: number;
  free: number;
}

export class AlignedBufferPool {
  readonly slotBytes: number;
  private readonly slotsPerArena: number;
  private readonly maxSlots: number;
  private readonly idleReleaseMs: number;
  private readonly free: Buffer[] = [];
  private readonly arenaOf = new Map<Buffer, Arena>();
  private allocated = 0;
  private inUse = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(options: AlignedBufferPoolOptions = {}) {
    this.slotBytes = options.slotBytes ?? DEFAULT_SLOT_BYTES;
    this.slotsPerArena = options.slotsPerArena ?? 4;
    this.maxSlots = options.maxSlots ?? Math.floor((options.maxBytes ?? DEFAULT_ALIGNED_POOL_BYTES) / this.slotBytes);
    this.idleReleaseMs = options.idleReleaseMs ?? DEFAULT_IDLE_RELEASE_MS;
    if (this.slotBytes <= 0 || this.slotBytes % WASM_PAGE !== 0) throw new RangeError(`slotBytes must be a positive multiple of ${WASM_PAGE}`);
  }

  /** Bytes of the slots the pool holds now, in use or free. */
  get heldBytes(): number {
    return this.allocated * this.slotBytes;
  }

  /** Up to `count` slots (possibly none); give them back with `release`. */
  acquire(count: number): Buffer[] {
    while (this.free.length < count && this.allocated < this.maxSlots && this.addArena());
    const slots = this.free.splice(0, Math.min(count, this.free.length));
    for (const slot of slots) (this.arenaOf.get(slot) as Arena).free -= 1;
    this.inUse += slots.length;
    if (slots.length > 0 && this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    return slots;
  }

  release(slots: readonly Buffer[]): void {
    for (const slot of slots) {
      const arena = this.arenaOf.get(slot);
      if (arena === undefined) continue; // not ours, or given up by `discard`
      arena.free += 1;
      this.free.push(slot);
      this.inUse -= 1;
    }
    this.scheduleIdleRelease();
  }

  /**
   * Gives up slots that may still be in use by I/O this process can no longer wait for (a socket write
   * of a failed response): they are never handed out again, and their place can be allocated anew.
   */
  discard(slots: readonly Buffer[]): void {
    for (const slot of slots) {
      const arena = this.arenaOf.get(slot);
      if (arena === undefined) continue;
      this.arenaOf.delete(slot);
      arena.live -= 1;
      this.allocated -= 1;
      this.inUse -= 1;
    }
    this.scheduleIdleRelease();
  }

  /** Drops every arena whose slots are all free; returns the bytes given up. */
  releaseIdle(): number {
    const dropped = new Set<Arena>();
    for (const slot of this.free) {
      const arena = this.arenaOf.get(slot) as Arena;
      if (arena.free === arena.live) dropped.add(arena);
    }
    if (dropped.size === 0) return 0;
    let slots = 0;
    for (let i = this.free.length - 1; i >= 0; i--) {
      const slot = this.free[i];
      if (!dropped.has(this.arenaOf.get(slot) as Arena)) continue;
      this.free.splice(i, 1);
      this.arenaOf.delete(slot);
      slots += 1;
    }
    this.allocated -= slots;
    return slots * this.slotBytes;
  }

  private scheduleIdleRelease(): void {
    if (this.inUse > 0 || this.idleReleaseMs <= 0 || this.idleTimer !== undefined || this.allocated === 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.inUse === 0) this.releaseIdle();
    }, this.idleReleaseMs);
    this.idleTimer.unref();
  }

  /** Adds an arena; false when none can be had (no WebAssembly, or address space refused by a ulimit). */
  private addArena(): boolean {
    const slots = Math.min(this.slotsPerArena, this.maxSlots - this.allocated);
    const pages = (slots * this.slotBytes) / WASM_PAGE;
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    } catch {
      return false; // callers then write through the page cache
    }
    const arena: Arena = { live: slots, free: slots };
    for (let i = 0; i < slots; i++) {
      const slot = Buffer.from(memory.buffer, i * this.slotBytes, this.slotBytes);
      this.arenaOf.set(slot, arena);
      this.free.push(slot);
    }
    this.allocated += slots;
    return true;
  }
}
