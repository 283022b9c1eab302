/**
Hover, a few lines each: a setting (what it does here, its effective value and origin, never a secret's value), what
a TrustedSources entry covers or why Navidrome ignores it (and who owns a single address), what a Navidrome image tag
reads, Traefik middleware labels, Caddy's `copy_headers`, `request_header` and named matchers, what a proxy route does
to the user header, and the rule of a finding. Each ends with a "More…" link to the setting's, rule's or directive's page.
*/
import type { NavidromeInstance } from '../analysis/model/deployment.js';
import type { Span } from '../analysis/text.js';
import { findSetting, formatVersion, type TrustedSourceEntry } from '@navidrome-extauth/core';
import { siteOf } from '../analysis/model/navidrome.js';
import { findRule } from '../analysis/rules/index.js';
import { contains } from './text-context.js';
import { clamped, settingAt, trustedEntryAt, type FeatureContext } from './context.js';
import { ownersOf } from './addresses.js';
import { code, describeLocation, effectiveValueMarkdown, entryMarkdown, routeMarkdown, ruleHoverMarkdown, settingMarkdown } from './markdown.js';
import { caddyHover, imageHover, traefikLabelHover } from './proxy-hover.js';
import { describeSource, visibleValue } from './settings-info.js';

export type HoverResult = {
	markdown: string;
	/** The hovered text. */
	span: Span;
};

export function hover(context: FeatureContext): HoverResult | undefined {
	try {
		return hoverChecked(clamped(context));
	} catch {
		// A model shape nobody expected must not fail the request; the next edit re-analyses anyway.
		return undefined;
	}
}

function hoverChecked(context: FeatureContext): HoverResult | undefined {
	const sections: string[] = [];
	// The range is the first subject's: the entry or setting, else the directive, else the finding.
	let span: Span | undefined;
	const claim = (candidate: Span): void => {
		span ??= candidate;
	};

	// The rules of findings under the cursor go last; they are gathered first so the setting's part can stay short.
	const ruleSections: string[] = [];
	const seenRules = new Set<string>();
	let ruleSpan: Span | undefined;
	for (const finding of context.analysis?.findings ?? []) {
		if (finding.file !== context.path || !contains(finding.span, context.offset) || seenRules.has(finding.ruleId)) continue;
		const rule = findRule(finding.ruleId);
		if (!rule) continue;
		seenRules.add(finding.ruleId);
		ruleSections.push(ruleHoverMarkdown(rule));
		ruleSpan ??= finding.span;
	}

	const entry = trustedEntryAt(context);
	if (entry) {
		const source = entry.instance?.intended.settings.trustedSources.source;
		const secret = entry.instance && source ? siteOf(entry.instance, source)?.secret : undefined;
		sections.push(entryMarkdown(entry.entry, entry.instance, entry.addressKnown, { secret, owner: ownerLine(context, entry.entry), ignoredToday: ignoredToday(entry.instance) }));
		claim(entry.location.span);
	} else {
		const setting = settingAt(context);
		const place = setting?.place.entry;
		if (setting && place && (setting.place.inKey ? contains(place.keySpan, context.offset) : true)) {
			const effective = effectiveValueMarkdown(setting.doc, setting.instances, context.path, context.readText);
			sections.push(settingMarkdown(setting.doc, setting.name, effective, ruleSections.length > 0));
			claim(setting.place.inKey || !place.valueSpan ? place.keySpan : place.valueSpan);
		}
	}

	const extras = [imageHover(context), traefikLabelHover(context), caddyHover(context)].filter((extra) => extra !== undefined);
	for (const extra of extras) {
		sections.push(extra.markdown);
		claim(extra.span);
	}

	// A directive hover already says what the line does; the route summary would repeat it.
	for (const route of extras.length > 0 ? [] : (context.analysis?.deployment.routes ?? [])) {
		const onHeader = route.header.locations.find((location) => location.file === context.path && contains(location.span, context.offset));
		const onRoute = route.location.file === context.path && contains(route.location.span, context.offset);
		if (!onHeader && !(onRoute && sections.length === 0)) continue;
		const setting = route.target?.settings.settings.userHeader;
		const header = route.target && setting ? visibleValue(findSetting('ExtAuth.UserHeader'), describeSource(route.target, setting.source), setting.value).text : 'Remote-User';
		sections.push(routeMarkdown(route, header));
		claim(onHeader ? onHeader.span : route.location.span);
	}

	if (ruleSections.length > 0) sections.push(ruleSections.join('\n\n'));
	if (ruleSpan) claim(ruleSpan);
	if (sections.length === 0 || !span) return undefined;
	return { markdown: sections.join('\n\n---\n\n'), span };
}

/** Who holds the single address of an entry: the compose service pinned to it, or nobody. */
function ownerLine(context: FeatureContext, entry: TrustedSourceEntry): string | undefined {
	const cidr = entry.cidr;
	const deployment = context.analysis?.deployment;
	if (!cidr || cidr.addressCount !== 1n || !deployment || deployment.composeFiles.length === 0 || cidr.includesLoopback) return undefined;
	const owners = ownersOf(deployment, cidr.first);
	if (owners.length === 0) return 'Owner: no compose service pins this address, so after a restart Docker may give it to another container.';
	return `Owner: ${owners.map((owner) => `${code(owner.service.name)} (\`ipv4_address\` on network ${code(owner.network)}, ${describeLocation(context.path, owner.location, context.readText)})`).join('; ')}`;
}

/** The release that ignores the instance's TrustedSources name today, when a newer one would read it. */
function ignoredToday(instance: NavidromeInstance | undefined): { version: string; since: string } | undefined {
	if (!instance?.version) return undefined;
	const today = instance.settings.settings.trustedSources;
	const intended = instance.intended.settings.trustedSources;
	if (intended.source.kind === 'default' || today.fromKey === intended.fromKey) return undefined;
	const doc = findSetting(intended.fromKey);
	return doc ? { version: formatVersion(instance.version), since: formatVersion(doc.since) } : undefined;
}
