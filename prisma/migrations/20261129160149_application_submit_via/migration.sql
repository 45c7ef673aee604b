-- Art. 11: a cross-prefecture unit chooses to apply directly to the province
-- or through one of its prefectures; the row records the path taken:
-- `province`, or the code of the prefecture that pre-reviews, notices and
-- recommends it.
-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "submitVia" TEXT;

-- Rows submitted before the choice existed took the only path there was:
-- a cross-prefecture unit directly to the province, any other unit through
-- its prefecture.
UPDATE "Application"
SET "submitVia" = CASE WHEN cardinality("prefectures") >= 2 THEN 'province' ELSE "prefectures"[1] END
WHERE "submitVia" IS NULL;
