import { INTERRUPTS, type Interrupt } from "../common/errors.js";

/**
 * SIGINT and SIGTERM for the commands that run the generator. The generator
 * runs in a process group of its own (so a timeout stops everything it
 * started), which also keeps a terminal's Ctrl-C from reaching it: left to
 * the default, a signal would end zero-models and leave the generator
 * writing. Caught instead, it aborts the returned signal (its reason: the
 * signal's name); the run stops the generator's group at once, records
 * nothing more, and unwinds through its `finally` blocks (run lock released,
 * set-aside work put back) to the top-level catch, which exits 130 or 143.
 * Later signals change nothing: the stop already ends in SIGKILL by itself.
 */
export function interruptOnSignals(): AbortSignal {
  const controller = new AbortController();
  for (const name of Object.keys(INTERRUPTS) as Interrupt[]) process.on(name, () => controller.abort(name));
  return controller.signal;
}
