/**
The one gate every route finding passes (issue: one verdict for every proxy). A route outcome is **live** only where
all three hold:
1. external auth is live on the pinned Navidrome version (spec navidrome-extauth.md §1.2: older images ignore the
   option names);
2. Navidrome trusts the proxy's peer, or that is assumed and stated (§2);
3. the requests include a path where Navidrome honours the header: BaseURL + `/app/`, `/share/{id}`, `/api/*`,
   `/rest/*` (§5; `/rest/*` only since 0.52.0).

What fails only because of the version or the trust list is **latent**: it becomes exploitable on an upgrade or a
trust change, and is reported at information severity with `latent` set, never as a live error. What can never reach
an honoured path is **moot** and not reported.
*/
import { classifyPath, formatVersion } from '@navidrome-extauth/core';
import type { NavidromeInstance } from './instance.js';
import type { ProxyRoute } from './route.js';

export type Latency = 'version' | 'trust';

export type GateVerdict =
	| { state: 'live'; /** Witness paths that honour the header today (empty: the model named none). */ paths: string[] }
	| {
			state: 'latent';
			why: Latency;
			/** Why it is not live today, as a sentence ending with a period. */
			today: string;
			/** Witness paths that would honour the header after the upgrade or trust change. */
			paths: string[];
	  }
	| { state: 'moot'; reason: string };

/** Judges a route (or one outcome's narrower `witnesses`) through the gate. */
export function judgeRoute(route: Pick<ProxyRoute, 'target' | 'peer' | 'witnesses'>, witnesses: readonly string[] = route.witnesses): GateVerdict {
	const instance = route.target;
	if (!instance) return { state: 'moot', reason: 'the route reaches no Navidrome' };
	if (!instance.intended.settings.extAuthEnabled) return { state: 'moot', reason: 'external auth is not configured' };
	const newest = honouredPaths(instance, witnesses, false);
	if (witnesses.length > 0 && newest.length === 0) return { state: 'moot', reason: 'Navidrome never reads the header on these paths' };
	if (route.peer.trusted === 'no') {
		const address = route.peer.address ? ` (${route.peer.address})` : '';
		return { state: 'latent', why: 'trust', today: `Navidrome does not trust this proxy's address${address} today (ExtAuth.TrustedSources), so it ignores the header.`, paths: newest };
	}
	const version = instance.version ? formatVersion(instance.version) : 'the pinned release';
	if (!instance.settings.settings.extAuthEnabled) {
		return { state: 'latent', why: 'version', today: `Navidrome ${version} ignores the external-auth options today.`, paths: newest };
	}
	const today = honouredPaths(instance, witnesses, true);
	if (witnesses.length > 0 && today.length === 0) {
		return { state: 'latent', why: 'version', today: `Navidrome ${version} does not read the header on ${listPaths(newest)} today.`, paths: newest };
	}
	return { state: 'live', paths: today };
}

/** The witnesses (full request paths, BaseURL included) on which Navidrome reads the header. */
export function honouredPaths(instance: NavidromeInstance, witnesses: readonly string[], pinned: boolean): string[] {
	const base = instance.intended.settings.baseUrl.value.replace(/\/+$/, '');
	const version = pinned ? instance.version : undefined;
	return witnesses.filter((path) => {
		if (base && path !== base && !path.startsWith(`${base}/`)) return false;
		return classifyPath(path.slice(base.length) || '/', version).honoursHeader;
	});
}

/** `/rest/ping, /share/abc` (at most four). */
export function listPaths(paths: readonly string[]): string {
	const shown = [...new Set(paths)].slice(0, 4);
	return shown.length === 0 ? 'these paths' : `${shown.join(', ')}${paths.length > shown.length ? ', …' : ''}`;
}
