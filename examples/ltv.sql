-- LTV 计算示例的 SQL 版（SQLite）：口径和假设与 examples/ltv.py 相同，测试核对两者结果一致。
-- 输入表 orders(order_id, customer_id, order_date, amount)，order_date 写作 YYYY-MM-DD。
-- 笔单价按订单计算，客单价按客户计算；数据里只有下过单的客户，所以每月收入是 ARPPU 口径。
WITH params AS (
  SELECT DATE('2024-12-31') AS analysis_date,          -- 分析日
         365 AS observation_days,                       -- 观察窗口：分析日之前的一年
         0.30 AS gross_margin,                          -- 毛利率（假设）
         3.0 AS lifespan_years,                         -- 公式 A 的平均生命周期，年（假设）
         0.03 AS monthly_churn,                         -- 公式 B 的月流失率（假设）
         250.0 AS cac                                   -- 获取一位付费客户的成本，元（假设）
),
window_orders AS (                                    -- 只取观察窗口内的订单
  SELECT o.*
  FROM orders AS o, params AS p
  WHERE JULIANDAY(p.analysis_date) - JULIANDAY(o.order_date) >= 0
    AND JULIANDAY(p.analysis_date) - JULIANDAY(o.order_date) < p.observation_days
),
totals AS (
  SELECT COUNT(*) AS orders, COUNT(DISTINCT customer_id) AS customers, SUM(amount) AS revenue
  FROM window_orders
),
metrics AS (
  SELECT t.*, p.*,
         p.observation_days / 365.0 AS years,
         t.revenue / t.orders AS order_value                          -- 笔单价 = 总收入 ÷ 订单数
  FROM totals AS t, params AS p
),
per_customer AS (
  SELECT *,
         1.0 * orders / customers / years AS frequency,               -- 年购买频次 = 订单数 ÷ 客户数
         revenue / customers / years AS spend_per_customer,           -- 客单价（年）= 总收入 ÷ 客户数
         revenue / customers / years / 12 AS arppu_month              -- 月 ARPPU = 客单价 ÷ 12
  FROM metrics
)
SELECT orders, customers, ROUND(revenue, 2) AS revenue,
       order_value, frequency, spend_per_customer, arppu_month,
       order_value * frequency * lifespan_years * gross_margin AS ltv_a,    -- 公式 A
       arppu_month * gross_margin / monthly_churn AS ltv_b,                 -- 公式 B
       cac / (arppu_month * gross_margin) AS payback_months                 -- CAC 回收期（月）
FROM per_customer;
