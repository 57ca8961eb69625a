import { execFileSync } from "node:child_process";

/** Builds dist/cli.cjs once per test run: e2e tests run the bundled binary as a user does. */
export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
