import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { ZeroModelsError, EXIT } from "../common/errors.js";
import * as msg from "../common/messages.js";
import { readTreeFile } from "../common/tree-files.js";

/** Reads many blobs with one `git cat-file --batch` process. */
export function readBlobs(root: string, oids: string[]): Promise<Map<string, Buffer>> {
  return catFile(root, oids, false);
}

/** Up to this many files, reading the work tree's copies beats starting `git cat-file` (a lock, a changed model). */
const FEW_FILES = 16;

/**
 * The blobs of these work-tree paths (path -> blob id), read from the work
 * tree's copy wherever that copy is the blob: same bytes, same git object id,
 * so it is what git would have given. Anything else (a copy edited since,
 * a symlink, a file gone) comes from git's object store. For many paths one
 * `cat-file` is cheaper than opening each file, so git is asked directly.
 */
export async function readBlobsOf(root: string, oids: Map<string, string>): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const fromGit: string[] = [];
  if (oids.size > FEW_FILES) fromGit.push(...oids.keys());
  else {
    await Promise.all(
      [...oids].map(async ([p, oid]) => {
        // A copy that cannot be read safely is not the blob's copy: git has the blob.
        const bytes = await readTreeFile(root, p).catch(() => null);
        if (bytes && gitObjectId(bytes, oid.length) === oid) out.set(p, bytes);
        else fromGit.push(p);
      }),
    );
  }
  const blobs = await readBlobs(root, fromGit.map((p) => oids.get(p)!));
  for (const p of fromGit) out.set(p, blobs.get(oids.get(p)!)!);
  return out;
}

/** git's id of a blob with these bytes: SHA-1, or SHA-256 in a repository of that object format (64 hex digits). */
export function gitObjectId(bytes: Buffer, idLength: number): string {
  return createHash(idLength === 64 ? "sha256" : "sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** Files at revisions (`ORIG_HEAD:db/schema.rb`); a revision or path that does not exist is left out. */
export function readAtRevisions(root: string, specs: string[]): Promise<Map<string, Buffer>> {
  return catFile(root, specs, true);
}

function catFile(root: string, oids: string[], missingOk: boolean): Promise<Map<string, Buffer>> {
  const wanted = [...new Set(oids)];
  if (wanted.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    const sizes = new SizeWatch(MAX_BLOB_BYTES);
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      const tooLarge = sizes.push(chunk);
      if (tooLarge === null) return;
      child.stdout.removeAllListeners("data");
      child.kill();
      reject(new ZeroModelsError(msg.blobTooLarge(tooLarge, MAX_BLOB_BYTES), EXIT.input));
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => reject(new ZeroModelsError(msg.gitFailed(["cat-file", "--batch"], error.message), EXIT.input, { cause: error })));
    child.on("close", (code) => {
      if (code !== 0) return reject(new ZeroModelsError(msg.gitFailed(["cat-file", "--batch"], stderr), EXIT.input));
      try {
        resolve(parseBatch(Buffer.concat(chunks), wanted, missingOk));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(wanted.join("\n") + "\n");
  });
}

/** The most one blob is read: a commit decides what is in the repository. Matches the bound on work-tree files. */
export const MAX_BLOB_BYTES = 64 * 1024 * 1024;

/** Follows the object headers as `cat-file --batch` output streams past, to stop at the first object over the bound. */
export class SizeWatch {
  private skip = 0;
  private head = "";
  constructor(private readonly max: number) {}

  /** The header line of an object over the bound, or null. */
  push(chunk: Buffer): string | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const eol = chunk.indexOf(10, i);
      if (eol === -1) {
        this.head += chunk.toString("latin1", i);
        break;
      }
      const header = this.head + chunk.toString("latin1", i, eol);
      this.head = "";
      i = eol + 1;
      // "<oid> <type> <size>"; "<name> missing" has no body.
      const size = /^[0-9a-f]+ [a-z]+ (\d+)$/.exec(header)?.[1];
      if (size === undefined) continue;
      if (Number(size) > this.max) return header;
      this.skip = Number(size) + 1;
    }
    return null;
  }
}

/** Splits `git cat-file --batch` output into the blobs asked for, in order. */
export function parseBatch(out: Buffer, oids: string[], missingOk: boolean): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let pos = 0;
  for (const oid of oids) {
    const eol = out.indexOf(10, pos);
    const header = out.subarray(pos, eol).toString();
    // "<oid> <type> <size>", or "<name> missing" / "<name> ambiguous" (names may contain spaces).
    const [type, size] = header.split(" ").slice(-2);
    if (missingOk && (header.endsWith(" missing") || header.endsWith(" ambiguous"))) {
      pos = eol + 1;
      continue;
    }
    if (type === "missing" || size === undefined || !/^\d+$/.test(size)) throw new ZeroModelsError(msg.gitFailed(["cat-file", "--batch"], `missing object ${oid}`), EXIT.input);
    const start = eol + 1;
    const end = start + Number(size);
    blobs.set(oid, out.subarray(start, end));
    pos = end + 1;
  }
  return blobs;
}
