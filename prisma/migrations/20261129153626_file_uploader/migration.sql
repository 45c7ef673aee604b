-- AlterTable
ALTER TABLE "File" ADD COLUMN     "uploaderPrefecture" TEXT,
ADD COLUMN     "uploaderRole" TEXT;
