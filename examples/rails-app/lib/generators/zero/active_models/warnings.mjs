// Part of the zero:active_models STAND-IN: what it cannot read in an app it
// reports and skips, the way a generator meeting a real app should, instead of
// stopping the whole run.

/** A function printing each distinct warning once, on stderr. */
export function stderrWarner() {
  const seen = new Set();
  return (text) => {
    if (seen.has(text)) return;
    seen.add(text);
    process.stderr.write(`zero:active_models: warning: ${text}\n`);
  };
}

/** Thrown inside a reader to skip one declaration with a warning (caught next to where it is read). */
export class Skip extends Error {}
