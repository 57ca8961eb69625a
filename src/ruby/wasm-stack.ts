/**
 * Prism's WASM build keeps its C stack in 64 KB of linear memory, just above
 * its static data, and nothing checks it: Ruby nested ~140 `begin`s deep runs
 * the stack down into that data, after which Prism loops forever or returns a
 * wrong tree; deeper still it traps. V8's own stack, which WASM calls also
 * use, does fail cleanly (a RangeError) once it is spent. So the module is
 * loaded with its C stack moved into pages added to the initial memory, large
 * enough that V8's stack always runs out first: measured on every nesting
 * construct tried, a 1 MB C stack could lose that race (984 KB of V8 stack by
 * default, at most the 8 MB of a main thread), 2 MB never did; 64 MB leaves
 * room for any --stack-size. Pages no parse touches cost no memory.
 *
 * The heap is unaffected: wasi-libc's malloc takes __heap_base..__heap_end as
 * its first region and grows by memory.grow past the current size, so pages
 * between __heap_end and the new initial size belong to the stack alone.
 */

const PAGE = 65536;
/** 64 MB. */
export const STACK_PAGES = 1024;

const SECTION = { import: 2, memory: 5, global: 6, export: 7 } as const;

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}
  byte(): number {
    if (this.at >= this.bytes.length) throw new RangeError("truncated");
    return this.bytes[this.at++]!;
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      if (shift > 28) throw new RangeError("LEB128 too long");
    }
  }
  i32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
  }
  skipLeb(): void {
    while (this.byte() & 0x80);
  }
  /** Skips a name, returning it only when it is one of `wanted` (Prism exports hundreds: decoding each costs). */
  name(wanted: readonly string[] = []): string | null {
    const length = this.u32();
    const start = this.at;
    this.at += length;
    for (const w of wanted) {
      if (w.length !== length) continue;
      let same = true;
      for (let i = 0; i < length && same; i++) same = this.bytes[start + i] === w.charCodeAt(i);
      if (same) return w;
    }
    return null;
  }
}

const u32 = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};

const i32 = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};

interface Global {
  /** Offsets of its init expression in the global section's body. */
  init: [number, number];
  mutable: boolean;
  type: number;
  /** The value of an `i32.const` init, else null. */
  value: number | null;
}

/** Reads one constant init expression up to its `end`; the i32.const value if that is all it is. */
function initExpr(r: Reader): number | null {
  let value: number | null = null;
  let ops = 0;
  for (;;) {
    const op = r.byte();
    ops++;
    if (op === 0x0b) return ops === 2 ? value : null;
    if (op === 0x41) value = r.i32();
    else if (op === 0x42 || op === 0x23 || op === 0xd2) r.skipLeb();
    else if (op === 0x43) r.at += 4;
    else if (op === 0x44) r.at += 8;
    else if (op === 0xd0) r.byte();
    else throw new RangeError(`opcode ${op} in a constant expression`);
  }
}

/**
 * `wasm` with its C stack (global 0, `__stack_pointer`) moved to the top of
 * `pages` pages added to its initial memory; null when the module is not laid
 * out as this expects (then it is used as it is).
 */
export function withRoomyStack(wasm: Uint8Array, pages = STACK_PAGES): Buffer<ArrayBuffer> | null {
  try {
    return patch(wasm, pages);
  } catch {
    return null;
  }
}

function patch(wasm: Uint8Array, pages: number): Buffer<ArrayBuffer> | null {
  const sections = new Map<number, { start: number; end: number }>();
  const order: Array<{ id: number; header: number; start: number; end: number }> = [];
  const r = new Reader(wasm, 8);
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) return null;
  while (r.at < wasm.length) {
    const header = r.at;
    const id = r.byte();
    const size = r.u32();
    const section = { id, header, start: r.at, end: r.at + size };
    if (section.end > wasm.length) return null;
    order.push(section);
    if (id !== 0) sections.set(id, section);
    r.at += size;
  }
  const body = (id: number) => {
    const s = sections.get(id);
    return s ? wasm.subarray(s.start, s.end) : null;
  };

  // Imported memories or globals would shift the indices read below.
  const imports = body(SECTION.import);
  if (imports) {
    const ir = new Reader(imports);
    for (let n = ir.u32(); n > 0; n--) {
      ir.name();
      ir.name();
      const kind = ir.byte();
      if (kind !== 0) return null;
      ir.u32();
    }
  }

  const exportsBody = body(SECTION.export);
  const memoryBody = body(SECTION.memory);
  const globalBody = body(SECTION.global);
  if (!exportsBody || !memoryBody || !globalBody) return null;
  const exported = new Map<string, number>();
  const er = new Reader(exportsBody);
  for (let n = er.u32(); n > 0; n--) {
    const name = er.name(["__stack_high", "__heap_end"]);
    const kind = er.byte();
    const index = er.u32();
    if (kind === 3 && name) exported.set(name, index);
  }

  const globals: Global[] = [];
  const gr = new Reader(globalBody);
  for (let n = gr.u32(); n > 0; n--) {
    const type = gr.byte();
    const mutable = gr.byte() === 1;
    const start = gr.at;
    const value = initExpr(gr);
    globals.push({ type, mutable, value, init: [start, gr.at] });
  }

  const mr = new Reader(memoryBody);
  if (mr.u32() !== 1) return null;
  const flags = mr.byte();
  if (flags !== 0 && flags !== 1) return null; // shared or 64-bit memories are not Prism's
  const min = mr.u32();
  const max = flags === 1 ? mr.u32() : null;

  const stackPointer = globals[0];
  const stackHigh = globals[exported.get("__stack_high") ?? -1]?.value;
  const heapEnd = globals[exported.get("__heap_end") ?? -1]?.value;
  // The stack pointer starts at the top of the stack; the heap ends where the initial memory does.
  if (!stackPointer || stackPointer.type !== 0x7f || !stackPointer.mutable || stackPointer.value === null || stackPointer.value !== stackHigh) return null;
  if (heapEnd !== min * PAGE) return null;
  const newMin = min + pages;
  if (max !== null && max < newMin) return null;

  const memory = Uint8Array.from([1, flags, ...u32(newMin), ...(max === null ? [] : u32(max))]);
  const global = Buffer.concat([globalBody.subarray(0, stackPointer.init[0]), Uint8Array.from([0x41, ...i32(newMin * PAGE), 0x0b]), globalBody.subarray(stackPointer.init[1])]);
  const parts: Uint8Array[] = [wasm.subarray(0, 8)];
  for (const s of order) {
    const replaced = s.id === SECTION.memory ? memory : s.id === SECTION.global ? global : null;
    if (replaced) parts.push(Uint8Array.from([s.id, ...u32(replaced.length)]), replaced);
    else parts.push(wasm.subarray(s.header, s.end));
  }
  return Buffer.concat(parts);
}
