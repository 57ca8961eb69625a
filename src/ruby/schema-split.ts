/**
 * Splits db/schema.rb, as `bin/rails db:schema:dump` lays it out, into the
 * statements of its define block, by text alone (no parser). A statement
 * starts on a line indented by exactly two spaces with a lowercase name
 * (`  create_table`, `  add_foreign_key`, ...) and runs until the next one.
 *
 * The split is only a guess: schema.ts parses every piece on its own and falls
 * back to parsing the whole file when a piece is not exactly one statement. A
 * wrong boundary always leaves a piece that does not parse alone (an open
 * block, heredoc, bracket or operator), and a piece that parses alone ends
 * where Ruby ends a statement at a newline. What this module refuses outright
 * is what a piece parsed alone could read differently: a magic encoding
 * comment, `__END__`, a backslash line continuation, a define line Ruby would
 * reject, or anything but comments outside the define block. (A local variable
 * assigned in one statement changes how later ones parse: schema.ts refuses
 * pieces that assign one.)
 */

export interface SchemaChunk {
  /** The statement's lines (and the comments and blank lines after it), each ending in "\n". */
  text: string;
  /** 1-based line of the chunk's first line in the file. */
  line: number;
}

export interface SplitSchema {
  /** The define's version, underscores removed. */
  version: string | null;
  chunks: SchemaChunk[];
}

// Only numbers Ruby reads as written: no leading zero (octal), single underscores between digits.
const DEFINE = /^ActiveRecord::Schema(?:\[(?:0|[1-9]\d*)(?:\.\d+)?\])?\.define\((?:version: (0|[1-9](?:_?\d)*))?\) do$/;
const STATEMENT_START = /^ {2}(?!end\b)[a-z_]/;
// ASCII spaces only: Ruby reads a no-break or ideographic space as part of a name.
const COMMENT_OR_BLANK = /^[ \t\v\f\r]*(?:#.*)?$/;
const MAGIC_ENCODING = /coding[:=]/i;
// A backslash at the end of a line joins it to the next: a statement could continue into the next piece.
const CONTINUED = /\\$/;

/** The statements of a schema in the dumper's layout, or null when the text is laid out otherwise. `text` has LF line endings. */
export function splitSchema(text: string): SplitSchema | null {
  const lines = text.split("\n");
  if (lines.includes("__END__") || lines.some((l) => CONTINUED.test(l))) return null;
  const define = lines.findIndex((l) => DEFINE.test(l));
  const end = lines.lastIndexOf("end");
  if (define < 0 || end < define) return null;
  const outside = [...lines.slice(0, define), ...lines.slice(end + 1)];
  if (!outside.every((l) => COMMENT_OR_BLANK.test(l)) || outside.some((l) => MAGIC_ENCODING.test(l))) return null;

  const chunks: SchemaChunk[] = [];
  let start = -1;
  const close = (next: number) => {
    if (start >= 0) chunks.push({ text: `${lines.slice(start, next).join("\n")}\n`, line: start + 1 });
  };
  for (let i = define + 1; i < end; i++) {
    const line = lines[i]!;
    if (STATEMENT_START.test(line)) {
      close(i);
      start = i;
    } else if (start < 0 && !COMMENT_OR_BLANK.test(line)) {
      return null;
    }
  }
  close(end);
  const version = DEFINE.exec(lines[define]!)![1];
  return { version: version === undefined ? null : version.replace(/_/g, ""), chunks };
}
