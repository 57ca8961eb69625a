import { InputError } from "./errors.js";
import * as msg from "./messages.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Source text of an input file; bytes that are not UTF-8 are an input error naming the file. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InputError(msg.notUtf8(file), file);
  }
}
