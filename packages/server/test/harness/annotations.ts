/**
Inline expectations in fixture files (rust-analyzer style). Every supported format uses `#` comments, so a marker is a
comment line under the offending text:

    ND_EXTAUTH_TRUSTEDSOURCES: "10.0.0.5,172.16.0.0/12"
    #                           ^^^^^^^^ 💡 warning[nd/trusted-source-ignored]: without a /prefix

The carets give the columns on the closest preceding non-marker line; `💡` means a fix is offered; the text after the
colon must occur in the message.
*/
export type Expectation = {
	file: string;
	line: number;
	character: number;
	length: number;
	severity: string;
	ruleId: string;
	message: string;
	hasFix: boolean;
	/** 1-based line of the marker itself, for failure messages. */
	markerLine: number;
};

const markerPattern = /^(\s*#\s*)(\^+)\s*(💡\s*)?(error|warning|information|hint)\[([^\]\s]+)\]:?\s*(.*?)\s*$/u;

export function isMarkerLine(line: string): boolean {
	return markerPattern.test(line);
}

export function readExpectations(file: string, text: string): Expectation[] {
	const lines = text.split(/\r\n|\r|\n/);
	const expectations: Expectation[] = [];
	let target = -1;
	lines.forEach((line, index) => {
		const match = markerPattern.exec(line);
		if (!match) {
			target = index;
			return;
		}
		if (target < 0) throw new Error(`${file}:${index + 1}: marker with no line above it`);
		expectations.push({
			file,
			line: target,
			character: match[1]!.length,
			length: match[2]!.length,
			hasFix: Boolean(match[3]),
			severity: match[4]!,
			ruleId: match[5]!,
			message: match[6]!,
			markerLine: index + 1,
		});
	});
	return expectations;
}
