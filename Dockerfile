# syntax=docker/dockerfile:1
# The navidrome-extauth CLI as an image. Build from the repository root, run on a mounted folder:
#   docker build -t navidrome-extauth .
#   docker run --rm -v "$PWD:/work:ro" navidrome-extauth            # = navidrome-extauth check .
#   docker run --rm -v "$PWD:/work" navidrome-extauth check deploy/ --format sarif
# The image was not built on this project's machines (no Docker there); see docs/ci.md for what is tested instead.

# Build: pnpm at the version the root package.json's packageManager names, the lockfile as committed, then
# packages/server/build.mjs, which bundles the CLI (core included) into dist/.
FROM node:20-slim AS build
WORKDIR /src
RUN npm install -g pnpm@12.4.2
COPY . .
RUN pnpm install --frozen-lockfile --filter "@navidrome-extauth/server..." --filter navidrome-extauth \
	&& pnpm --filter @navidrome-extauth/server run build

# Run: the bundles need nothing but Node (the package has no runtime dependencies).
FROM node:20-slim
ENV NODE_ENV=production
COPY --from=build /src/packages/server/dist/ /opt/navidrome-extauth/dist/
COPY --from=build /src/packages/server/package.json /src/packages/server/LICENSE /opt/navidrome-extauth/
# The node image's unprivileged user (uid 1000); give `docker run --user "$(id -u):$(id -g)"` for --fix on a mount.
USER node
WORKDIR /work
ENTRYPOINT ["node", "/opt/navidrome-extauth/dist/cli.js"]
CMD ["check", "."]
