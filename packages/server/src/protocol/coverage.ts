/** The `navidrome-extauth/coverage` notification (shared/coverage.ts): each analysed folder's coverage, paths as URIs. */
import type { FolderAnalysis } from '../host/backend.js';
import type { CoverageParams, FolderCoverage } from '../shared/coverage.js';
import type { ServerState } from './state.js';

export function folderCoverage(state: ServerState, root: string, coverage: FolderAnalysis['coverage']): FolderCoverage {
	const uri = (path: string): string => state.uriOf(path);
	return {
		uri: uri(root),
		judged: { ...coverage.judged },
		navidromes: coverage.navidromes,
		routes: coverage.routes,
		navidromeAssumed: coverage.navidromeAssumed,
		assumed: coverage.assumed.map((item) => (item.file ? { uri: uri(item.file), message: item.message } : { message: item.message })),
		skipped: coverage.skipped.map((file) => ({ uri: uri(file.path), reason: file.reason, what: file.what })),
		unseen: coverage.unseen.map((proxy) => ({ uri: uri(proxy.file), service: proxy.service, image: proxy.image, message: proxy.message })),
		notes: [...coverage.notes],
	};
}

/** Every analysed folder's coverage, in folder order; `undefined` when the client did not ask or it did not change. */
export function coverageUpdate(state: ServerState): CoverageParams | undefined {
	if (!state.coverageNotifications) return undefined;
	const folders = [...state.folders.values()].filter((folder) => folder.analysis).sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
	const params: CoverageParams = { folders: folders.map((folder) => folderCoverage(state, folder.root, folder.analysis!.coverage)) };
	const json = JSON.stringify(params);
	if (json === state.sentCoverage) return undefined;
	state.sentCoverage = json;
	return params;
}
