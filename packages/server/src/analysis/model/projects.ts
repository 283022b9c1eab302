/**
The compose files of a deployment as Compose projects: each file once, in the copy its project read (an `include:`d
file with its own project directory and `.env`, an override file's services that the base does not define), and the
files that hold no services of their own as fragments (`services: []`): an override file whose services were merged
onto its base or that `COMPOSE_FILE` leaves out, a file only `extends:` reads. A base not in view that an override in view names is read too.
*/
import { composeHandler } from '../formats/compose/handler.js';
import type { ComposeFile } from '../formats/compose/types.js';
import type { ParseContext } from '../formats/handler.js';

export function composeProjects(parsed: readonly ComposeFile[], context: ParseContext): ComposeFile[] {
	const inView = new Set(parsed.map((compose) => compose.path));
	const roots: ComposeFile[] = [];
	const extraBases = new Set<string>();
	for (const compose of parsed) {
		if (compose.unread) continue;
		if (!compose.overrideOf) roots.push(compose);
		else if (!inView.has(compose.overrideOf) && !extraBases.has(compose.overrideOf)) {
			extraBases.add(compose.overrideOf);
			const base = readBase(compose.overrideOf, context);
			if (base) roots.push(base);
		}
	}
	const owners = new Map<string, ComposeFile>();
	for (const root of roots) for (const member of root.members ?? []) if (!owners.has(member.path) && member.path !== root.path) owners.set(member.path, root);
	const extended = new Set(roots.flatMap((root) => [root, ...(root.members ?? [])]).flatMap((compose) => compose.extendsFiles ?? []));
	const emitted = new Set<string>();
	const projects: ComposeFile[] = [];
	const emit = (compose: ComposeFile, member: boolean): void => {
		if (emitted.has(compose.path)) return;
		emitted.add(compose.path);
		// A file only `extends:` reads is a base of services, not a project of its own.
		projects.push(!member && extended.has(compose.path) ? fragment(compose) : compose);
	};
	for (const root of roots) {
		const owner = owners.get(root.path);
		for (const project of owner && owner !== root ? [owner, root] : [root]) {
			if (emitted.has(project.path)) continue;
			emit(project, false);
			for (const member of project.members ?? []) emit(member, true);
		}
	}
	// Override files whose services were merged, or that Compose does not read: kept for their own problems
	// (interpolation), with no services.
	for (const compose of parsed) if ((compose.overrideOf || compose.unread) && !emitted.has(compose.path)) emit(fragment(compose), true);
	return projects;
}

function fragment(compose: ComposeFile): ComposeFile {
	return { ...compose, services: [], networks: [], members: undefined, mountedConfigs: undefined };
}

function readBase(path: string, context: ParseContext): ComposeFile | undefined {
	const text = context.readText(path);
	if (text === undefined) return undefined;
	try {
		return composeHandler.parse({ path, text, kind: 'compose' }, context).data;
	} catch {
		return undefined;
	}
}
