-- Every refresh token a session has rotated away from is remembered (its SHA-256 only), so
-- presenting any of them, not only the one just before the current token, revokes the session.
CREATE TABLE "RetiredRefreshToken" (
    "hash" TEXT NOT NULL,
    "sessionId" UUID NOT NULL,
    "retiredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RetiredRefreshToken_pkey" PRIMARY KEY ("hash")
);

CREATE INDEX "RetiredRefreshToken_sessionId_idx" ON "RetiredRefreshToken"("sessionId");

ALTER TABLE "RetiredRefreshToken" ADD CONSTRAINT "RetiredRefreshToken_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "RetiredRefreshToken" ("hash", "sessionId", "retiredAt")
SELECT "previousRefreshHash", "id", "lastUsedAt" FROM "Session" WHERE "previousRefreshHash" IS NOT NULL;

DROP INDEX "Session_previousRefreshHash_key";
ALTER TABLE "Session" DROP COLUMN "previousRefreshHash";
