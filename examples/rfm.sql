-- RFM 计算示例的 SQL 版（SQLite）：规则与 examples/rfm.py 相同，测试核对两者结果一致。
-- 输入表 orders(order_id, customer_id, order_date, amount)，order_date 写作 YYYY-MM-DD。
-- 得分：1 + floor(5 × 比自己差的客户数 ÷ 客户总数)，数值相同的客户得分相同；R 越小越好。
-- 分类：某项得分不低于全体平均分记为「高」，恰好等于平均分也算「高」。
WITH params AS (
  SELECT DATE('2024-12-31') AS analysis_date          -- 分析日
),
raw AS (                                              -- 每位客户的 R（天）、F（单）、M（元）
  SELECT customer_id,
         CAST(JULIANDAY(p.analysis_date) - JULIANDAY(MAX(order_date)) AS INTEGER) AS recency_days,
         COUNT(*) AS frequency,
         ROUND(SUM(amount), 2) AS monetary
  FROM orders, params AS p
  GROUP BY customer_id
),
scored AS (                                           -- RANK() − 1 = 比自己差的客户数
  SELECT *,
         1 + 5 * (RANK() OVER (ORDER BY recency_days DESC) - 1) / COUNT(*) OVER () AS r_score,
         1 + 5 * (RANK() OVER (ORDER BY frequency) - 1) / COUNT(*) OVER () AS f_score,
         1 + 5 * (RANK() OVER (ORDER BY monetary) - 1) / COUNT(*) OVER () AS m_score
  FROM raw
),
judged AS (                                           -- 与全体平均分比较：不低于平均分为高
  SELECT *,
         r_score >= AVG(r_score) OVER () AS r_high,
         f_score >= AVG(f_score) OVER () AS f_high,
         m_score >= AVG(m_score) OVER () AS m_high
  FROM scored
)
SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score,
       CASE WHEN m_high THEN '重要' ELSE '一般' END
       || CASE WHEN r_high AND f_high THEN '价值'
               WHEN r_high THEN '发展'
               WHEN f_high THEN '保持'
               ELSE '挽留' END
       || '客户' AS segment
FROM judged
ORDER BY customer_id;
