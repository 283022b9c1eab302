// Everything the gateway uses from the toolkit, in one place.
// TODO(lead): once packages/core/src/index.ts exports these names, replace the relative imports below with
// `export { authenticate, fromNodeRequest, MemoryUserStore, navidromePolicy, strictPolicy } from '@navidrome-extauth/core';`
// `export type { AuthenticationResult, ExtAuthConfig, User, UsernamePolicy, UserStore } from '@navidrome-extauth/core';`
export { authenticate } from '../../../packages/core/src/authenticate.js';
export { fromNodeRequest } from '../../../packages/core/src/node-request.js';
export { MemoryUserStore } from '../../../packages/core/src/memory-user-store.js';
export { navidromePolicy, strictPolicy } from '../../../packages/core/src/username-policy.js';
export type { AuthenticationResult, ExtAuthConfig, User, UsernamePolicy, UserStore } from '../../../packages/core/src/types.js';
