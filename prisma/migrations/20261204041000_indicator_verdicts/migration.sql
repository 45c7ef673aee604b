-- Hand-written: the verdicts of each stored evaluation as one short text, a
-- character per catalogue indicator 1-20 (M met, N not met, - no data;
-- domain/ls-index/verdict-line.ts), filled in for the rows already recorded
-- from their stored evaluation, so the dashboard's heat table counts them
-- without unpacking the JSON.

-- AlterTable
ALTER TABLE "BaseIndicatorData" ADD COLUMN     "verdicts" TEXT;

UPDATE "BaseIndicatorData" d SET "verdicts" = (
  SELECT string_agg(COALESCE((
    SELECT CASE i->>'result' WHEN 'met' THEN 'M' WHEN 'notMet' THEN 'N' ELSE '-' END
    FROM jsonb_array_elements(d."evaluation"->'indicators') i
    WHERE i->>'id' = n::text AND (i->>'custom') IS DISTINCT FROM 'true'
    LIMIT 1), '-'), '' ORDER BY n)
  FROM generate_series(1, 20) n)
WHERE jsonb_typeof(d."evaluation"->'indicators') = 'array';
