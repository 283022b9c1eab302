/** A Navidrome instance of the deployment: where its settings come from and what they resolve to. */
import type { ResolvedSettings, TrustedSourcesMatcher, Version } from '@navidrome-extauth/core';
import type { Location } from '../findings.js';
import type { ComposeFile, ComposeService, PortMapping } from '../formats/compose/types.js';
import type { ValueSite } from './value-site.js';

export type NavidromeInstance = {
	/** Compose service name, or the path of the file a native instance comes from (navidrome.toml, `.env`, unit, script). */
	id: string;
	/**
	Where a Navidrome that runs outside Compose is configured: a standalone `.env`, a systemd unit (with its drop-ins
	and `EnvironmentFile=` files) or a shell script; `file` is the one that stands for the instance, `files` every one read,
	`unread` the files it names that are not in view (then external auth is assumed on unless TrustedSources is in view).
	*/
	origin?: { kind: 'dotenv' | 'systemd' | 'shell'; file: string; files: string[]; unread?: string[] };
	service: ComposeService | undefined;
	compose: ComposeFile | undefined;
	/** navidrome.toml linked through a bind mount (or the standalone file). */
	tomlFile: string | undefined;
	tomlText: string | undefined;
	/** Effective settings for this instance's (known or assumed) version. */
	settings: ResolvedSettings;
	/**
	What the configuration asks for, resolved as the newest release would. Trust and exposure rules judge this, so a
	dangerous value is reported even while an old image silently ignores it (it becomes live on upgrade).
	*/
	intended: ResolvedSettings;
	/** Where each input (env var name in upper case, or TOML key as resolved by core) is written. */
	sites: Map<string, ValueSite>;
	/** Environment variables that reached the container and their sites, for hovers. */
	env: Map<string, { value: string; site: ValueSite }>;
	version: Version | undefined;
	/** How the version was learnt; `assumed` means the newest release. */
	versionSource: 'image' | 'option' | 'assumed';
	/** The image tag's location, for findings about the version. */
	imageLocation: Location | undefined;
	/** Port Navidrome listens on inside the container. */
	port: number;
	/** Published ports that reach Navidrome's port. */
	publishedPorts: PortMapping[];
	hostNetwork: boolean;
	/** Compose networks the service joins (`default` when none is listed). */
	networks: string[];
	/** The intended TrustedSources, compiled against the intended Address. */
	trust: TrustedSourcesMatcher;
	/**
	Set when TrustedSources is a template placeholder (`{{ proxy_cidr }}`): its entries are unknown, so no rule judges
	them and the proxy is taken to be trusted (stated as an assumption).
	*/
	trustTemplated?: boolean;
	/**
	Set when no Navidrome configuration is in view and a proxy route is judged anyway: what was assumed, in words
	findings repeat. Such an instance has no file of its own; it reaches any upstream that looks like Navidrome.
	*/
	assumed?: string;
};
