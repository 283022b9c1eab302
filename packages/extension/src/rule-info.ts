/**
What the extension knows about a rule without asking the server. The table itself is generated from the server's
rule list (`src/generated/rules.ts`); the shapes are the server's (`@navidrome-extauth/server/shared`).
*/
export type { RuleCategory as Category, RuleInfo } from '@navidrome-extauth/server/shared';
