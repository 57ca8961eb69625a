import { readFileSync } from "node:fs";

/**
 * The oracle's word list: each word of test/fixtures/oracle/words.txt, and
 * the forms a class or table name made from it takes (capitalized, upper
 * case, in a namespace, in a compound, next to an acronym). Made without the
 * inflector under test: a word's variants must not depend on the code they check.
 */
export function oracleWords(): string[] {
  const base = readFileSync(new URL("../fixtures/oracle/words.txt", import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"));
  const words = new Set<string>();
  for (const word of base) for (const variant of variants(word)) words.add(variant);
  return [...words];
}

function variants(word: string): string[] {
  const upperFirst = word.charAt(0).toUpperCase() + word.slice(1);
  const camel = word
    .split(/[_\s]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
  return [
    word,
    upperFirst,
    word.toUpperCase(),
    `admin/${word}`,
    `Admin::${camel}`,
    `user_${word}`,
    `My${camel}`,
    `api_${word}`,
    `HTML${camel}`,
    `${word}_record`,
  ];
}
