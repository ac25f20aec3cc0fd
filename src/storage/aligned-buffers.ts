/**
 * Page-aligned buffers for direct I/O (O_DIRECT), which needs the memory address, the length and the
 * file offset of every write aligned to the device's block size.
 *
 * JavaScript cannot ask for aligned memory, but a WebAssembly.Memory is mapped by V8 on a page
 * boundary, so slices of one at multiples of DIRECT_IO_ALIGNMENT are aligned. Memory is carved into
 * fixed-size slots in arenas allocated on first need and kept for reuse; `acquire` hands out up to
 * `count` slots and never more than the pool's capacity, so memory stays bounded however many uploads
 * run (an upload that gets none writes through the page cache instead).
 */

/** 4096 satisfies devices with 512-byte and 4 KiB logical blocks alike. */
export const DIRECT_IO_ALIGNMENT = 4096;

/** Files (and ranges) smaller than this go through the page cache only: they are likely to be read again soon. */
export const DIRECT_IO_MIN_BYTES = 8 * 1024 * 1024;

const WASM_PAGE = 64 * 1024;

export interface AlignedBufferPoolOptions {
  /** Bytes per slot, a multiple of 64 KiB. */
  readonly slotBytes?: number;
  /** Slots per WebAssembly.Memory arena. */
  readonly slotsPerArena?: number;
  /** Most slots the pool will ever allocate. */
  readonly maxSlots?: number;
}

export class AlignedBufferPool {
  readonly slotBytes: number;
  private readonly slotsPerArena: number;
  private readonly maxSlots: number;
  private readonly free: Buffer[] = [];
  private allocated = 0;

  constructor(options: AlignedBufferPoolOptions = {}) {
    this.slotBytes = options.slotBytes ?? 2 * 1024 * 1024;
    this.slotsPerArena = options.slotsPerArena ?? 4;
    this.maxSlots = options.maxSlots ?? 32;
    if (this.slotBytes <= 0 || this.slotBytes % WASM_PAGE !== 0) throw new RangeError(`slotBytes must be a positive multiple of ${WASM_PAGE}`);
  }

  /** Up to `count` slots (possibly none); give them back with `release`. */
  acquire(count: number): Buffer[] {
    while (this.free.length < count && this.allocated < this.maxSlots && this.addArena());
    return this.free.splice(0, Math.min(count, this.free.length));
  }

  release(slots: readonly Buffer[]): void {
    this.free.push(...slots);
  }

  /**
   * Gives up slots that may still be in use by I/O this process can no longer wait for (a socket write
   * of a failed response): they are never handed out again, and their place can be allocated anew.
   */
  discard(slots: readonly Buffer[]): void {
    this.allocated -= slots.length;
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
    for (let i = 0; i < slots; i++) this.free.push(Buffer.from(memory.buffer, i * this.slotBytes, this.slotBytes));
    this.allocated += slots;
    return true;
  }
}
