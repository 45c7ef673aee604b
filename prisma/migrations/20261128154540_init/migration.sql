-- CreateTable
CREATE TABLE "Application" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "unitName" TEXT NOT NULL,
    "unitType" TEXT NOT NULL,
    "prefectures" TEXT[],
    "terrain" TEXT,
    "applicantName" TEXT NOT NULL,
    "applicantSub" TEXT NOT NULL,
    "contactEmail" TEXT NOT NULL,
    "materials" JSONB NOT NULL,
    "stage" TEXT NOT NULL,
    "endReason" TEXT,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "applicationId" TEXT,
    "step" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "prefecture" TEXT,
    "assigneeSub" TEXT,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "escalationLevel" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMPTZ(3),
    "closedBy" TEXT,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Decision" (
    "seq" BIGSERIAL NOT NULL,
    "decisionId" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "applicationId" TEXT,
    "workflowId" TEXT,
    "action" TEXT NOT NULL,
    "actorSub" TEXT NOT NULL,
    "actorRole" TEXT NOT NULL,
    "actorPrefecture" TEXT,
    "reason" TEXT,
    "payload" JSONB NOT NULL,
    "outcome" TEXT NOT NULL,
    "refusal" TEXT,
    "resultStage" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "Decision_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "to" TEXT[],
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "messageId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "File" (
    "id" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "contentType" TEXT NOT NULL,
    "originalName" TEXT NOT NULL,
    "storagePath" TEXT NOT NULL,
    "uploadedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "File_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarYear" (
    "year" INTEGER NOT NULL,
    "holidays" TEXT[],
    "workdays" TEXT[],
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CalendarYear_pkey" PRIMARY KEY ("year")
);

-- CreateTable
CREATE TABLE "Mailbox" (
    "id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "prefecture" TEXT,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,

    CONSTRAINT "Mailbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Application_workflowId_key" ON "Application"("workflowId");

-- CreateIndex
CREATE INDEX "Application_stage_idx" ON "Application"("stage");

-- CreateIndex
CREATE INDEX "Application_year_idx" ON "Application"("year");

-- CreateIndex
CREATE INDEX "Task_status_role_prefecture_idx" ON "Task"("status", "role", "prefecture");

-- CreateIndex
CREATE INDEX "Task_subjectType_subjectId_idx" ON "Task"("subjectType", "subjectId");

-- CreateIndex
CREATE UNIQUE INDEX "Decision_hash_key" ON "Decision"("hash");

-- CreateIndex
CREATE INDEX "Decision_subjectType_subjectId_idx" ON "Decision"("subjectType", "subjectId");

-- CreateIndex
CREATE UNIQUE INDEX "Decision_decisionId_outcome_key" ON "Decision"("decisionId", "outcome");

-- CreateIndex
CREATE INDEX "Notification_status_idx" ON "Notification"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_subjectId_key_key" ON "Notification"("subjectId", "key");

-- CreateIndex
CREATE INDEX "File_sha256_idx" ON "File"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "Mailbox_role_prefecture_key" ON "Mailbox"("role", "prefecture");

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE SET NULL ON UPDATE CASCADE;
