import { execFile, spawn } from "node:child_process";
import { InputError, ZeroCacheError, EXIT } from "./errors.js";
import * as msg from "./messages.js";

/**
 * Every git call zero-cache makes: one git process per question, nothing else
 * in the code base spawns git. Plain execFile rather than simple-git: loading
 * simple-git costs ~45 ms and each call ~7 ms more than execFile (measured
 * here), and every command asks git at least twice.
 */

function run(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, maxBuffer: 1024 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve(stdout);
    });
  });
}

async function raw(cwd: string, args: string[]): Promise<string> {
  try {
    return await run(cwd, args);
  } catch (error) {
    throw new ZeroCacheError(msg.gitFailed(args, (error as { stderr?: string }).stderr || (error as Error).message), EXIT.input, { cause: error });
  }
}

/** The top level of the work tree containing `cwd`. */
export async function topLevel(cwd: string): Promise<string> {
  try {
    return (await run(cwd, ["rev-parse", "--show-toplevel"])).trim();
  } catch (error) {
    throw new InputError(msg.notAGitRepo(cwd), cwd, undefined, { cause: error });
  }
}

/** Tracked and untracked-but-not-ignored files of the work tree, repo-relative. Deleted tracked files are still listed. */
export async function listWorktreeFiles(root: string): Promise<string[]> {
  const out = await raw(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  return [...new Set(out.split("\0").filter(Boolean))];
}

export interface IndexEntry {
  mode: string;
  oid: string;
  path: string;
}

/** Every path staged in the index with its blob id; refuses an index with unresolved conflicts. */
export async function listIndex(root: string): Promise<IndexEntry[]> {
  const out = await raw(root, ["ls-files", "-s", "-z"]);
  const entries: IndexEntry[] = [];
  const unmerged: string[] = [];
  for (const record of out.split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [mode, oid, stage] = record.slice(0, tab).split(" ");
    const path = record.slice(tab + 1);
    if (stage !== "0") unmerged.push(path);
    else entries.push({ mode: mode!, oid: oid!, path });
  }
  if (unmerged.length) throw new InputError(msg.unmergedInIndex([...new Set(unmerged)]), root);
  return entries;
}

/** Reads many blobs with one `git cat-file --batch` process. */
export function readBlobs(root: string, oids: string[]): Promise<Map<string, Buffer>> {
  const wanted = [...new Set(oids)];
  if (wanted.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => reject(new ZeroCacheError(msg.gitFailed(["cat-file", "--batch"], error.message), EXIT.input, { cause: error })));
    child.on("close", (code) => {
      if (code !== 0) return reject(new ZeroCacheError(msg.gitFailed(["cat-file", "--batch"], stderr), EXIT.input));
      try {
        resolve(parseBatch(Buffer.concat(chunks), wanted));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(wanted.join("\n") + "\n");
  });
}

function parseBatch(out: Buffer, oids: string[]): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let pos = 0;
  for (const oid of oids) {
    const eol = out.indexOf(10, pos);
    const header = out.subarray(pos, eol).toString();
    const [, type, size] = header.split(" ");
    if (type === "missing" || size === undefined) throw new ZeroCacheError(msg.gitFailed(["cat-file", "--batch"], `missing object ${oid}`), EXIT.input);
    const start = eol + 1;
    const end = start + Number(size);
    blobs.set(oid, out.subarray(start, end));
    pos = end + 1;
  }
  return blobs;
}
