-- CreateTable
CREATE TABLE "RefusedRead" (
    "id" BIGSERIAL NOT NULL,
    "actorSub" TEXT NOT NULL,
    "actorRole" TEXT NOT NULL,
    "actorPrefecture" TEXT,
    "route" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "lastSubject" TEXT,
    "firstAt" TIMESTAMPTZ(3) NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RefusedRead_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RefusedRead_windowStart_idx" ON "RefusedRead"("windowStart");

-- CreateIndex
CREATE UNIQUE INDEX "RefusedRead_actorSub_actorRole_route_status_windowStart_key" ON "RefusedRead"("actorSub", "actorRole", "route", "status", "windowStart");
