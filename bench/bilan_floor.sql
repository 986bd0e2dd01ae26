-- The floor of the yearly report: the same aggregates, hand-written, in one psql call.
-- psql -v y=2025 -f bench/bilan_floor.sql (the year and the one before it, like construire_bilan).
\set p (:y - 1)
CREATE TEMP TABLE acc AS
  SELECT porteur_id,
         bool_or(date BETWEEN make_date(:y, 1, 1) AND make_date(:y, 12, 31)) AS a_y,
         bool_or(date BETWEEN make_date(:p, 1, 1) AND make_date(:p, 12, 31)) AS a_p
  FROM porteurs_suivi WHERE date BETWEEN make_date(:p, 1, 1) AND make_date(:y, 12, 31) GROUP BY porteur_id;
-- effectifs: accompanied and new people
SELECT count(*) FILTER (WHERE a_y), count(*) FILTER (WHERE a_p) FROM acc;
SELECT count(*) FILTER (WHERE date_premier_contact BETWEEN make_date(:y, 1, 1) AND make_date(:y, 12, 31)),
       count(*) FILTER (WHERE date_premier_contact BETWEEN make_date(:p, 1, 1) AND make_date(:p, 12, 31))
FROM porteurs_porteur;
-- genre, quartier, situation, source of the people accompanied
SELECT p.genre, count(*) FILTER (WHERE a_y), count(*) FILTER (WHERE a_p)
  FROM acc JOIN porteurs_porteur p ON p.id = acc.porteur_id GROUP BY 1;
SELECT q.nom, count(*) FILTER (WHERE a_y), count(*) FILTER (WHERE a_p)
  FROM acc JOIN porteurs_porteur p ON p.id = acc.porteur_id LEFT JOIN permanences_quartier q ON q.id = p.quartier_id
  GROUP BY 1;
SELECT p.situation, count(*) FILTER (WHERE a_y), count(*) FILTER (WHERE a_p)
  FROM acc JOIN porteurs_porteur p ON p.id = acc.porteur_id GROUP BY 1;
SELECT p.source, count(*) FILTER (WHERE a_y), count(*) FILTER (WHERE a_p)
  FROM acc JOIN porteurs_porteur p ON p.id = acc.porteur_id GROUP BY 1;
-- age bands on 31 December
SELECT a.annee,
       CASE WHEN p.date_naissance IS NULL THEN 'inconnu'
            WHEN p.date_naissance > make_date(a.annee - 26, 12, 31) THEN 'moins_26'
            WHEN p.date_naissance > make_date(a.annee - 46, 12, 31) THEN '26_45' ELSE 'plus_45' END,
       count(*)
  FROM acc JOIN porteurs_porteur p ON p.id = acc.porteur_id
  CROSS JOIN LATERAL (VALUES (:y, acc.a_y), (:p, acc.a_p)) AS a(annee, dedans) WHERE a.dedans GROUP BY 1, 2;
-- stage at year end of the people accompanied
SELECT a.annee, coalesce(e.etape, ''), count(*)
  FROM acc CROSS JOIN LATERAL (VALUES (:y, acc.a_y), (:p, acc.a_p)) AS a(annee, dedans)
  LEFT JOIN LATERAL (SELECT c.etape FROM porteurs_changementetape c
                     WHERE c.porteur_id = acc.porteur_id AND c.date <= make_date(a.annee, 12, 31)
                     ORDER BY c.date DESC, c.cree_le DESC, c.id DESC LIMIT 1) e ON true
  WHERE a.dedans GROUP BY 1, 2;
-- companies created
SELECT count(DISTINCT porteur_id) FILTER (WHERE date BETWEEN make_date(:y, 1, 1) AND make_date(:y, 12, 31)),
       count(DISTINCT porteur_id) FILTER (WHERE date BETWEEN make_date(:p, 1, 1) AND make_date(:p, 12, 31))
  FROM porteurs_changementetape WHERE etape = 'entreprise_creee';
-- follow-ups and minutes per kind
SELECT type, extract(year FROM date), count(*), coalesce(sum(duree_minutes), 0) FROM porteurs_suivi
  WHERE date BETWEEN make_date(:p, 1, 1) AND make_date(:y, 12, 31) GROUP BY 1, 2;
-- referrals per partner and per outcome
SELECT pa.nom, extract(year FROM o.date), count(*) FROM porteurs_orientation o
  JOIN porteurs_partenaire pa ON pa.id = o.partenaire_id
  WHERE o.date BETWEEN make_date(:p, 1, 1) AND make_date(:y, 12, 31) GROUP BY 1, 2;
SELECT resultat, extract(year FROM date), count(*) FROM porteurs_orientation
  WHERE date BETWEEN make_date(:p, 1, 1) AND make_date(:y, 12, 31) GROUP BY 1, 2;
-- workshops per theme: held, confirmed, confirmed and present in past workshops
SELECT a.theme, extract(year FROM a.debut AT TIME ZONE 'Europe/Paris'), count(DISTINCT a.id),
       count(i.id) FILTER (WHERE i.statut = 'confirmee'),
       count(i.id) FILTER (WHERE i.statut = 'confirmee' AND a.fin < now()),
       count(i.id) FILTER (WHERE i.statut = 'confirmee' AND a.fin < now() AND i.present)
  FROM ateliers_atelier a LEFT JOIN ateliers_inscription i ON i.atelier_id = a.id
  WHERE a.debut >= make_timestamptz(:p, 1, 1, 0, 0, 0, 'Europe/Paris')
    AND a.debut < make_timestamptz(:y + 1, 1, 1, 0, 0, 0, 'Europe/Paris')
  GROUP BY 1, 2;
