/**
 * DEV-ONLY accounts. These are LocalSecret's published genesis mnemonics (accounts a, b, c, d):
 * everyone knows them, so they hold value only on the devnet and on a local LocalSecret.
 * Never fund them on a public network. Derived with Secret's HD path m/44'/529'/0'/0/0.
 */
export interface DevAccount {
  /** what the account does on the devnet */
  role: 'operator' | 'relayer' | 'alice' | 'bob';
  address: string;
  mnemonic: string;
}

export const DEV_ONLY_ACCOUNTS: readonly DevAccount[] = [
  {
    role: 'operator',
    address: 'secret1ap26qrlp8mcq2pg6r47w43l0y8zkqm8a450s03',
    mnemonic:
      'grant rice replace explain federal release fix clever romance raise often wild taxi quarter soccer fiber love must tape steak together observe swap guitar',
  },
  {
    role: 'relayer',
    address: 'secret1fc3fzy78ttp0lwuujw7e52rhspxn8uj52zfyne',
    mnemonic:
      'jelly shadow frog dirt dragon use armed praise universe win jungle close inmate rain oil canvas beauty pioneer chef soccer icon dizzy thunder meadow',
  },
  {
    role: 'alice',
    address: 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq',
    mnemonic:
      'chair love bleak wonder skirt permit say assist aunt credit roast size obtain minute throw sand usual age smart exact enough room shadow charge',
  },
  {
    role: 'bob',
    address: 'secret1ldjxljw7v4vk6zhyduywh04hpj0jdwxsmrlatf',
    mnemonic:
      'word twist toast cloth movie predict advance crumble escape whale sail such angry muffin balcony keen move employ cook valve hurt glimpse breeze brick',
  },
];

export function devOnlyAccount(role: DevAccount['role']): DevAccount {
  const account = DEV_ONLY_ACCOUNTS.find((candidate) => candidate.role === role);
  if (!account) throw new Error(`no dev account with role ${role}`);
  return account;
}
