// A/B 测试 calculator: sample size before the test, significance and the SRM check after it, with the
// A/B page's warnings. Figures: ../calculators/abtest.js.

import { SRM_ALPHA, durationDays, sampleSize, srmCheck, twoProportionTest } from "../calculators/abtest.js"
import { fixed, grouped, pValue, percent } from "../calculators/format.js"
import { h, liveRegion, mountAll, numberField, privacyNote, selectField } from "./common.js"

const MODEL_PAGE = "../../refined-operations/ab-testing/"

const percentOpen = text => v => (v > 0 && v < 100 ? "" : text)
const positiveWhole = v => (Number.isInteger(v) && v > 0 ? "" : "请填写正整数。")
const wholeOrZero = v => (Number.isInteger(v) && v >= 0 ? "" : "请填写 0 或正整数。")
const pp = x => `${fixed(x * 100, 2)} 个百分点`

function warnings() {
  return h("div", { className: "opskb-tool__warnings" },
    h("p", {}, h("strong", {}, "提前看结果会让结论失真："),
      "每天看一次、一显著就停，假阳性率会远高于所设的 α。请事先按上面的样本量定好运行时长，到期再下结论。",
      h("a", { href: `${MODEL_PAGE}#提前看结果peeking` }, "为什么"), "。"),
    h("p", {}, h("strong", {}, "先查样本比例："),
      `各组实际人数与分流比例明显不符（SRM，p < ${SRM_ALPHA}）时，分流或数据采集出了问题，结论不可信。`,
      h("a", { href: `${MODEL_PAGE}#样本比例不匹配srm` }, "怎样排查"), "。"),
    h("p", {}, h("strong", {}, "只看一个核心指标："), "同时比较很多指标或很多组，总会有「碰巧显著」的。",
      h("a", { href: `${MODEL_PAGE}#多重比较` }, "多重比较"), "。"))
}

function planner(prefix) {
  const baseline = numberField(`${prefix}-baseline`, "基线转化率", { value: 10, unit: "%", check: percentOpen("请填写 0 到 100 之间的百分数。") })
  const mde = numberField(`${prefix}-mde`, "最小可检测效应（绝对值）", { value: 1, unit: "个百分点", hint: "例如从 10% 到 11% 填 1。", check: v => (v > 0 ? "" : "请填写大于 0 的数。") })
  const alpha = selectField(`${prefix}-alpha`, "显著性水平 α（双侧）", [[0.01, "0.01"], [0.05, "0.05"], [0.1, "0.10"]], 0.05)
  const power = selectField(`${prefix}-power`, "统计功效", [[0.8, "80%"], [0.9, "90%"], [0.95, "95%"]], 0.8)
  const daily = numberField(`${prefix}-daily`, "每天进入实验的用户（可不填）", { value: "", unit: "人", hint: "填了就估算运行天数。", check: positiveWhole })
  const status = liveRegion(true)
  const output = h("div", { className: "opskb-tool__results" })
  const render = () => {
    const b = baseline.value()
    const d = mde.value()
    const dailyText = daily.input.value.trim()
    const users = dailyText ? daily.value() : 0
    if (b === null || d === null || users === null) {
      status.textContent = "有输入需要改正，见各输入框下方的提示。"
      output.hidden = true
      return
    }
    if (b + d >= 100) {
      mde.input.setAttribute("aria-invalid", "true")
      status.textContent = `基线 ${b}% 加上 ${d} 个百分点超过了 100%，请调小最小可检测效应。`
      output.hidden = true
      return
    }
    const a = Number(alpha.select.value)
    const size = sampleSize(b / 100, d / 100, a, Number(power.select.value))
    const lines = [
      h("p", { className: "opskb-tool__figure" }, "每组 ", h("strong", { className: "opskb-ab-per-group" }, grouped(size.perGroup)), " 人，两组合计 ", grouped(2 * size.perGroup), " 人"),
      h("p", {}, `精确公式：(z₁₋α/₂ + z₁₋β)² × (p₁(1 − p₁) + p₂(1 − p₂)) ÷ δ²，p₁ = ${b}%，p₂ = ${fixed(b + d, 2).replace(/\.?0+$/, "")}%，δ = ${d} 个百分点，向上取整。`),
    ]
    if (a === 0.05 && Number(power.select.value) === 0.8) {
      lines.push(h("p", {}, `近似公式 16 × σ² ÷ δ² = 16 × ${fixed(size.variance, 4)} ÷ ${Number(((d / 100) ** 2).toPrecision(6))} ≈ ${grouped(size.ruleOfThumb)} 人每组，比精确公式略小。`))
    }
    if (users) {
      const [days, weekDays] = durationDays(size.perGroup, users)
      lines.push(h("p", {}, `每天 ${grouped(users)} 人进入实验时，凑够样本约需 ${days} 天；按整周运行应跑满 ${weekDays} 天，覆盖工作日和周末。`))
    }
    status.textContent = `每组需要 ${grouped(size.perGroup)} 人。`
    output.replaceChildren(...lines)
    output.hidden = false
  }
  for (const field of [baseline, mde, daily]) field.input.addEventListener("input", render)
  for (const field of [alpha, power]) field.select.addEventListener("change", render)
  const element = h("section", { className: "opskb-tool__section", attrs: { "aria-labelledby": `${prefix}-plan-title` } },
    h("h2", { id: `${prefix}-plan-title` }, "实验前：需要多少样本"),
    h("div", { className: "opskb-tool__grid" }, baseline.field, mde.field, alpha.field, power.field, daily.field),
    status, output)
  render()
  return element
}

function checker(prefix) {
  const n1 = numberField(`${prefix}-n1`, "对照组人数", { value: "", unit: "人", check: positiveWhole })
  const x1 = numberField(`${prefix}-x1`, "对照组转化人数", { value: "", unit: "人", check: wholeOrZero })
  const n2 = numberField(`${prefix}-n2`, "实验组人数", { value: "", unit: "人", check: positiveWhole })
  const x2 = numberField(`${prefix}-x2`, "实验组转化人数", { value: "", unit: "人", check: wholeOrZero })
  const share = numberField(`${prefix}-share`, "设计的对照组占比", { value: 50, unit: "%", check: percentOpen("请填写 0 到 100 之间的百分数。") })
  const alpha = selectField(`${prefix}-alpha2`, "显著性水平 α（双侧）", [[0.01, "0.01"], [0.05, "0.05"], [0.1, "0.10"]], 0.05)
  const status = liveRegion(true)
  const output = h("div", { className: "opskb-tool__results", hidden: true })
  const fields = [n1, x1, n2, x2, share]
  const render = () => {
    if (fields.slice(0, 4).some(f => !f.input.value.trim())) {
      output.hidden = true
      status.textContent = "填入两组的人数和转化人数后显示结果。"
      return
    }
    const v = fields.map(f => f.value())
    if (v.includes(null)) {
      output.hidden = true
      status.textContent = "有输入需要改正，见各输入框下方的提示。"
      return
    }
    const [c, cx, t, tx, s] = v
    if (cx > c || tx > t) {
      output.hidden = true
      status.textContent = "转化人数不能多于该组人数。"
      return
    }
    const a = Number(alpha.select.value)
    const srm = srmCheck(c, t, s / 100)
    const test = twoProportionTest(c, cx, t, tx, a)
    const level = Math.round((1 - a) * 100)
    const significant = test.pValue < a
    const srmLine = h("p", { className: srm.mismatch ? "opskb-tool__alert" : "" },
      h("strong", {}, srm.mismatch ? "样本比例不匹配（SRM）：" : "样本比例检查："),
      `期望对照组 ${grouped(srm.expected1)} 人、实验组 ${grouped(srm.expected2)} 人，χ² = ${fixed(srm.chi2, 2)}，p = ${pValue(srm.pValue)}。`,
      srm.mismatch ? "分流或数据采集很可能出了问题，下面的显著性结论不可信，请先排查原因。"
        : srm.pValue < 0.05 ? `未达 SRM 阈值（p < ${SRM_ALPHA}），但值得留意。` : "与设计比例相符。")
    const lift = test.lift === null ? "对照组转化率为 0，相对提升没有定义" : `相对提升 ${percent(test.lift, 1)}`
    const verdict = significant
      ? `p 值 ${pValue(test.pValue)} 小于 α = ${a}，差异统计显著：真实差值很可能在 ${fixed(test.ciLow * 100, 2)} 到 ${fixed(test.ciHigh * 100, 2)} 个百分点之间。上线前请按区间下限估算收益，并确认护栏指标没有恶化。`
      : `p 值 ${pValue(test.pValue)} 不小于 α = ${a}，差异不显著。这不等于「没有效果」，可能只是样本不足以检测出这么小的差异。`
    status.textContent = (srm.mismatch ? "样本比例不匹配，结论不可信。" : "") + `差值 ${pp(test.diff)}，p 值 ${pValue(test.pValue)}。`
    output.replaceChildren(
      srmLine,
      h("p", {}, `对照组转化率 ${percent(test.p1, 2)}，实验组 ${percent(test.p2, 2)}；差值 ${pp(test.diff)}，${lift}。`),
      h("p", {}, `差值的标准误 SE = √(p₁(1 − p₁) ÷ n₁ + p₂(1 − p₂) ÷ n₂) ≈ ${pp(test.se)}；${level}% 置信区间 ${fixed(test.ciLow * 100, 2)}～${fixed(test.ciHigh * 100, 2)} 个百分点；合并比例 z = ${fixed(test.z, 2)}。`),
      h("p", { className: significant && !srm.mismatch ? "opskb-tool__ok" : "" }, verdict))
    output.hidden = false
  }
  for (const field of fields) field.input.addEventListener("input", render)
  alpha.select.addEventListener("change", render)
  const element = h("section", { className: "opskb-tool__section", attrs: { "aria-labelledby": `${prefix}-check-title` } },
    h("h2", { id: `${prefix}-check-title` }, "实验后：差异是否显著"),
    h("div", { className: "opskb-tool__grid" }, n1.field, x1.field, n2.field, x2.field, share.field, alpha.field),
    status, output)
  render()
  return element
}

mountAll("ab-test", (root, prefix) => {
  root.replaceChildren(privacyNote(), planner(prefix), checker(prefix), warnings())
})
