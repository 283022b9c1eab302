import type { Document } from 'yaml';
import type { Span } from '../../text.js';
import type { SyntaxError } from '../syntax-error.js';
import type { ScalarText } from '../yaml-nodes.js';
import type { KeyValueEntry } from '../interpolate.js';

export type { KeyValueEntry } from '../interpolate.js';

export type PortMapping = {
	span: Span;
	raw: string;
	hostIp: string | undefined;
	/** Host port or range as written; `undefined` means Docker picks an ephemeral host port. */
	published: string | undefined;
	/** Container port or range. */
	target: string;
	protocol: string;
};

export type VolumeMount = {
	span: Span;
	type: 'bind' | 'volume' | 'tmpfs' | 'other';
	/** Absolute host path for binds (resolved against the compose file's folder). */
	source: string;
	target: string;
};

export type ServiceNetwork = {
	name: string;
	span: Span;
	ipv4Address: ScalarText | undefined;
	ipv6Address: ScalarText | undefined;
};

export type ComposeService = {
	name: string;
	nameSpan: Span;
	span: Span;
	image: (ScalarText & { repository: string; tag: string | undefined }) | undefined;
	containerName: string | undefined;
	ports: PortMapping[];
	/** The `ports:` key, for fixes that remove the whole list. */
	portsSpan: Span | undefined;
	expose: Array<{ value: string; span: Span }>;
	networkMode: ScalarText | undefined;
	envFiles: Array<{ path: string; span: Span; required: boolean }>;
	volumes: VolumeMount[];
	environment: KeyValueEntry[];
	/** Span of the `environment:` value node, for fixes that add entries. */
	environmentSpan: Span | undefined;
	labels: KeyValueEntry[];
	labelsSpan: Span | undefined;
	/** `undefined` when the service does not list networks (it joins `default`). */
	networks: ServiceNetwork[] | undefined;
	command: Array<{ value: string; span: Span }>;
	dependsOn: string[];
};

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
};
