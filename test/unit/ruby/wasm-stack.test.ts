import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { STACK_PAGES, withRoomyStack } from "../../../src/ruby/wasm-stack.js";

const prismWasm = () => readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve("@ruby/prism")), "prism.wasm"));

/** Compiles and instantiates a module with no imports but WASI's, reading its exported globals and memory size. */
async function layout(bytes: Uint8Array) {
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  const imports: Record<string, Record<string, () => number>> = {};
  for (const i of WebAssembly.Module.imports(module)) (imports[i.module] ??= {})[i.name] = () => 0;
  const { exports } = await WebAssembly.instantiate(module, imports);
  const global = (name: string) => (exports[name] as WebAssembly.Global).value as number;
  return { pages: (exports.memory as WebAssembly.Memory).buffer.byteLength / 65536, stackHigh: global("__stack_high"), heapEnd: global("__heap_end") };
}

describe("withRoomyStack", () => {
  it("applies to the installed @ruby/prism (an upgrade that changes its layout fails here, not silently)", async () => {
    const stock = prismWasm();
    const patched = withRoomyStack(stock);
    expect(patched).not.toBeNull();
    const before = await layout(stock);
    const after = await layout(patched!);
    // Same data, stack bounds and heap; only the added pages, which hold the stack pointer's new start.
    expect(after).toEqual({ ...before, pages: before.pages + STACK_PAGES });
    expect(before.heapEnd).toBe(before.pages * 65536);
  });

  it("leaves a module it does not recognise alone (null): not WASM, truncated, no stack pointer", () => {
    expect(withRoomyStack(new Uint8Array([1, 2, 3]))).toBeNull();
    expect(withRoomyStack(prismWasm().subarray(0, 5000))).toBeNull();
    // The smallest module: magic and version, no sections.
    expect(withRoomyStack(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toBeNull();
  });
});
