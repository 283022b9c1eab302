const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and quoted attribute values. Usernames come from a header: never trust them. */
export function escapeHtml(text: string): string {
	return String(text).replace(/[&<>"']/g, char => entities[char]!);
}

/** A minimal, script-free page. `body` must already be escaped HTML. */
export function page(title: string, body: string): string {
	return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
${body}
</body>
</html>
`;
}
