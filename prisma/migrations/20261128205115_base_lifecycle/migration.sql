-- CreateTable
CREATE TABLE "Base" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "unitName" TEXT NOT NULL,
    "unitType" TEXT NOT NULL,
    "prefectures" TEXT[],
    "applicantSub" TEXT NOT NULL,
    "contactEmail" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "namedOn" TEXT NOT NULL,
    "termStartsOn" TEXT NOT NULL,
    "termEndsOn" TEXT NOT NULL,
    "termNo" INTEGER NOT NULL DEFAULT 1,
    "endReason" TEXT,
    "nationalRecommended" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Base_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BaseSummary" (
    "id" TEXT NOT NULL,
    "baseId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "fileId" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "late" BOOLEAN NOT NULL,
    "submittedBy" TEXT NOT NULL,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BaseSummary_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BaseIndicatorData" (
    "id" TEXT NOT NULL,
    "baseId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "values" JSONB NOT NULL,
    "evaluation" JSONB NOT NULL,
    "submittedBy" TEXT NOT NULL,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BaseIndicatorData_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Base_workflowId_key" ON "Base"("workflowId");

-- CreateIndex
CREATE INDEX "Base_status_idx" ON "Base"("status");

-- CreateIndex
CREATE UNIQUE INDEX "BaseSummary_baseId_year_key" ON "BaseSummary"("baseId", "year");

-- CreateIndex
CREATE UNIQUE INDEX "BaseIndicatorData_baseId_year_key" ON "BaseIndicatorData"("baseId", "year");

-- AddForeignKey
ALTER TABLE "BaseSummary" ADD CONSTRAINT "BaseSummary_baseId_fkey" FOREIGN KEY ("baseId") REFERENCES "Base"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BaseIndicatorData" ADD CONSTRAINT "BaseIndicatorData_baseId_fkey" FOREIGN KEY ("baseId") REFERENCES "Base"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
