-- Consent is a record of what the visitor agreed to: the exact text, its version, the time.
ALTER TABLE "Lead" ADD COLUMN "consentText" TEXT;
ALTER TABLE "Lead" ADD COLUMN "consentVersion" TEXT;
