-- CreateTable
CREATE TABLE "WorkflowHistory" (
    "runId" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "workflowType" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3) NOT NULL,
    "eventCount" INTEGER NOT NULL,
    "history" JSONB NOT NULL,
    "archivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkflowHistory_pkey" PRIMARY KEY ("runId")
);

-- CreateIndex
CREATE INDEX "WorkflowHistory_workflowId_idx" ON "WorkflowHistory"("workflowId");

-- CreateIndex
CREATE INDEX "WorkflowHistory_closedAt_idx" ON "WorkflowHistory"("closedAt");
