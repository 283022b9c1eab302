/**
What the extension knows about a rule without asking the server. The table itself is generated from the server's
rule list (`src/generated/rules.ts`).
*/
export type Category = 'impersonation' | 'broken' | 'exposure' | 'ignored-setting' | 'deprecated' | 'syntax' | 'hardening';

export type RuleInfo = {
	id: string;
	category: Category;
	severity: 'error' | 'warning' | 'information' | 'hint';
	summary: string;
};
