import * as msg from "../common/messages.js";
import { configValue, removeConfigSection, setConfigValue } from "../git/repo.js";
import { MERGE_DRIVER } from "./install-edits.js";

/**
 * The lock's merge driver in this clone's git config, which no commit
 * carries: init and every `npm install` (`hook prepare`) set it, doctor reads
 * it, uninstall removes it. .gitattributes, committed, names it.
 */

export const DRIVER_KEY = `merge.${MERGE_DRIVER}.driver`;
const NAME_KEY = `merge.${MERGE_DRIVER}.name`;

/** Sets the driver to `command`; false when it already was. */
export async function installDriver(root: string, command: string): Promise<boolean> {
  const [name, driver] = await Promise.all([configValue(root, NAME_KEY), configValue(root, DRIVER_KEY)]);
  if (name === msg.mergeDriverName && driver === command) return false;
  await setConfigValue(root, NAME_KEY, msg.mergeDriverName);
  await setConfigValue(root, DRIVER_KEY, command);
  return true;
}

/** Removes the driver's section from the repository's config; false when there was none. */
export async function removeDriver(root: string): Promise<boolean> {
  return removeConfigSection(root, `merge.${MERGE_DRIVER}`);
}

export const configuredDriver = (root: string) => configValue(root, DRIVER_KEY);
