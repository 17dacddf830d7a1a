# tcplab API on Node.js 24 (the active LTS; package.json engines also allows 20.19+ and 22.12+): build with the dev dependencies, run with the production ones only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build api

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
EXPOSE 3000
USER node
# A young generation of 32-MB semi-spaces instead of V8's 16: a request's garbage dies young and is collected
# for less CPU (docs/scaling.md, "Throughput and latency at 64 connections").
CMD ["node", "--max-semi-space-size=32", "dist/apps/api/apps/api/src/main.js"]
