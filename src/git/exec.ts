import { execFile } from "node:child_process";
import { ZeroModelsError, EXIT } from "../common/errors.js";
import * as msg from "../common/messages.js";

/**
 * Every git call zero-models makes: one git process per question, nothing else
 * in the code base spawns git. Plain execFile rather than simple-git: loading
 * simple-git costs ~45 ms and each call ~7 ms more than execFile (measured
 * here), and every command asks git at least twice.
 */

/** git's output, or a rejection carrying git's stderr. */
export function run(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, maxBuffer: 1024 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve(stdout);
    });
  });
}

/** git's output; a failure is a ZeroModelsError naming the command and git's message. */
export async function raw(cwd: string, args: string[]): Promise<string> {
  try {
    return await run(cwd, args);
  } catch (error) {
    throw new ZeroModelsError(msg.gitFailed(args, (error as { stderr?: string }).stderr || (error as Error).message), EXIT.input, { cause: error });
  }
}

/** For git commands whose answer is their exit status. */
export async function succeeds(cwd: string, args: string[]): Promise<boolean> {
  try {
    await run(cwd, args);
    return true;
  } catch {
    return false;
  }
}

/** git's NUL-separated path lists, de-duplicated. */
export const nulList = (out: string) => [...new Set(out.split("\0").filter(Boolean))];
