# syntax=docker/dockerfile:1
# Chorus images, both from one build of the workspace (build from the repository root):
#   docker build --target web -t chorus-web .
#   docker build --target realtime -t chorus-realtime .

# Pinned to a release like the compose images: bump deliberately (and rebuild for Debian updates).
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=10.34.9
ENV CI=true
# openssl: lets Prisma detect the platform during `prisma generate` (the root postinstall).
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl \
 && rm -rf /var/lib/apt/lists/*
RUN npm install --global --no-fund --no-audit --no-update-notifier pnpm@${PNPM_VERSION}

WORKDIR /repo
COPY . .
# Installs the whole workspace; the root postinstall runs `prisma generate`.
RUN --mount=type=cache,id=chorus-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir=/pnpm/store
RUN pnpm build

# Production dependencies only, versions from pnpm-lock.yaml, as a flat (hoisted) node_modules per
# app, so each bundle (workspace packages are inlined by Vite / esbuild) resolves every npm
# package from its own node_modules.
RUN --mount=type=cache,id=chorus-pnpm-store,target=/pnpm/store \
    for app in web realtime; do \
      pnpm --filter=@chorus/$app deploy --prod --prefer-offline --store-dir=/pnpm/store \
        --config.inject-workspace-packages=true --config.node-linker=hoisted /out/$app \
      && node deploy/prune-node-modules.mjs /out/$app || exit 1; \
    done \
 && rm -rf /out/web/build /out/realtime/dist \
 && cp -R apps/web/build /out/web/build \
 && cp -R apps/realtime/dist /out/realtime/dist

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS web
# Debian's ffmpeg decodes the untrusted uploads: security fixes arrive with the base image's
# updates (rebuild the image to get them), unlike a bundled static build.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data \
    FFMPEG_PATH=/usr/bin/ffmpeg
# Upload temp files (and blobs with STORAGE_DRIVER=local) live in /data, the only writable path.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
WORKDIR /app
# Root-owned and read-only for the `node` user that runs the app.
COPY --from=build /out/web/package.json ./package.json
COPY --from=build /out/web/node_modules ./node_modules
COPY --from=build /out/web/build ./build
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/readyz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "build"]

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS realtime
ENV NODE_ENV=production \
    PORT=3001
WORKDIR /app
COPY --from=build /out/realtime/package.json ./package.json
COPY --from=build /out/realtime/node_modules ./node_modules
COPY --from=build /out/realtime/dist ./dist
USER node
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3001}/readyz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) triggers the service's graceful shutdown.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/index.js"]
