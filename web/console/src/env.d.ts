/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_DEV_SIGN_IN?: string;
}

interface Window {
  /** Set by the host app before the console loads. */
  CREDITS_CONSOLE?: { graphqlUrl?: string; token?: string };
  /** The host app's handle: give the console the signed-in user's JWT. */
  creditsConsole?: { setToken: (token: string | null) => void };
}
