-- pg_gen.sql -- :n synthetic ready records for tools/bench/pg.sh (b), in
-- tools/bench_gen.c's shape: every record tagged, 23 % economy, 1 %
-- aviation, one technology tag in four; ids 1..:n, newest highest. Run on
-- a database the daemon created (schema and taxonomy fingerprint in place).
\set ON_ERROR_STOP on
BEGIN;
ALTER TABLE article_tags DISABLE TRIGGER tag_counts_change;
INSERT INTO articles(id, url, norm_url, status, title, site_name, language, summary,
  keywords, tags, tag_evidence, events, user_tags, word_count, content, sort_time,
  created_at, updated_at, generation, content_gen)
SELECT g, 'https://bench.example/story/' || g, 'https://bench.example/story/' || g, 'ready',
  'Synthetic story ' || g, 'Bench', 'en', 'The council met on Monday to discuss story ' || g || '.',
  '["council","budget"]',
  CASE WHEN g % 100 < 23 THEN '{"industry":["Economy"]}'
       WHEN g % 100 = 23 THEN '{"industry":["Aviation"]}' ELSE '{"industry":["Government"]}' END,
  '{}', '[]', '[]', 120, 'Paragraph text of synthetic story ' || g || '.',
  to_char(timestamp '2020-01-01' + g * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1, 1
FROM generate_series(1, :n) AS g;
INSERT INTO article_tags(article_id, facet, tag_id, label, label_fold, score)
SELECT g, 'industry', t.id, t.label, lower(t.label), 1.0
FROM generate_series(1, :n) AS g
CROSS JOIN LATERAL (SELECT CASE WHEN g % 100 < 23 THEN 'economy' WHEN g % 100 = 23 THEN 'aviation'
                                ELSE 'government' END AS id,
                           CASE WHEN g % 100 < 23 THEN 'Economy' WHEN g % 100 = 23 THEN 'Aviation'
                                ELSE 'Government' END AS label) AS t;
INSERT INTO article_tags(article_id, facet, tag_id, label, label_fold, score)
SELECT g, 'technology', 'llm', 'Large language model', 'large language model', 1.0
FROM generate_series(1, :n) AS g WHERE g % 4 = 0;
INSERT INTO tag_counts(facet, tag_id, label, n)
SELECT facet, tag_id, min(label), count(*) FROM article_tags GROUP BY facet, tag_id;
ALTER TABLE article_tags ENABLE TRIGGER tag_counts_change;
SELECT setval('articles_id_seq', :n);
COMMIT;
ANALYZE;
