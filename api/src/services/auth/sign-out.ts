import type { Database } from '../../db/prisma.js';

/** Ends the current session, or every session of the address ("sign out everywhere"). */
export async function signOut(options: {
  db: Database;
  sessionId: string;
  address: string;
  everywhere: boolean;
  now: Date;
}): Promise<{ signedOut: number }> {
  const where = options.everywhere ? { address: options.address } : { id: options.sessionId };
  const { count } = await options.db.session.updateMany({
    where: { ...where, revokedAt: null },
    data: { revokedAt: options.now },
  });
  return { signedOut: count };
}
