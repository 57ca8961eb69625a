import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlobHashes } from "../../../src/inputs/blob-hashes.js";

/** git blob id -> SHA-256, kept in cacheDir: searched as text for a few lookups, parsed for many, appended to or rewritten. */
let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "zero-models-blobs-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const quiet = () => {};
const oid = (n: number) => n.toString(16).padStart(40, "0");
const sha = (n: number) => n.toString(16).padStart(64, "f");
const file = () => path.join(dir, "blob-hashes.txt");

async function stored(n: number): Promise<BlobHashes> {
  const blobs = await BlobHashes.open(dir, quiet);
  for (let i = 0; i < n; i++) blobs.set(oid(i), sha(i));
  await blobs.save();
  return BlobHashes.open(dir, quiet);
}

describe("blob hashes", () => {
  it("answers alike whether a lookup searches the text or the parsed entries", async () => {
    const blobs = await stored(200);
    // The first lookups search the text, later ones the parsed map: both must give every entry, and nothing else.
    for (let i = 0; i < 200; i++) expect(blobs.get(oid(i)), `entry ${i}`).toBe(sha(i));
    expect(blobs.get(oid(999))).toBeUndefined();
    const fresh = await BlobHashes.open(dir, quiet);
    expect(fresh.get(oid(999))).toBeUndefined();
    expect(fresh.get(`${oid(1)} `.trim().slice(1))).toBeUndefined(); // a suffix of a stored id is not that id
  });

  it("appends what a run added, dropping a torn last line", async () => {
    await stored(3);
    writeFileSync(file(), `${readFileSync(file(), "utf8")}${oid(7)} ${sha(7).slice(0, 30)}`);
    const blobs = await BlobHashes.open(dir, quiet);
    expect(blobs.get(oid(7))).toBeUndefined();
    blobs.set(oid(8), sha(8));
    await blobs.save();
    const again = await BlobHashes.open(dir, quiet);
    for (const n of [0, 1, 2, 8]) expect(again.get(oid(n))).toBe(sha(n));
    expect(again.get(oid(7))).toBeUndefined();
    expect(readFileSync(file(), "utf8").split("\n").filter(Boolean)).toHaveLength(5);
  });

  it("ignores a file without its header", async () => {
    writeFileSync(file(), `${oid(1)} ${sha(1)}\n`);
    expect((await BlobHashes.open(dir, quiet)).get(oid(1))).toBeUndefined();
  });
});
