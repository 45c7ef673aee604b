-- An expert is registered in a region (the province, a prefecture or a
-- county, GB/T 2260), no longer only a prefecture: the column keeps its
-- values (every prefecture code is a region code) under its new name.
ALTER TABLE "Expert" RENAME COLUMN "prefecture" TO "region";
