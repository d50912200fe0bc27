// A/B test figures as examples/abtest.py computes them: sample size for a conversion-rate test,
// the two-proportion z-test with a confidence interval, and the sample-ratio-mismatch check.
// No DOM access.

export const SRM_ALPHA = 0.001

export class AbInputError extends Error {}

/**
 * Quantile of the standard normal distribution: Wichura's AS241 (1988), the algorithm and the
 * coefficients of Python's statistics.NormalDist.inv_cdf, so both give the same z.
 */
export function zQuantile(p) {
  if (!(p > 0 && p < 1)) throw new RangeError("p must lie strictly between 0 and 1")
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    const num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r
      + 4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
      + 1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) * q
    const den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r
      + 2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
      + 4.2313330701600911252e+1) * r + 1.0)
    return num / den
  }
  let r = Math.sqrt(-Math.log(q <= 0 ? p : 1 - p))
  let num
  let den
  if (r <= 5.0) {
    r -= 1.6
    num = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r
      + 1.27045825245236838258e+0) * r + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r
      + 4.63033784615654529590e+0) * r + 1.42343711074968357734e+0)
    den = (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r
      + 1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r
      + 2.05319162663775882187e+0) * r + 1.0)
  } else {
    r -= 5.0
    num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r
      + 2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r
      + 5.46378491116411436990e+0) * r + 6.65790464350110377720e+0)
    den = (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r
      + 7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r
      + 5.99832206555887937690e-1) * r + 1.0)
  }
  const x = num / den
  return q < 0 ? -x : x
}

/**
 * Complementary error function to about 1e-15: a series without cancellation below 2, Lentz's
 * continued fraction above. JavaScript has no erfc; Python's math.erfc is the reference.
 */
export function erfc(x) {
  if (x < 0) return 2 - erfc(-x)
  if (x < 2) {
    // erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), every term positive.
    let term = x
    let sum = x
    for (let n = 1; n < 200 && term > sum * 1e-17; n += 1) {
      term *= (2 * x * x) / (2 * n + 1)
      sum += term
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …))))
  const tiny = 1e-300
  let f = x
  let c = x
  let d = 0
  for (let n = 1; n < 500; n += 1) {
    const a = n / 2
    d = x + a * d
    d = d === 0 ? tiny : 1 / d
    c = x + a / c
    if (c === 0) c = tiny
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f
}

/** P(Z > x) for the standard normal distribution. */
export function normalSf(x) {
  return 0.5 * erfc(x / Math.SQRT2)
}

/** Per group, equal groups, two-sided; mde is absolute (0.01 = one percentage point). */
export function sampleSize(baseline, mde, alpha = 0.05, power = 0.8) {
  const target = baseline + mde
  if (!(baseline > 0 && baseline < 1 && target > 0 && target < 1 && mde !== 0 && alpha > 0 && alpha < 1 && power > 0 && power < 1)) {
    throw new AbInputError("基线转化率与目标转化率须在 0 与 1 之间，最小可检测效应不能为 0")
  }
  const zSum = zQuantile(1 - alpha / 2) + zQuantile(power)
  const spread = baseline * (1 - baseline) + target * (1 - target)
  const variance = baseline * (1 - baseline)
  return {
    perGroup: Math.ceil((zSum * zSum * spread) / (mde * mde)),
    ruleOfThumb: pythonRound((16 * variance) / (mde * mde)),
    variance,
  }
}

// Python's round() to an integer: halves go to the even neighbour.
function pythonRound(x) {
  const floor = Math.floor(x)
  const rest = x - floor
  if (rest !== 0.5) return Math.round(x)
  return floor % 2 === 0 ? floor : floor + 1
}

/** Days to reach the sample, and the same rounded up to whole weeks. */
export function durationDays(perGroup, dailyUsers, groups = 2) {
  const days = Math.ceil((perGroup * groups) / dailyUsers)
  return [days, 7 * Math.ceil(days / 7)]
}

/** Control: n1 users, x1 converted; treatment: n2, x2. */
export function twoProportionTest(n1, x1, n2, x2, alpha = 0.05) {
  const whole = v => Number.isInteger(v)
  if (!(whole(n1) && whole(n2) && whole(x1) && whole(x2) && n1 > 0 && n2 > 0 && x1 >= 0 && x1 <= n1 && x2 >= 0 && x2 <= n2 && alpha > 0 && alpha < 1)) {
    throw new AbInputError("每组人数须大于 0，转化人数在 0 与该组人数之间")
  }
  const p1 = x1 / n1
  const p2 = x2 / n2
  const diff = p2 - p1
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2)
  const margin = zQuantile(1 - alpha / 2) * se
  const pooled = (x1 + x2) / (n1 + n2)
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
  const z = sePooled > 0 ? diff / sePooled : 0
  return { p1, p2, diff, lift: p1 > 0 ? diff / p1 : null, se, ciLow: diff - margin, ciHigh: diff + margin, z, pValue: 2 * normalSf(Math.abs(z)) }
}

/** Chi-square test (1 degree of freedom) of the observed split against the designed share of group A. */
export function srmCheck(n1, n2, share1 = 0.5) {
  if (!(n1 >= 0 && n2 >= 0 && n1 + n2 > 0 && share1 > 0 && share1 < 1)) {
    throw new AbInputError("两组人数不能为负且不能都为 0，设计比例须在 0 与 1 之间")
  }
  const total = n1 + n2
  const e1 = total * share1
  const e2 = total * (1 - share1)
  const chi2 = (n1 - e1) ** 2 / e1 + (n2 - e2) ** 2 / e2
  const pValue = 2 * normalSf(Math.sqrt(chi2))
  return { expected1: e1, expected2: e2, chi2, pValue, mismatch: pValue < SRM_ALPHA }
}
