-- Hand-written: the office mailboxes become the office directory. Each
-- office is keyed by its administrative division code (the province's
-- mailbox row had none: it becomes 520000), and the addresses ops already
-- corrected are kept (the tool's rendering would have dropped the table).

-- CreateTable
CREATE TABLE "Office" (
    "region" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "contactPhone" TEXT,
    "contactAddress" TEXT,
    "contactEmail" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT,

    CONSTRAINT "Office_pkey" PRIMARY KEY ("region")
);

-- Keep what was recorded: one office per region (the first row by id
-- where a region had two).
INSERT INTO "Office" ("region", "name", "email", "updatedBy")
SELECT DISTINCT ON (COALESCE("prefecture", '520000')) COALESCE("prefecture", '520000'), "name", "email", 'migration'
FROM "Mailbox"
ORDER BY COALESCE("prefecture", '520000'), "id";

-- DropTable
DROP TABLE "Mailbox";
