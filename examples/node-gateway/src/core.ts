// Everything the gateway uses from the toolkit, in one place.
export { authenticate, fromNodeRequest, MemoryUserStore, navidromePolicy, strictPolicy } from '@navidrome-extauth/core';
export type { AuthenticationResult, ExtAuthConfig, User, UsernamePolicy, UserStore } from '@navidrome-extauth/core';
