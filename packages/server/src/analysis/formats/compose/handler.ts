import { dirname, resolvePath } from '../../files.js';
import { parseDotenv, type DotenvFile } from '../dotenv/parse.js';
import type { FormatHandler, ParseContext } from '../handler.js';
import type { Lookup } from '../interpolate.js';
import type { SyntaxError } from '../syntax-error.js';
import { fromFile, mergeServices, serviceTags } from './merge.js';
import { serviceMountedConfigs } from './mounts.js';
import { parseCompose } from './parse.js';
import { projectFiles, projectRole } from './project.js';
import type { ComposeFile, ComposeService } from './types.js';

/**
Compose files as Docker Compose reads them: interpolated from the project's `.env`, with `extends:` resolved, the
folder's override files merged onto the base (`compose.override.yaml`, `COMPOSE_FILE` in `.env`) and `include:`d
files loaded as members of the project (`ComposeFile.members`). An `env_file` the read boundary refused is reported
at its entry (rule `io/read-refused`); the model reads env files later, through the same view. Bind mounts that put a
file where a proxy reads its configuration are listed (`mountedConfigs`) for the engine to analyse as that kind.
*/
export const composeHandler: FormatHandler<ComposeFile> = {
	kind: 'compose',
	parse(file, context) {
		const loader = new ProjectLoader(context);
		const data = loader.load(file.path, file.text);
		const errors: SyntaxError[] = [...data.errors];
		const seen = new Set<string>();
		for (const compose of [data, ...(data.members ?? [])]) {
			for (const service of compose.services) {
				for (const envFile of service.envFiles) {
					const where = envFile.file ?? compose.path;
					const problem = context.readProblem?.(envFile.path);
					const key = `${where}\u0000${envFile.span.start}`;
					if (!problem || seen.has(key)) continue;
					seen.add(key);
					const error: SyntaxError = { message: `Not read: ${problem.message}`, span: envFile.span, refused: { path: envFile.path, problem } };
					if (where !== file.path) error.file = where;
					errors.push(error);
				}
			}
		}
		return { data, errors, dependencies: [...loader.read].filter((path) => path !== file.path) };
	},
};

/** Budgets: files of one project (members and `extends:` bases), and `include:`/`extends:` nesting. */
const maxProjectFiles = 64;
const maxDepth = 8;

/** Reads one project through the parse context (every read recorded), parsing each file once. */
class ProjectLoader {
	readonly read = new Set<string>();
	private readonly dotenvs = new Map<string, DotenvFile | undefined>();
	/** Files parsed for `extends:`, by path and project directory. */
	private readonly bases = new Map<string, ComposeFile | undefined>();
	private files = 0;

	constructor(private readonly context: ParseContext) {}

	load(path: string, text: string): ComposeFile {
		const dir = dirname(path);
		const env = this.dotenv(resolvePath(dir, '.env'));
		const lookup = variables(env);
		const role = projectRole(path, projectFiles(dir, env, (candidate) => candidate === path || this.text(candidate) !== undefined));
		const compose = this.parse(path, text, lookup, dir);
		if (role.kind === 'override' && this.text(role.base) !== undefined) compose.overrideOf = role.base;
		if (role.kind === 'unread') compose.unread = true;
		const members: ComposeFile[] = [];
		if (role.kind === 'base') this.mergeOverrides(compose, role.overrides, lookup, dir, members);
		this.loadIncludes(compose, lookup, members, 0);
		if (members.length > 0) compose.members = members;
		if (!compose.overrideOf && !compose.unread) {
			const configs = serviceMountedConfigs([compose, ...members].flatMap((file) => file.services));
			if (configs.length > 0) compose.mountedConfigs = configs;
		}
		return compose;
	}

	private text(path: string): string | undefined {
		this.read.add(path);
		const text = this.context.readText(path);
		return typeof text === 'string' ? text : undefined;
	}

	private dotenv(path: string): DotenvFile | undefined {
		if (!this.dotenvs.has(path)) {
			const text = this.text(path);
			this.dotenvs.set(path, text === undefined ? undefined : parseDotenv(text));
		}
		return this.dotenvs.get(path);
	}

	/** One file, with its `extends:` resolved. */
	private parse(path: string, text: string, lookup: Lookup, dir: string): ComposeFile {
		this.files++;
		const compose = parseCompose(path, text, lookup, dir);
		this.resolveExtends(compose, lookup);
		return compose;
	}

	/** Override files merged onto `base`: services it defines are merged, new ones stay the override's (a member). */
	private mergeOverrides(base: ComposeFile, overrides: readonly string[], lookup: Lookup, dir: string, members: ComposeFile[]): void {
		for (const path of overrides) {
			if (this.files >= maxProjectFiles) return;
			const text = this.text(path);
			if (text === undefined) continue;
			const override = this.parse(path, text, lookup, dir);
			override.overrideOf = base.path;
			(base.overrides ??= []).push(path);
			mergeInto(base, override);
			members.push(override);
		}
	}

	/** `include:`d files: each a project of its own directory and `.env`, the including project's variables first. */
	private loadIncludes(compose: ComposeFile, lookup: Lookup, members: ComposeFile[], depth: number): void {
		const includes = [compose, ...members.filter((member) => member.overrideOf === compose.path)].flatMap((file) => file.includes ?? []);
		if (depth >= maxDepth) return;
		for (const include of includes) {
			const [first, ...rest] = include.paths;
			if (!first || this.files >= maxProjectFiles) continue;
			const text = this.text(first);
			if (text === undefined) continue;
			const dir = include.projectDirectory ?? dirname(first);
			const envFiles = include.envFiles.length > 0 ? include.envFiles : [resolvePath(dir, '.env')];
			const own = envFiles.map((path) => variables(this.dotenv(path)));
			const included: Lookup = (name) => lookup(name) ?? own.reduceRight<string | undefined>((found, next) => found ?? next(name), undefined);
			const member = this.parse(first, text, included, dir);
			member.includedBy = compose.path;
			const nested: ComposeFile[] = [];
			for (const path of rest) {
				const overrideText = this.text(path);
				if (overrideText === undefined || this.files >= maxProjectFiles) continue;
				const override = this.parse(path, overrideText, included, dir);
				override.overrideOf = member.path;
				(member.overrides ??= []).push(path);
				mergeInto(member, override);
				nested.push(override);
			}
			members.push(member, ...nested);
			this.loadIncludes(member, included, members, depth + 1);
		}
	}

	/** Every service's `extends:`, same file or another (whose relative paths stay relative to it). */
	private resolveExtends(compose: ComposeFile, lookup: Lookup): void {
		if (!compose.services.some((service) => service.extends)) return;
		const written = new Map(compose.services.map((service) => [service.name, service]));
		const resolved = new Map<string, ComposeService>();
		const resolve = (service: ComposeService, chain: string[]): ComposeService => {
			const key = service.name;
			const known = resolved.get(service.name);
			if (known) return known;
			const target = service.extends;
			if (!target || chain.includes(key) || chain.length >= maxDepth) return service;
			let base: ComposeService | undefined;
			let baseFile = compose;
			if (!target.file || target.file === compose.path) {
				const found = written.get(target.service);
				if (found && found !== service) base = resolve(found, [...chain, key]);
			} else {
				// That file's own `extends:` are resolved already (`base`).
				const other = this.base(target.file, lookup);
				const found = other?.services.find((candidate) => candidate.name === target.service);
				if (other && found) {
					baseFile = other;
					base = found;
				}
			}
			if (!base) return service;
			const fromOther = baseFile.path !== compose.path;
			const merged = mergeServices(fromOther ? fromFile(base, baseFile.path) : base, service, serviceTags(compose, service.name), true);
			merged.mergedFrom = [...new Set([...(base.mergedFrom ?? []), baseFile.path, ...(service.mergedFrom ?? [])])].filter((path) => path !== compose.path);
			if (merged.mergedFrom.length === 0) delete merged.mergedFrom;
			if (fromOther && !(compose.extendsFiles ??= []).includes(baseFile.path)) compose.extendsFiles.push(baseFile.path);
			resolved.set(service.name, merged);
			return merged;
		};
		compose.services = compose.services.map((service) => resolve(service, []));
	}

	/** A file `extends: { file: … }` names, parsed in its own directory. */
	private base(path: string, lookup: Lookup): ComposeFile | undefined {
		if (this.bases.has(path)) return this.bases.get(path);
		this.bases.set(path, undefined);
		const text = this.files < maxProjectFiles ? this.text(path) : undefined;
		if (text === undefined) return undefined;
		this.files++;
		const compose = parseCompose(path, text, lookup, dirname(path));
		this.resolveExtends(compose, lookup);
		this.bases.set(path, compose);
		return compose;
	}
}

/** `override`'s services merged onto `base`'s of the same name; the others stay `override`'s own. */
function mergeInto(base: ComposeFile, override: ComposeFile): void {
	const own: ComposeService[] = [];
	for (const service of override.services) {
		const at = base.services.findIndex((candidate) => candidate.name === service.name);
		if (at < 0) {
			own.push(service);
			continue;
		}
		const merged = mergeServices(base.services[at]!, fromFile(service, override.path), serviceTags(override, service.name));
		merged.mergedFrom = [...new Set([...(merged.mergedFrom ?? []), override.path])];
		base.services[at] = merged;
	}
	override.services = own;
}

/** Compose's variables from a `.env` (what the shell sets is unknown here). */
function variables(env: DotenvFile | undefined): Lookup {
	return (name) => {
		const entry = env?.values.get(name);
		return entry && !entry.fromShell ? entry.value : undefined;
	};
}
