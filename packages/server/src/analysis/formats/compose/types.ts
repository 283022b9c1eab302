import type { Document } from 'yaml';
import type { Span } from '../../text.js';
import type { SyntaxError } from '../syntax-error.js';
import type { ScalarText } from '../yaml-nodes.js';
import type { KeyValueEntry as WrittenEntry } from '../interpolate.js';
import type { FileKind } from '../../files.js';

/**
Where a merged element is written, when not in the service's own compose file: an override file
(`compose.override.yaml`, `COMPOSE_FILE`) or the file an `extends:` names. Its spans are in that file.
*/
export type Origin = { file?: string };

/** An `environment` or `labels` entry (`formats/interpolate.ts`), with the file it is written in when merged. */
export type KeyValueEntry = WrittenEntry & Origin;

export type PortMapping = Origin & {
	span: Span;
	raw: string;
	hostIp: string | undefined;
	/** Host port or range as written; `undefined` means Docker picks an ephemeral host port. */
	published: string | undefined;
	/** Container port or range. */
	target: string;
	protocol: string;
};

export type VolumeMount = Origin & {
	span: Span;
	type: 'bind' | 'volume' | 'tmpfs' | 'other';
	/** Absolute host path for binds (resolved against the compose file's folder). */
	source: string;
	target: string;
};

export type ServiceNetwork = Origin & {
	name: string;
	span: Span;
	ipv4Address: ScalarText | undefined;
	ipv6Address: ScalarText | undefined;
};

export type ComposeService = {
	name: string;
	nameSpan: Span;
	span: Span;
	image: (ScalarText & Origin & { repository: string; tag: string | undefined }) | undefined;
	containerName: string | undefined;
	ports: PortMapping[];
	/** The `ports:` key, for fixes that remove the whole list. */
	portsSpan: Span | undefined;
	expose: Array<Origin & { value: string; span: Span }>;
	networkMode: (ScalarText & Origin) | undefined;
	envFiles: Array<Origin & { path: string; span: Span; required: boolean }>;
	volumes: VolumeMount[];
	environment: KeyValueEntry[];
	/** Span of the `environment:` value node, for fixes that add entries. */
	environmentSpan: Span | undefined;
	labels: KeyValueEntry[];
	labelsSpan: Span | undefined;
	/** `undefined` when the service does not list networks (it joins `default`). */
	networks: ServiceNetwork[] | undefined;
	command: Array<Origin & { value: string; span: Span }>;
	dependsOn: string[];
	/** `extends:` as written: the service to start from, in `file` (absolute) or this file. */
	extends?: { service: string; file: string | undefined; span: Span };
	/** Other files this service's merged definition reads (`extends:` bases, override files), in merge order. */
	mergedFrom?: string[];
};

/** One `include:` entry (short or long syntax), paths absolute. */
export type ComposeInclude = { paths: string[]; projectDirectory: string | undefined; envFiles: string[]; span: Span };

export type ComposeNetwork = {
	name: string;
	nameSpan: Span;
	subnets: ScalarText[];
	gateways: ScalarText[];
	external: boolean;
	driver: string | undefined;
};

export type ComposeFile = {
	path: string;
	document: Document.Parsed;
	services: ComposeService[];
	networks: ComposeNetwork[];
	errors: SyntaxError[];
	/** Problems of variable interpolation (unset/required variables), with spans in this file. */
	interpolationProblems: Array<{ message: string; span: Span; kind: 'unset' | 'required' | 'syntax'; name: string }>;
	/** `include:` entries as written. */
	includes?: ComposeInclude[];
	/** Files merged onto this one, in order (`compose.override.yaml`, the rest of `COMPOSE_FILE`); `services` are merged. */
	overrides?: string[];
	/** This file is merged onto `overrideOf` (its base); its `services` are fragments, not services of their own. */
	overrideOf?: string;
	/**
	The other compose files of this project, parsed from this one: override files (the services the base does not
	define; the others are merged into `services`) and `include:`d files (each in its own project directory), recursively.
	*/
	members?: ComposeFile[];
	/** An override file the folder's project leaves out (`COMPOSE_FILE` does not list it): Compose never reads it. */
	unread?: boolean;
	/** The compose file whose `include:` loaded this one; both are one Compose project. */
	includedBy?: string;
	/** Files whose services `extends: { file: … }` reads (bases, not services of the project). */
	extendsFiles?: string[];
	/** Host files that bind mounts put where a proxy reads its configuration (`mounts.ts`), for the engine to analyse. */
	mountedConfigs?: MountedConfig[];
};

/**
A host path (or a glob of host paths, for a mounted folder) that a bind mount puts where a proxy reads its
configuration, with the kind the mount target implies (`./site.conf:/etc/caddy/Caddyfile` is a Caddyfile).
*/
export type MountedConfig = { path: string; kind: FileKind; glob: boolean; service: string };
