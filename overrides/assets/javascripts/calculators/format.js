// Number formatting that matches Python's format() and round() digit for digit, so the calculators
// print what the worked examples in examples/*.py print. No DOM access: Node's test runner imports it.

const TIE = /^-?\d+\.(\d*)50*$/

/** x with `digits` decimals, rounded like Python: exact ties go to the even digit. */
export function fixed(x, digits) {
  if (Object.is(x, -0)) return "-" + (0).toFixed(digits)  // Python keeps the sign of zero
  const text = x.toFixed(digits)  // exact decimal value of the double, ties rounded away from zero
  const scaled = Math.abs(x) * 10 ** digits
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-6) return text  // not near a tie
  const exact = x.toFixed(100)
  const match = TIE.exec(exact)
  if (!match || match[1].length !== digits) return text
  const truncated = exact.slice(0, exact.indexOf(".") + (digits ? digits + 1 : 0))
  const last = Number(truncated[truncated.length - 1])
  return last % 2 === 0 ? truncated.replace(/\.$/, "") : text
}

/** Python's round(x, digits) for the amounts and figures the examples round. */
export function round(x, digits) {
  return Number(fixed(x, digits))
}

/** Python's f"{x:.Nf%}": the ratio times 100 (a double product, as CPython does), then fixed. */
export function percent(x, digits) {
  return fixed(x * 100, digits) + "%"
}

/** Python's f"{n:,}" / f"{x:,.Nf}": thousands separated by commas. */
export function grouped(x, digits = 0) {
  const [whole, part] = fixed(x, digits).split(".")
  const sign = whole.startsWith("-") ? "-" : ""
  const digitsOnly = sign ? whole.slice(1) : whole
  const withCommas = digitsOnly.replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  return sign + withCommas + (part !== undefined ? "." + part : "")
}

/** Python's f"{p:.2g}" for p-values between 1e-4 and 1; smaller ones in exponent form like 3.4e-05. */
export function pValue(p) {
  if (p >= 0.995) return "1.0"
  if (p >= 1e-4) {
    const text = p.toPrecision(2)
    return text.includes("e") ? text : String(Number(text))
  }
  const [mantissa, exponent] = p.toExponential(1).split("e")
  const power = Number(exponent)
  return `${mantissa}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`
}
