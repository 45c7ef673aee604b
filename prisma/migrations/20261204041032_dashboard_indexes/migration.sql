-- CreateIndex
CREATE INDEX "Application_prefectures_idx" ON "Application" USING GIN ("prefectures");

-- CreateIndex
CREATE INDEX "Base_prefectures_idx" ON "Base" USING GIN ("prefectures");

-- CreateIndex
CREATE INDEX "Task_status_dueAt_idx" ON "Task"("status", "dueAt");
