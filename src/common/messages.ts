/**
 * Every sentence zero-models shows a user, in one place so wording can be
 * reviewed together. Constants for fixed text, small functions for text with values.
 */

const mib = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`);
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Text as it may reach a terminal. File names, table names and lock entries
 * are data a teammate commits, and a terminal obeys escape sequences in them
 * (colours, clearing the screen, setting the title, OSC 8 links): every
 * control character but newline and tab (C0, DEL, C1) is shown as `\xHH`, and
 * the invisible bidirectional controls, which reorder what is shown, as
 * `\uHHHH`. The logger passes every line through it; only the generator's own
 * output is streamed as it comes.
 */
export const visible = (text: string): string =>
  text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });

// Config
export const configFileMissing = (file: string) =>
  `${file}: config file not found. Check the path given to --config.`;
export const configAmbiguous = (files: string[]) =>
  `${files.length} zero-models config files in one folder: ${files.join(", ")}. Only the first would be read, and which one is meant cannot be told. Keep one (move what the others hold into it and delete them), or name one with --config.`;
export const configUnreadable = (file: string, error: unknown) =>
  `${file}: cannot read config: ${errorText(error)}\nFix the file's syntax, then run again.`;
export const configNotObject = (file: string, found: string, example: string) =>
  `${file}: the config must be an object of keys, found ${found}. See ${example} for every key and its default.`;
export const configInvalid = (file: string, lines: string[], example: string) =>
  `${file}: invalid config\n${lines.map((l) => `  - ${l}`).join("\n")}\nSee ${example} for every key and its default.`;
export const configUnknownKey = (key: string, suggestion: string | undefined) =>
  `unknown key \`${key}\`${suggestion ? `: did you mean \`${suggestion}\`?` : ""}`;
export const configWrongType = (key: string, found: string, expected: string, detail?: string) =>
  `\`${key}\`: found ${found}, expected ${expected}${detail && !detail.startsWith("Invalid input") ? ` (${detail})` : ""}`;
export const configUrlCredentials =
  "holds a user name or password, which would be committed with the config, printed and stored. Take them out of the URL and give the token in the environment: ZERO_MODELS_REMOTE_TOKEN";
export const configOutsideRepo = (file: string, key: string, pattern: string, root: string) =>
  `${file}: \`${key}\` is "${pattern}", which resolves outside the git repository ${root}. Use a path inside the repository.`;
export const configUnsafeOutput = (file: string, key: string, pattern: string, why: string) =>
  `${file}: \`${key}\` is "${pattern}", where zero-models never writes: ${why}. Point \`${key}\` at a file in the work tree, outside .git.`;
export const configPerTableNeedsPlaceholder = (file: string, key: string, pattern: string) =>
  `${file}: \`${key}\` is "${pattern}" but has no {table}, {model}, {model_snake} or {model_kebab} placeholder, so every table would write the same file. Add a placeholder, or move it to outputs.shared.`;
export const configGeneratorPlaceholder = (file: string, key: string, placeholder: string) =>
  `${file}: \`${key}\` must contain ${placeholder} (as its own argument or inside one, e.g. --table=${placeholder}).`;
export const configShellOperator = (file: string, key: string, value: string) =>
  `${file}: \`${key}\` is "${value}", which uses shell syntax (pipes, redirects, ;, &&, $(...)). zero-models never runs a shell: give the command as a list of arguments, or wrap it in a script.`;
export const configAtLeast = (min: number, nullForNoLimit: boolean) => `a number of at least ${min}${nullForNoLimit ? " (or null for no limit)" : ""}`;
export const configAtMost = (max: number, nullForNoLimit: boolean) => `a number of at most ${max}${nullForNoLimit ? " (or null for no limit)" : ""}`;

// Git and inputs
export const notAGitRepo = (cwd: string) =>
  `${cwd} is not inside a git repository. zero-models works on a git checkout: run it inside one (or git init first).`;
export const gitFailed = (args: string[], stderr: string) =>
  `git ${args.join(" ")} failed: ${stderr.trim() || "no message"}`;
export const unmergedInIndex = (files: string[]) =>
  `the index has unresolved merge conflicts in ${files.join(", ")}. Resolve them and stage the result, then run again.`;
export const inputInNestedRepo = (repo: string, glob: string, configFile: string | null) =>
  `${repo} is a git submodule (or another repository inside this one), and the watched pattern "${glob}"${configFile ? ` in ${configFile}` : " (a default)"} reaches into it. ` +
  "git lists nothing inside a submodule, so zero-models cannot see those files and an edit there would read as fresh: inputs inside submodules are not supported. " +
  `Narrow the pattern to leave ${repo} out, or make those files part of this repository.`;
export const inputUnreadable = (file: string, error: unknown) =>
  `${file}: cannot read: ${errorText(error)}`;
export const changedWhileReading = (file: string) =>
  `${file} changed while zero-models was reading it. Run the command again once the file is saved.`;
export const schemaMissing = (file: string) =>
  `${file}: schema file not found. Set \`schema\` in the config, or run bin/rails db:schema:dump.`;
export const rubyTooDeep = (file: string, why: string) =>
  `${file}: Ruby nested too deeply to read (${why}). No Rails model, migration or schema nests like this: check that the file is what it should be, and flatten it.`;
export const notUtf8 = (file: string) =>
  `${file}: not valid UTF-8 text. Save it as UTF-8 and run again.`;

// config/initializers/inflections.rb
export const inflectionUnreadable = (file: string, line: number, what: string) =>
  `${file}:${line}: cannot read inflection rule: ${what}; write it with literal strings, symbols, %w() or regex literals`;
/** The reasons inflectionUnreadable names. */
export const inflection = {
  localeNotLiteral: "the locale passed to inflections is not a literal",
  missingRule: "missing rule",
  interpolatedRegex: "interpolated regex",
  notLiteral: (code: string) => `${code} is not a literal`,
  wordNotLiteral: "word is not a literal",
  argumentNotLiteral: (method: string) => `argument of inflect.${method} is not a literal`,
  untranslatable: (regex: string, why: string) => `regex ${regex} cannot be translated to JavaScript (${why})`,
  regexCharacters: (method: string, word: string) =>
    `inflect.${method} ${JSON.stringify(word)}: ActiveSupport reads this word as a regex (it has one of . * + ? ^ $ | \\ / ( ) [ ] { }), which zero-models does not follow`,
  clearScope: (code: string) => `inflect.clear ${code}: the scope must be one of :all, :plurals, :singulars, :uncountables, :humans, :acronyms`,
};

// What --debug says about the app model
export const modelNote = {
  tableComputed: (model: string) => `${model}: its table name is computed at run time; its files count for every table`,
  noTable: (model: string, kind: string, name: string, candidates: string[]) => `${model}.${kind} :${name}: no table found for ${candidates.join(" or ")}`,
  dynamicAssociation: (model: string, kind: string, name: string, line: number) =>
    `${model}.${kind} :${name} names its class dynamically (line ${line}); every table counts as its neighbour`,
};

// Lock
export const lockCorrupt = (file: string, why: string) =>
  `${file} cannot be trusted (${why}); every table counts as stale. Run \`${fixCommand}\` to rebuild it.` +
  (/conflict markers/.test(why) ? ` Git merges it by itself once its merge driver is set up: \`npx zero-models doctor\` says how.` : "");

export const lockOlderWhy = (version: number) => `written by an older zero-models (lock version ${version})`;
export const lockOlder = (file: string, version: number) =>
  `${file} was ${lockOlderWhy(version)}; every table counts as stale once. Run \`zero-models generate\` to rewrite it.`;
// The lock's merge driver (merge-lock, hook prepare)
export const mergeDriverName = "zero-models lock merge: entry by entry, the side that changed it wins";
export const mergeLockSideUnreadable = (side: "ours" | "theirs", kept: "ours" | "theirs", why: string) =>
  `zero-models merge-lock: ${side === "ours" ? "our" : "their"} side of the lock is not a readable lock (${why}); kept ${kept === "ours" ? "ours" : "theirs"}. The hooks regenerate what it leaves stale.`;
export const mergeLockNeither = (why: string) =>
  `zero-models merge-lock: neither side is a readable lock (${why}); left for git to report as a conflict. Take either side, then run \`${fixCommand}\`.`;
export const mergeLockFailed = (error: unknown) =>
  `zero-models merge-lock failed (${errorText(error)}); left for git to report as a conflict. Take either side, then run \`${fixCommand}\`.`;
export const prepareFailed = (error: unknown) => `zero-models: could not set up the lock's merge driver (${errorText(error)}); \`npx zero-models doctor\` says more.`;
export const prepareNoCli = (cli: string) => `zero-models: ${cli} is missing, so the lock's merge driver was not set up; \`npx zero-models doctor\` says more.`;
export const lockForeignPath = (file: string, where: string, why: string) => `${where} names ${JSON.stringify(file)}, and ${why}`;
export const notAnOutput = "it is not a file outputs.perTable or outputs.shared generates";
export const symlinkRefused = (file: string, link: string, action: "read" | "write" | "delete") =>
  `refusing to ${action} ${JSON.stringify(file)}: ${link === file ? "it is a symlink" : `${JSON.stringify(link)} on the way to it is a symlink`}, and zero-models never reaches a generated file, an input or its cache through one (a committed symlink could point anywhere on this machine). Replace it with a regular file or folder (git rm the link), then run again.`;
export const notRegularFile = (file: string) =>
  `refusing to read ${JSON.stringify(file)}: it is not a regular file (a FIFO, socket or device). Replace it with a regular file, then run again.`;
export const fileTooLarge = (file: string, max: number) =>
  `refusing to read ${JSON.stringify(file)}: it is larger than ${Math.round(max / 1024 / 1024)} MB, far more than any input or generated file should be. Check what it is, then run again.`;
export const cacheDirTracked = (cacheDir: string, files: string[]) =>
  `git tracks ${files.length === 1 ? "a file" : `${files.length} files`} under the cache folder ${cacheDir}/ (${files.slice(0, 3).map((f) => JSON.stringify(f)).join(", ")}${files.length > 3 ? ", …" : ""}). zero-models takes what is there for its own records, so it refuses to run while a commit can put files there. Remove them from git (git rm -r --cached ${cacheDir}), make sure ${cacheDir}/ is in .gitignore, and review the commit that added them.`;
export const blobTooLarge = (header: string, max: number) =>
  `refusing to read git object ${header.split(" ")[0]}: it is ${header.split(" ")[2]} bytes, more than the ${Math.round(max / 1024 / 1024)} MB any input or generated file should be. \`git log --all --find-object=${header.split(" ")[0]} --name-status\` shows which file it is.`;
export const orphanThroughSymlink = (file: string) => `not deleting ${JSON.stringify(file)}: it, or a folder on the way to it, is a symlink (a generated file is never reached through one)`;

// Staleness reasons
export const reason = {
  newTable: "new table (not in the lock file)",
  noLock: "no lock file yet",
  untrustedLock: "lock file cannot be trusted",
  olderLock: "lock file written by an older zero-models",
  /** "schema changed: + column due_at; model app/models/job.rb changed; new inputs: model app/models/concerns/notable.rb" */
  component: (c: { changed: string[]; added: string[]; removed: string[]; details: Record<string, string[]> }) => {
    const plain = c.changed.filter((n) => !c.details[n]);
    return [
      ...c.changed.filter((n) => c.details[n]).map((n) => `${n} changed: ${c.details[n]!.join(", ")}`),
      ...(plain.length ? [`${plain.join(", ")} changed`] : []),
      ...(c.added.length ? [`new inputs: ${c.added.join(", ")}`] : []),
      ...(c.removed.length ? [`removed inputs: ${c.removed.join(", ")}`] : []),
    ].join("; ");
  },
  outputMissing: (file: string) => `generated file missing: ${file}`,
  outputEdited: (file: string) => `generated file edited by hand: ${file}`,
  droppedTable: (files: number) => `table dropped or excluded; ${files} orphaned generated file(s)`,
  leftover: "generated by an earlier run, and no table generates it now (the lock that named it was taken back, by git stash or reset?); generate deletes it",
  pendingMigration: (file: string) => `migration ${file} is not in schema.rb yet (run bin/rails db:migrate)`,
  migrationEdited: (file: string) => `migration ${file} changed but schema.rb did not (run bin/rails db:migrate)`,
  forced: "--all",
  /** A global component as a reason names it: "template lib/…/model.ts.tpl", "generator config". */
  globalComponent: (kind: string, files: string[]) => {
    if (kind === "templates") return files.length ? `template ${files.join(", ")}` : "templates";
    if (kind === "global inputs") return files.length ? `global input ${files.join(", ")}` : "global inputs";
    if (kind === "tool") return "zero-models' fingerprint version";
    if (kind === "config") return "generator config";
    return kind;
  },
  sharedRefresh: "regenerated to refresh the shared files",
};

/** A component the lock records whose name is no longer anywhere in the app or the lock (the lock keeps a tag, not the name). */
export const unknownComponent = (tag: string) => `an input no longer in the app (tag ${tag})`;

/** --debug: check judged only what changed since the last fresh verdict (staleness/since-fresh.ts). */
export const sinceFresh = (view: "worktree" | "index", files: number, judged: number, tables: number) =>
  `since the last fresh verdict (${view === "index" ? "of the index" : "of the work tree"}): ${files} ${files === 1 ? "file" : "files"} changed, ${judged} of ${tables} tables judged, the others fresh as they were`;

// What of a model, concern or schema block is an input (fingerprint: declarations)
export const notAnInput = (file: string) => `${file}: only method bodies or comments changed: not an input`;
export const countedByBytes = (file: string, why: string) => `${file}: counted byte for byte (${why})`;
export const methodsRunAtLoad = (names: string[]) => `${names.join(", ")} extended or instantiated as a class loads: its method bodies may run then`;

// check
export const allFresh = (tables: number) => (tables === 1 ? "zero-models: the table is fresh." : `zero-models: all ${tables} tables fresh.`);
export const staleHeader = (stale: number, total: number) => `zero-models: ${stale} of ${total} tables stale:`;
/** check --quiet: a stale verdict is still a result. */
export const staleOneLine = (stale: number, total: number, fix: string) => `zero-models: stale (${stale} of ${total} tables). Fix: ${fix}`;
/** "11 tables (activity_events, admin_audit_logs, cacti and 8 more)": tables sharing one reason. */
export const tableGroup = (tables: string[]) =>
  `${tables.length} tables (${tables.length <= 4 ? tables.join(", ") : `${tables.slice(0, 3).join(", ")} and ${tables.length - 3} more`})`;
export const explainFresh = (table: string, model: string, components: number, fingerprint: string) =>
  `fresh ${table} (${model}): ${components} ${components === 1 ? "component matches" : "components match"}, fingerprint ${fingerprint}`;
export const migrateThen = (command: string) => `bin/rails db:migrate && ${command}`;
export const unknownTables = (names: Array<{ name: string; suggestion: string | undefined }>) =>
  `${names.map((n) => `unknown table "${n.name}"${n.suggestion ? ` (did you mean "${n.suggestion}"?)` : ""}`).join("; ")}. Name tables as db/schema.rb does, or their models (\`npx zero-models check --explain=all\` lists them).`;
export const sharedHeader = "shared generated files stale:";
export const fixCommand = "npx zero-models generate";
export const fixStagedCommand = "npx zero-models generate --stage";
export const fixLine = (command: string) => `Fix: ${command}`;
export const migrateHint = "Pending migrations: run bin/rails db:migrate first (or configure beforeGenerate).";

// generate
const allTables = (tables: number) => (tables === 1 ? "the table is" : `all ${tables} tables`);
export const nothingToDo = (tables: number) => `zero-models: ${allTables(tables)} fresh; the generator did not run.`;
export const dryRunHeader = "zero-models: dry run, nothing is run or written:";
export const wouldRun = (argv: string[]) => `  would run: ${argv.join(" ")}`;
export const running = (argv: string[]) => `zero-models: running ${argv.join(" ")}`;
export const runTook = (argv: string[], seconds: number) => `${argv.join(" ")} (${seconds.toFixed(1)}s)`;
export const beforeGenerateRunning = (argv: string[], because: string[]) =>
  `zero-models: running ${argv.join(" ")} (changed: ${because.join(", ")})`;
/** A command's output, once: shown as it ran (null), or its last lines here. */
const outputTail = (tail: string | null) => (tail === null ? " Its output is above." : tail ? `\nLast lines of its output:\n${tail}` : "");
export const generatorFailed = (argv: string[], code: number | null, signal: string | null, tail: string | null) =>
  `${argv.join(" ")} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}.${outputTail(tail)}\nThe lock file was not updated for the tables of this run; fix the error and run \`zero-models generate\` again.`;
export const generatorTimedOut = (argv: string[], seconds: number, tail: string | null) =>
  `${argv.join(" ")} did not finish within ${seconds}s (\`generator.timeout\`), so it was stopped, with every process it started.${outputTail(tail)}\n` +
  "The lock file was not updated for the tables of this run. If the generator needs longer, raise `generator.timeout` in the config (null: no limit); then run `zero-models generate` again.";
export const interrupted = (signal: string) =>
  `interrupted by ${signal}. A running generator was stopped, with every process it started; the lock file records only the runs that had finished. Run \`zero-models generate\` to finish.`;
export const generatorNotFound = (argv: string[], cwd: string) =>
  `cannot start ${argv[0]} (in ${cwd}): not found or not executable. Check \`generator\` in the config.`;
export const subsetUnwritten = (key: string, argv: string[], unwritten: Map<string, string[]>) => {
  const tables = [...unwritten.keys()];
  return (
    `\`${key}\` (${argv.join(" ")}) exited 0 but did not write ${[...unwritten].map(([t, files]) => `${files.join(", ")} (${t})`).join("; ")}. ` +
    `The previous files are back in place and the lock was not updated for ${tables.join(", ")}: a subset run that does not rewrite its tables' files would record them fresh while they are stale.\n` +
    `Run \`npx zero-models verify --adapters\` to check each configured subset command against a full run, and remove the broken one from the config (\`${key}\`); \`npx zero-models generate --all\` regenerates everything meanwhile.`
  );
};
export const unlistedOutput = (file: string, configPath: string) =>
  `zero-models: the generator wrote ${file}, which no \`outputs\` pattern names, so zero-models neither checks, stores nor restores it. ` +
  `If it lists every table, add it to the config's outputs.shared: "${configPath}" (a file per table: its pattern to outputs.perTable).`;
export const guardRestored = (files: number) =>
  `zero-models: put back ${files} generated file(s) moved aside by an earlier run that was interrupted during a subset run.`;
export const orphanDeleted = (file: string) => `zero-models: deleted orphaned ${file}`;
export const orphanKept = (file: string) =>
  `zero-models: kept ${file}: it belongs to a dropped table but was edited by hand. Delete it yourself if it is no longer needed.`;
export const regenMissingOutput = (table: string, file: string) =>
  `zero-models: the generator ran for ${table} but did not write ${file}; recorded as absent.`;
export const summary = (s: {
  regenerated: number;
  restored: number;
  failed: number;
  blocked: number;
  cached: number;
  files: number;
  seconds: number;
  /** null: some table could not be made current, so no ratio is claimed. */
  hitRatio: number | null;
}) =>
  `zero-models: ${s.regenerated} regenerated, ${s.restored ? `${s.restored} restored, ` : ""}${s.failed ? `${s.failed} failed, ` : ""}${s.blocked ? `${s.blocked} blocked by pending migrations, ` : ""}` +
  `${s.cached} cached, ${s.files} file(s) written, ${s.seconds.toFixed(1)}s${s.hitRatio === null ? "" : `, cache hit ${Math.round(s.hitRatio * 100)}%`}`;
export const generateBlocked = (tables: number) =>
  `zero-models: ${tables} ${tables === 1 ? "table was" : "tables were"} not regenerated: a migration is pending, and generating from the old schema.rb cannot help. The lock file was not updated for them. Run bin/rails db:migrate, then npx zero-models generate.`;
export const restoredFrom = (from: "local" | "remote") => (from === "local" ? "local store" : "remote cache");
export const sharedRestored = (from: "local" | "remote", files: string[]) => `[RESTORED] ${files.join(", ")} (${restoredFrom(from)})`;
export const tableLine = (tag: "REGEN" | "RESTORED" | "CACHED" | "FAILED" | "DROPPED" | "MISSING" | "BLOCKED", name: string, why?: string) =>
  `[${tag}] ${name}${why ? ` (${why})` : ""}`;

// verify
export const verifyFalseHit = (table: string, file: string) =>
  `a false cache hit: \`${table}\` was recorded fresh but a full run writes something else: ${file}`;
export const verifyStale = (table: string, file: string) => `\`${table}\` was stale (check says so too); a full run rewrote ${file}`;
export const verifyLockOnly = (table: string, file: string) => `\`${table}\`: ${file} was right, but the lock recorded another version of it`;
export const verifySharedFalseHit = (file: string) =>
  `a false cache hit: the shared file ${file} was recorded fresh but a full run writes something else (a subset run may write it differently; if it holds a timestamp, see verify.ignoreLines)`;
export const verifySharedStale = (file: string) => `the shared file ${file} was stale (check says so too); a full run rewrote it`;
export const verifySharedLockOnly = (file: string) => `the shared file ${file} was right, but the lock recorded another version of it`;
export const verifyHeader = "zero-models verify: differences from a full run:";
export const verifyMatched = (files: number, ignored: number) =>
  `zero-models verify: all ${files} generated files match a full run${ignored ? ` (${ignored} not compared: verify.ignore)` : ""}.`;
export const verifyDiffered = (files: number) =>
  `zero-models verify: ${files} file(s) differ from a full run. The full run's files are in place now and the lock records them: review and commit them.`;
export const adapterOk = (key: string, tables: string[]) => `zero-models verify: \`${key}\` writes what a full run writes for ${tables.map((t) => `\`${t}\``).join(", ")}.`;
export const adapterBroken = (key: string, what: string[], remaining: string[]) =>
  `zero-models verify: \`${key}\` ${what.join("; ")}: remove it from the config, and ${remaining.length ? `the ${remaining.join(" or ")} run is used` : "a full run is used"}.`;
export const adapterWroteNothing = (tables: string[]) => `wrote nothing for ${tables.map((t) => `\`${t}\``).join(", ")}`;
export const adapterMissed = (table: string, files: string[]) => `did not write ${files.join(", ")} for \`${table}\``;
export const adapterDiffers = (table: string, files: string[]) => `writes something else than a full run for \`${table}\` (${files.join(", ")})`;
export const adapterFailed = (key: string, argv: string[], code: number | null, signal: string | null, tail: string) =>
  `zero-models verify: \`${key}\` (${argv.join(" ")}) ${signal ? `was killed by ${signal}` : `exited with code ${code}`}.${tail ? `\nLast lines of its output:\n${tail}` : ""}\nFix it, or remove it from the config (a full run or another subset command is used instead).`;

// restore and clean
export const restoreNothing = (tables: number) => `zero-models: ${allTables(tables)} fresh; nothing to restore.`;
export const restoreMissing = (tables: string[], shared: boolean) =>
  `zero-models: no stored artifact for ${[...(tables.length ? [`${tables.length} table(s): ${tables.join(", ")}`] : []), ...(shared ? ["the shared files"] : [])].join(", nor for ")}.\n` +
  "Generate them (this needs the generator): npx zero-models generate. Whatever it generates is stored for the next restore.";
export const cleaned = (entries: number, bytes: number) =>
  `zero-models: store emptied: ${entries} ${entries === 1 ? "entry" : "entries"}, ${bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`} freed.`;

// Shared store (remote cache): each says what happens next, since none of them stops the run
export const remoteFailed = (url: string, why: string) =>
  `zero-models: remote cache ${url} cannot be used (${why}); going on with the local store only for this run.`;
export const remoteRefused = (url: string, status: number) =>
  `zero-models: remote cache ${url} refused access (${status}); going on with the local store only for this run. Check ZERO_MODELS_REMOTE_TOKEN and remote.team.`;
export const remoteUsing = (host: string) => `zero-models: using the remote cache at ${host}`;
export const remoteTokenWithheld = (host: string) =>
  `zero-models: remote cache ${host} not used: remote.url is plain http:// to another machine, and ZERO_MODELS_REMOTE_TOKEN is only ever sent over https:// (or http:// to this machine); going on with the local store only for this run. Make remote.url https://.`;
export const remoteNoAnswer = (timeoutMs: number) => `no complete answer within ${timeoutMs} ms`;
export const remoteBodyTooLarge = (limit: number) => `it sent an artifact of more than ${mib(limit)}, remote.maxBodyBytes`;
export const remoteInflatedTooLarge = (limit: number) => `an artifact inflates to more than ${mib(limit)}, remote.maxInflatedBytes`;
export const remoteArtifactRejected = (kind: string, key: string, why: string) =>
  `zero-models: remote cache artifact for ${kind === "table" ? "a table" : "the shared files"} (fingerprint ${key.slice(0, 12)}) rejected: ${why}. Not used; any other artifact with the same problem is rejected too, without a warning each.`;
export const remoteUnsigned = "it has no signature, and ZERO_MODELS_REMOTE_SIGNATURE_KEY is set";
export const remoteBadSignature = "its signature does not match (tampered with, or signed with another ZERO_MODELS_REMOTE_SIGNATURE_KEY)";
export const remoteNotArtifact = "it is not a zero-models artifact";
export const remoteWrongKey = "it was stored for another fingerprint";
export const remoteHashMismatch = (file: string) => `${file} does not match its SHA-256`;

// Top level
export const seeHelp = "(run zero-models --help for usage)";
export const internalError = (error: unknown) =>
  `zero-models hit an unexpected error. Please report it with the output of --debug.\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;

export const unsafeTableName = (file: string, line: number, table: string) =>
  `${file}:${line}: table name ${JSON.stringify(table)} cannot become a file name (only letters, digits, _, ., $ and - are allowed in generated paths). Rename the table or exclude it with excludeTables.`;

// Run lock
export const runLockFailed = (lockDir: string, error: unknown) =>
  `cannot create the run lock ${lockDir}: ${error instanceof Error ? error.message : String(error)}. Check that cacheDir is writable.`;
export const runLockBusy = (lockDir: string, owner: { pid: number; host: string; command: string; started: string } | null, seconds: number) =>
  `another zero-models run holds ${lockDir}${owner ? ` (pid ${owner.pid} on ${owner.host}: \`${owner.command}\`, since ${owner.started})` : ""}; waited ${seconds}s. ` +
  `Let it finish and run again; if no zero-models is running, delete ${lockDir}.`;

// Hooks
export const hookSkipped = (name: string) => `zero-models: ZERO_MODELS_SKIP is set; ${name} hook skipped.`;
export const unknownHook = (name: string, known: string[]) =>
  `unknown hook "${name}". zero-models handles: ${known.join(", ")}.`;
export const hookStale = (name: string) =>
  `zero-models (${name}): generated files are stale; postMerge/postCheckout is "warn", so nothing was regenerated.`;
export const hookFailed = (name: string, error: string) =>
  `zero-models (${name}) failed: ${error}\nThe git command itself completed. Fix the error, then run \`npx zero-models generate\`.`;
export const hookInterrupted = (name: string, signal: string) =>
  `zero-models (${name}): interrupted by ${signal}. A running generator was stopped, with every process it started; the lock file records only the runs that had finished. The git command itself completed; run \`npx zero-models generate\` to finish.`;
export const hookGeneratorFailed = (name: string) =>
  `zero-models (${name}): the generator failed; the git command itself completed, but the tables above are still stale. Fix the error, then run \`npx zero-models generate\`.`;
export const commitRefused = (stale: number, total: number) =>
  `zero-models: commit refused: ${stale} of ${total} tables are stale in the staged files:`;
export const commitRefusedShared = "zero-models: commit refused: the shared generated files are stale in the staged files:";
export const commitRefusedLeftovers = "zero-models: commit refused: the staged files hold generated files no table generates any more:";
export const commitUnstagedInputs = (files: string[]) =>
  `zero-models: ${files.length === 1 ? `${files[0]} is changed but not staged` : `${files.length} watched files are changed but not staged (${files.join(", ")})`}. ` +
  `generate reads the work tree and the commit takes the index, so they cannot agree until ${files.length === 1 ? "it is" : "they are"} staged (a refused \`git commit -a\` stages nothing). ` +
  `\`git add\` ${files.length === 1 ? "it" : "them"} as below, or leave ${files.length === 1 ? "it" : "them"} out of this commit with \`git stash push --keep-index\` before the fix.`;
export const addThen = (files: string[], command: string) => `git add -- ${files.join(" ")} && ${command}`;
export const hookRegenerated = (name: string, tables: string[], files: string[]) =>
  `zero-models (${name}): ${tables.length ? `regenerated ${tables.length === 1 ? tables[0] : tableGroup(tables)}` : "refreshed the generated files"}, ` +
  `which the commit lacked; commit the result once (so teammates need not): git add -- ${files.join(" ")} && git commit -m "Regenerate Zero models"`;
export const commitRetry =
  "Then commit again. To commit anyway: git commit --no-verify (or ZERO_MODELS_SKIP=1 git commit).";
export const commitError = (error: string) =>
  `zero-models: commit refused: the staged files cannot be checked:\n${error}\nFix it and commit again (git commit --no-verify skips the check).`;
export const fixUnstaged = (files: string[]) =>
  `zero-models: commit refused: preCommit is "fix", but these generated files have changes that are not staged:\n${files.map((f) => `  ${f}`).join("\n")}\n` +
  "Regenerating would overwrite them. Stage them (git add) or set them aside (git stash push --keep-index), then commit again.";
export const setAsideNotice = (files: number) =>
  `zero-models: set aside unstaged changes in ${files} watched file(s) while regenerating (as lint-staged does); they are back in place.`;
export const setAsideRestored =
  "zero-models: put back unstaged changes set aside by an earlier run that was interrupted.";
export const setAsideOccupied = (file: string, kept: string) =>
  `could not put back ${file}, set aside while regenerating: a file exists there now. The set-aside copy is ${kept}; move it back by hand, then delete that folder.`;
export const setAsideUnreadable = (record: string) =>
  `${record} is not a set-aside record zero-models wrote. Look in its folder for work to move back by hand, then delete the folder.`;
export const setAsideUnsafe = (record: string, file: string) =>
  `${record} names ${JSON.stringify(file)}, which is not a place in the work tree zero-models may put a file back (outside it, inside .git, through a symlink, or not a regular file). Nothing was moved; look in the record's folder for work to move back by hand, then delete the folder.`;
export const setAsideRestoreFailed = (patch: string) =>
  "could not put back the unstaged changes set aside while regenerating. " +
  `They are kept in ${patch}: apply them with \`git apply --binary ${patch}\` once the conflict is resolved, then delete that folder.`;
export const fixStaged = (files: number) => `zero-models: regenerated the stale tables and staged ${files} file(s) with this commit.`;
export const fixStillStale = "zero-models: commit refused: still stale after regenerating:";

// init
export const initPrepareStep = (file: string) => `${file}: prepare script sets up the lock's merge driver in each clone (zero-models hook prepare)`;
export const initAttribute = (line: string, created: boolean) => `.gitattributes: ${created ? "created with" : "added"} \`${line}\` (commit it)`;
export const initDriver = (command: string) => `git config: merge.zero-models.driver runs ${command}`;
export const initDone = (lines: string[]) => `zero-models init:\n${lines.map((l) => `  ${l}`).join("\n")}`;
export const initNoPackageJson = (dir: string) =>
  `no package.json found from ${dir} up to the git top level. Run zero-models init in your Rails app or its frontend folder, or pass --package <dir>.`;
export const initNoHusky = (pkg: string) =>
  `husky is not a dependency in ${pkg}. Install it (npm install --save-dev husky) and run zero-models init again, or use the plain hooks: git config core.hooksPath node_modules/zero-models/hooks (see docs/hooks.md in the zero-models package or repository).`;
export const initHuskyFailed = (why: string) => `husky could not install the hooks: ${why}`;
export const initConfigCreated = (file: string, example: string) => `${file}: created with every key at its default (every key, its default and what it does: ${example})`;
/** The head of the config init writes, as YAML comments. */
export const initConfigHeader = (example: string) =>
  [
    "# zero-models configuration (YAML). Paths and globs resolve against this file's folder.",
    "# Set only what differs from the defaults. Every key, its default and what it does:",
    `#   ${example}`,
    "",
  ].join("\n");

// What a hook line says when it cannot run zero-models (shell words: no quotes, $ or backquotes).
export const hookNodeMissing = (name: string) =>
  `zero-models: node is not on PATH; ${name} hook skipped. Run git from a terminal, or see the docs: hooks in GUI git clients.`;
export const hookNotInstalled = (name: string) => `zero-models: zero-models is in package.json but not installed; ${name} hook skipped. Run npm install.`;
export const hookPackageRemoved = (name: string) =>
  `zero-models: the package is no longer installed, but its hook lines are still in .husky/ (${name} and others); they now do nothing. ` +
  "Remove them, or reinstall it and run npx zero-models uninstall. This is said once.";

// uninstall
export const uninstallDone = (lines: string[]) => `zero-models uninstall:\n${lines.map((l) => `  ${l}`).join("\n")}`;
export const uninstallNothing = "nothing of zero-models was set up here";
export const uninstallHookLine = (file: string, deleted: boolean) => `${file}: ${deleted ? "deleted (it held only the zero-models line)" : "removed the zero-models line"}`;
export const uninstallPrepare = (file: string) => `${file}: removed husky from the prepare script (init had added it)`;
export const uninstallHusky = (dir: string) => `${dir}: removed husky's hook folder and core.hooksPath (init had set them up)`;
export const uninstallRemoved = (file: string, what: string) => `${file}: deleted (${what})`;
export const uninstallIgnoreLine = (cache: string) => `.gitignore: removed the /${cache}/ line init had added`;
export const uninstallKeptConfig = "kept the config and the lock file: run zero-models uninstall --purge to delete them too";
export const uninstallPrepareStep = (file: string) => `${file}: removed zero-models hook prepare from the prepare script (init had added it)`;
export const uninstallAttribute = (deleted: boolean) => `.gitattributes: ${deleted ? "deleted (it held only the zero-models line)" : "removed the zero-models merge line"}`;
export const uninstallDriver = "git config: removed the lock's merge driver (merge.zero-models)";
export const uninstallThen = "Then: npm uninstall zero-models";

// doctor
export const doctorTitles: Record<string, string> = {
  node: "Node.js",
  git: "git",
  config: "config",
  package: "zero-models installed",
  hooks: "git hooks",
  generator: "generator command",
  lock: "lock file",
  merge: "lock merge driver",
  migrations: "migrations",
  store: "local store",
  remote: "shared store",
};
export const doctorSummary = (failed: number, warned: number, passed: number) =>
  failed ? `${failed} check(s) failed, ${warned} warning(s), ${passed} passed.` : warned ? `No check failed; ${warned} warning(s), ${passed} passed.` : `All ${passed} checks passed.`;
export const doctorNeedsConfig = "not checked: the config did not load";
export const doctorNeedsPackage = "not checked: no package.json";
export const doctorNeedsLock = "not checked: the lock could not be judged";
export const doctorNode = (version: string, min: string) => `Node ${version} (needs ${min} or later)`;
export const doctorFixNode = (min: string) => `Fix: install Node ${min} or later (nvm install 20, or your package manager), then run again.`;
export const doctorGit = (version: string) => version;
export const doctorGitMissing = "git cannot be run (not on PATH)";
export const doctorGitUntested = (version: string, tested: string) => `${version}: older than ${tested}, the oldest git zero-models is tested with`;
export const doctorFixGit = (min: string) => `Fix: install git ${min} or later.`;
export const doctorFixGitRepo = "Fix: run zero-models doctor inside the app's git checkout.";
export const doctorConfig = (file: string) => `${file} found and valid`;
export const doctorNoConfig = (root: string) => `no config file from here up to ${root}: running on the defaults, and the hooks are not set up`;
export const doctorFixConfig = (file: string, example: string) => `Fix: edit ${file} as the message says (every key and its default: ${example}).`;
export const doctorFixInit = "Fix: npx zero-models init";
export const doctorNoPackageJson = "no package.json from here or the Rails root up to the git top level: there is nowhere for husky and zero-models to be installed (run doctor in the folder of the app's package.json, or pass --package <dir>)";
export const doctorNotInstalled = (bin: string) => `${bin} is missing: the hooks cannot run zero-models`;
export const doctorFixInstall = (dir: string) => `Fix: npm install --save-dev zero-models${dir ? ` (in ${dir})` : ""}, or npm install if package.json lists it.`;
export const doctorBinCollision = (bin: string, owner: string) => `${bin} belongs to ${owner}, not to zero-models: another package installs a command of the same name`;
export const doctorFixBinCollision = "Fix: remove the other package, or run zero-models as node node_modules/zero-models/dist/cli.cjs.";
export const doctorInstalled = (bin: string, version: string) => `${bin} is zero-models ${version}`;
export const doctorPlainHooks = (hooksPath: string) => `core.hooksPath is ${hooksPath} (the plain hooks shipped with the package)`;
export const doctorHookLinesMissing = (files: string[]) => `no zero-models line in ${files.join(", ")}`;
export const doctorHooksInactive = (hooksPath: string | null, wanted: string) =>
  `husky is not active: core.hooksPath is ${hooksPath ?? "unset"}${hooksPath === wanted ? ", but husky's scripts are missing" : `, expected ${wanted}`}, so git runs none of the hook lines`;
export const doctorFixHusky = "Fix: npm install (its prepare script runs husky), or npx zero-models init.";
export const doctorHookLinesOutdated = (files: string[]) => `the zero-models line in ${files.join(", ")} is not the one this version writes (older version or edited by hand)`;
export const doctorFixReinit = "Fix: npx zero-models uninstall && npx zero-models init";
export const doctorHooks = (hooksPath: string) => `pre-commit, post-merge, post-checkout and post-rewrite run zero-models (core.hooksPath ${hooksPath})`;
export const doctorGenerator = (argv: string) => `${argv}`;
export const doctorGeneratorMissing = (command: string, argv: string) => `${command} (from generator.all: ${argv}) is not an executable file, nor a command on PATH`;
export const doctorFixGenerator = (file: string) => `Fix: set generator.all in ${file} to the command that runs your generator, or make that file executable (chmod +x).`;
export const doctorFixInput = "Fix: correct the file the message names, then run zero-models doctor again.";
export const doctorLockMissing = (file: string) => `${file} does not exist yet: every table counts as stale`;
export const doctorFixRebuildLock = "Fix: npx zero-models generate, then commit the lock file with the generated files.";
export const doctorStale = (file: string, stale: number, total: number) => `${file} is readable; ${stale} of ${total} tables are stale (npx zero-models check says why)`;
export const doctorFixGenerate = "Fix: npx zero-models generate";
export const doctorFresh = (file: string, tables: number) => `${file} is readable and all ${tables} tables are fresh`;
export const doctorNoMergeAttribute = (lock: string, value: string) =>
  `git merges ${lock} as text (its merge attribute is ${value}): branches that regenerated different tables conflict in it`;
export const doctorFixMergeAttribute = (line: string) => `Fix: npx zero-models init (it adds \`${line}\` to .gitattributes), then commit .gitattributes.`;
export const doctorDriverNotSet = (driver: string | null) =>
  driver === null ? "merge.zero-models.driver is not set in this clone's git config: git merges the lock as text" : `merge.zero-models.driver is \`${driver}\`, not the command this version sets`;
export const doctorFixDriver = "Fix: npm install (its prepare script sets it up in each clone), or npx zero-models init.";
export const doctorDriverMissing = (cli: string) => `the merge driver runs ${cli}, which is missing`;
export const doctorMergeDriver = (lock: string) => `git merges ${lock} entry by entry (zero-models merge-lock)`;
export const doctorPendingMigrations = (files: string[]) => `${files.length} migration(s) newer than db/schema.rb: ${files.join(", ")}`;
export const doctorFixMigrate = "Fix: bin/rails db:migrate (it updates db/schema.rb), then npx zero-models generate.";
export const doctorNoPendingMigrations = "none pending";
export const doctorCacheNotIgnored = (cache: string) => `${cache}/ is not ignored by git: the local store and caches would show in git status and could be committed`;
export const doctorCacheNotWritable = (dir: string) => `${dir || "the repository"} is not writable: nothing can be cached or stored`;
export const doctorFixPermissions = (dir: string) => `Fix: make ${dir || "the repository"} writable by you (ls -ld it to see its owner).`;
export const doctorStore = (cache: string, maxBytes: number) => `${cache}/store, up to ${Math.round(maxBytes / 1024 / 1024)} MB`;
export const doctorNoRemote = "not configured (remote.url)";
export const doctorRemote = (host: string) => `${host} answers`;
export const doctorFixRemote = "Fix: check remote.url and ZERO_MODELS_REMOTE_TOKEN; runs go on without the shared store meanwhile.";

// Bad input and faults
const fsHint = (error: unknown): string => {
  switch ((error as NodeJS.ErrnoException)?.code) {
    case "ENOSPC":
    case "EDQUOT":
      return "The disk is full: free some space and run again.";
    case "EISDIR":
    case "ENOTDIR":
    case "EEXIST":
      return "Something of the wrong kind (a file or a folder) is in the way: move it away and run again.";
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return "The folder is not writable: fix its permissions and run again.";
    default:
      return "Check that the folder exists and is writable, then run again.";
  }
};
export const cannotWrite = (file: string, error: unknown) =>
  `cannot write ${file}: ${errorText(error)}. ${fsHint(error)} The previous version of the file, if any, is unchanged.`;
export const cacheDirNotFolder = (cacheDir: string, error: unknown) =>
  `cacheDir ${cacheDir} cannot be used as a folder: ${errorText(error)}. It only holds local caches: delete or move whatever is there, then run again.`;
export const runLockNotFolder = (lockDir: string, error: unknown) =>
  `cannot create the run lock ${lockDir}: ${errorText(error)}. A file is where the lock folder should be; if no zero-models is running, delete ${lockDir} and run again.`;
export const configThroughSymlink = (file: string, key: string, pattern: string, through: string, real: string, root: string) =>
  `${file}: \`${key}\` is "${pattern}", but ${through} is a symbolic link to ${real}, outside the git repository ${root}. zero-models never writes outside the repository: point \`${key}\` at a real folder inside it.`;
export const unsafeTableOutput = (file: string, line: number, table: string, output: string, why: string) =>
  `${file}:${line}: table ${JSON.stringify(table)} would be generated to ${output}, where zero-models never writes: ${why}. Rename the table or exclude it with excludeTables.`;
export const unsafeTableOption = (file: string, line: number, table: string) =>
  `${file}:${line}: table name ${JSON.stringify(table)} starts with "-", so the generator would read it as an option. Rename the table or exclude it with excludeTables.`;
