/*
  Warnings:

  - A unique constraint covering the columns `[baseId,year,version]` on the table `BaseSummary` will be added. If there are existing duplicate values, this will fail.

*/
-- DropIndex
DROP INDEX "BaseSummary_baseId_year_key";

-- AlterTable
ALTER TABLE "BaseSummary" ADD COLUMN     "submissionId" TEXT,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateIndex
CREATE UNIQUE INDEX "BaseSummary_baseId_year_version_key" ON "BaseSummary"("baseId", "year", "version");
