// run-bundled.test.ts runs this through run-bundled.mjs: what it prints is what the test checks.
import { importedUrl } from "./imported.ts";

if (process.argv.includes("throw")) throw new Error("thrown from the entry");
const typed: { own: string; imported: string; argv: string[] } = {
  own: import.meta.url,
  imported: importedUrl,
  argv: process.argv.slice(1),
};
process.stdout.write(JSON.stringify(typed));
