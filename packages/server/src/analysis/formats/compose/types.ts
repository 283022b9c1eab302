import type { Document } from 'yaml';
import type { Span } from '../../text.js';
import type { SyntaxError } from '../syntax-error.js';
import type { ScalarText } from '../yaml-nodes.js';
import type { Interpolated } from './interpolate.js';

/** One `environment` or `labels` item, in either map or list form. */
export type KeyValueEntry = {
	key: string;
	keySpan: Span;
	/** Interpolated value; `undefined` for a list item without `=` (taken from the shell). */
	value: string | undefined;
	/** The raw value text's content span (for map form: the scalar; for list form: after `=`). */
	valueSpan: Span;
	/** Whether `value` equals the source text at `valueSpan` (no quoting escapes, no interpolation). */
	verbatim: boolean;
	/** Whether the text before interpolation equals the source at `valueSpan` (no quoting escapes). */
	rawVerbatim: boolean;
	interpolation: Interpolated | undefined;
	/** The whole item (pair or sequence entry), for removal fixes. */
	entrySpan: Span;
	form: 'map' | 'list';
};

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
