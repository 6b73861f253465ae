-- An org mirror used to be deleted (cascading to its bots, sources, conversations, usage and
-- audit log) whenever a chain error mentioned "not found": a wrong BILLING_CONTRACT or a node
-- behind a proxy wiped every org. Now an org the billing contract says does not exist is only
-- marked gone (hidden, kept until an operator purges it), and each row names the contract it
-- mirrors, so that org #k of another contract never inherits this row's data.
ALTER TABLE "Org" ADD COLUMN "billingContract" TEXT;
ALTER TABLE "Org" ADD COLUMN "goneAt" TIMESTAMP(3);
