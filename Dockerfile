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
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
