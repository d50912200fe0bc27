// Builds the one third-party module the site serves, overrides/assets/javascripts/calculators/unzip.js:
// fflate's unzipSync (the .xlsx reader's ZIP and Deflate part), tree-shaken by esbuild, both pinned in
// package-lock.json. `npm run bundle` writes it; `node tests/js/bundle.mjs --check` (run by
// tests/test_calculators.py) fails when the committed file is not what the pinned packages produce.

import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

import { build } from "esbuild"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))
const OUT = "overrides/assets/javascripts/calculators/unzip.js"

export async function bundle() {
  const lock = JSON.parse(readFileSync(ROOT + "package-lock.json", "utf8"))
  const { version } = lock.packages["node_modules/fflate"]
  const license = readFileSync(ROOT + "node_modules/fflate/LICENSE", "utf8").trim()
  const result = await build({
    stdin: { contents: 'export { unzipSync } from "fflate"', resolveDir: ROOT, sourcefile: "unzip-entry.js" },
    bundle: true, format: "esm", minify: true, write: false, target: "es2017", legalComments: "none", logLevel: "warning",
  })
  const banner = [
    `// fflate ${version} unzipSync, bundled by tests/js/bundle.mjs (npm run bundle) from the version pinned in`,
    "// package-lock.json; do not edit. It unpacks the .xlsx files the RFM and cohort tools read (./xlsx.js).",
    ...license.split("\n").map(line => (line ? `// ${line}` : "//")),
  ].join("\n")
  return `${banner}\n${result.outputFiles[0].text}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await bundle()
  if (process.argv.includes("--check")) {
    if (readFileSync(ROOT + OUT, "utf8") !== text) {
      console.error(`${OUT} 与 package-lock.json 锁定的 fflate、esbuild 生成的结果不一致：请运行 npm ci && npm run bundle`)
      process.exit(1)
    }
  } else {
    writeFileSync(ROOT + OUT, text)
    console.log(`已生成 ${OUT}（${Buffer.byteLength(text)} 字节）`)
  }
}
