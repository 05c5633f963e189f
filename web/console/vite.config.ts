import { createHmac } from "node:crypto";

import react from "@vitejs/plugin-react";
import { defineConfig, type Connect, type Plugin } from "vite";

// Same origin for the browser: the engine's /v1/graphql (HTTP and WebSocket) is proxied, as a host app's
// gateway would. CREDITS_ENGINE_URL is the engine (gqlengine or Hasura).
const engine = process.env.CREDITS_ENGINE_URL ?? "http://127.0.0.1:8080";
const proxy = { "/v1/graphql": { target: engine, ws: true, changeOrigin: true } };

const ORGS = ["org_free_one", "org_free_two", "org_pro", "org_team"];
const ROLES = ["owner", "org_admin", "member", "viewer"];

function jwt(key: string, claims: Record<string, unknown>, sub: string): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, iat: Math.floor(Date.now() / 1000), "https://hasura.io/jwt/claims": claims })}`;
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

/** Development only: /dev/tokens.json signs a JWT per demo user with CREDITS_DEV_JWT_KEY (the `make up` key). */
function devTokens(): Plugin {
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const key = process.env.CREDITS_DEV_JWT_KEY;
    if (req.url !== "/dev/tokens.json" || !key) return next();
    const users = ORGS.flatMap((org) =>
      ROLES.map((role) => {
        const user = `usr_${org.replace("org_", "")}_${role}`;
        const claims = { "x-hasura-default-role": role, "x-hasura-allowed-roles": [role], "x-hasura-organization-id": org, "x-hasura-user-id": user };
        return { org, role, user, token: jwt(key, claims, user) };
      }),
    );
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(users));
  };
  return {
    name: "credits-dev-tokens",
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [react(), devTokens()],
  build: { outDir: mode === "devstack" ? "dist-devstack" : "dist", emptyOutDir: true },
  server: { host: "127.0.0.1", proxy },
  preview: { host: "127.0.0.1", proxy },
}));
