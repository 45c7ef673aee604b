-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Base" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0;
