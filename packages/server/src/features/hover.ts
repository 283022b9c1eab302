/**
Hover: the catalog docs of a setting (with its effective value and origin, never a secret's value), what a
TrustedSources entry covers or why Navidrome ignores it, what a proxy directive does to the user header, and the
documentation of a finding's rule.
*/
import type { Span } from '../analysis/text.js';
import { findSetting } from '@navidrome-extauth/core';
import { siteOf } from '../analysis/model/navidrome.js';
import { findRule } from '../analysis/rules/index.js';
import { contains } from './text-context.js';
import { clamped, settingAt, trustedEntryAt, type FeatureContext } from './context.js';
import { effectiveValueMarkdown, entryMarkdown, routeMarkdown, ruleMarkdown, settingMarkdown } from './markdown.js';
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

	const entry = trustedEntryAt(context);
	if (entry) {
		const source = entry.instance?.intended.settings.trustedSources.source;
		const secret = entry.instance && source ? siteOf(entry.instance, source)?.secret : undefined;
		sections.push(entryMarkdown(entry.entry, entry.instance, entry.addressKnown, secret));
		claim(entry.location.span);
	} else {
		const setting = settingAt(context);
		const place = setting?.place.entry;
		if (setting && place && (setting.place.inKey ? contains(place.keySpan, context.offset) : true)) {
			const effective = effectiveValueMarkdown(setting.doc, setting.instances, context.path, context.readText);
			sections.push(settingMarkdown(setting.doc, setting.name, effective));
			claim(setting.place.inKey || !place.valueSpan ? place.keySpan : place.valueSpan);
		}
	}

	for (const route of context.analysis?.deployment.routes ?? []) {
		const onHeader = route.header.locations.find((location) => location.file === context.path && contains(location.span, context.offset));
		const onRoute = route.location.file === context.path && contains(route.location.span, context.offset);
		if (!onHeader && !(onRoute && sections.length === 0)) continue;
		const setting = route.target?.settings.settings.userHeader;
		const header = route.target && setting ? visibleValue(findSetting('ExtAuth.UserHeader'), describeSource(route.target, setting.source), setting.value).text : 'Remote-User';
		sections.push(routeMarkdown(route, header));
		claim(onHeader ? onHeader.span : route.location.span);
	}

	const seenRules = new Set<string>();
	for (const finding of context.analysis?.findings ?? []) {
		if (finding.file !== context.path || !contains(finding.span, context.offset) || seenRules.has(finding.ruleId)) continue;
		const rule = findRule(finding.ruleId);
		if (!rule) continue;
		seenRules.add(finding.ruleId);
		sections.push(ruleMarkdown(rule));
		claim(finding.span);
	}

	if (sections.length === 0 || !span) return undefined;
	return { markdown: sections.join('\n\n---\n\n'), span };
}
