/** The 2,000-line compose file both language-server benchmarks re-diagnose: Navidrome plus ~235 services, a quarter with Traefik labels. */
export function composeOfLines(lines: number): string {
	const out = [
		'services:',
		'  navidrome:',
		'    image: deluan/navidrome:0.60.0',
		'    environment:',
		'      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.2,10.0.0.0/8',
		'      ND_EXTAUTH_USERHEADER: Remote-User',
		'    networks:',
		'      - proxy',
	];
	for (let i = 0; out.length < lines - 5; i++) {
		out.push(
			`  app-${i}:`,
			`    image: example/app-${i}:1.${i % 10}`,
			'    restart: unless-stopped',
			'    environment:',
			`      APP_URL: "https://app-${i}.example.com/"`,
			`      OTHER_${i}: value-${i}`,
			...(i % 4 === 0 ? ['    labels:', `      - traefik.http.routers.app-${i}.rule=Host(\`app-${i}.example.com\`)`] : []),
			'    networks:',
			'      - proxy',
		);
	}
	out.push('networks:', '  proxy:', '    ipam:', '      config:', '        - subnet: 172.30.0.0/16');
	return `${out.join('\n')}\n`;
}
