// One JSON request per line on stdin ({kind, input}), one JSON answer per line on stdout ({result} or
// {error}). tests/test_calculators.py keeps one of these running and compares every answer with the
// Python reference on inputs hypothesis makes up.

import { createInterface } from "node:readline"

import { COMPUTE } from "./vectors.mjs"

for await (const line of createInterface({ input: process.stdin })) {
  let answer
  try {
    const { kind, input } = JSON.parse(line)
    answer = { result: COMPUTE[kind](input) }
  } catch (error) {
    answer = { error: `${error.name}: ${error.message}` }
  }
  process.stdout.write(JSON.stringify(answer) + "\n")
}
