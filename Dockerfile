# syntax=docker/dockerfile:1
# Coxswain: one container, SQLite on the /data volume. Build: docker build -t coxswain .

# --- build: all dependencies, compile TypeScript -------------------------------------------------------------------
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- deps: production dependencies only (better-sqlite3 ships prebuilt binaries: no compiler needed) ---------------
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime ---------------------------------------------------------------------------------------------------------
FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    COXSWAIN_CONFIG=/config/coxswain.yml \
    COXSWAIN_DB=/data/coxswain.db
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
# The node image's unprivileged user (uid 1000) owns only the data directory.
RUN mkdir -p /data /config && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# No curl in the slim image: Node itself asks /healthz (served in HTTP and Socket Mode alike).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec form: node runs as PID 1 and receives SIGTERM itself; main.ts handles it and stops cleanly.
CMD ["node", "dist/src/app/main.js"]
