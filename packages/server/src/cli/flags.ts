/** `--name=value` → `['--name', 'value']`; any other argument stands alone (its value, if any, is the next one). */
export function splitFlag(argument: string): [string, string | undefined] {
	const equals = argument.startsWith('--') ? argument.indexOf('=') : -1;
	return equals >= 0 ? [argument.slice(0, equals), argument.slice(equals + 1)] : [argument, undefined];
}
