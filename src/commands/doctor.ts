import { EXIT } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import { doctorJson, doctorPassed, reportDoctor } from "../output/doctor-report.js";
import { jsonText } from "../output/json.js";
import { runChecks } from "../setup/checks.js";

export interface DoctorOptions {
  cwd: string;
  config?: string;
  packageDir?: string;
  json: boolean;
}

/** `zero-models doctor`: checks the set-up and says how to fix what is wrong. Exit 0 no check failed (warnings allowed), 1 one did. */
export async function doctor(options: DoctorOptions, log: Logger): Promise<number> {
  const results = await runChecks({ cwd: options.cwd, configFile: options.config, packageDir: options.packageDir, env: process.env, nodeVersion: process.versions.node });
  if (options.json) process.stdout.write(jsonText(doctorJson(results)));
  else reportDoctor(results, log);
  return doctorPassed(results) ? EXIT.ok : EXIT.failed;
}
