// A real OpenID Provider on loopback for the sign-in tests: the certified `oidc-provider`
// library with its development login and consent pages (any password is accepted).
//
//   OIDC_PORT           where it listens on 127.0.0.1 (default 5078)
//   OIDC_REDIRECT_URI   the app's callback, registered for the client
//
// The client `co2-calculator` (secret `test-secret`, PKCE required) may ask for the scopes
// openid, profile, email and roles. Accounts are the login typed on the dev page; the ones below
// carry role claims as the institution's directory would.

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT ?? 5078);
const issuer = `http://127.0.0.1:${port}`;
const redirectUri = process.env.OIDC_REDIRECT_URI;
if (!redirectUri) {
  console.error('OIDC_REDIRECT_URI is required');
  process.exit(2);
}

const directory = {
  ada: { name: 'Ada Lovelace', email: 'ada@example.org', roles: ['calco2.user.principal:9001'] },
  linus: { name: 'Linus Pauling', email: 'linus@example.org', roles: ['calco2.user.standard:9001'] },
  barbara: { name: 'Barbara Liskov', email: 'barbara@example.org', roles: ['calco2.backoffice.metier:ENAC'] },
  grace: { name: 'Grace Hopper', email: 'grace@example.org', roles: ['calco2.backoffice.admin'] },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'co2-calculator',
      client_secret: 'test-secret',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'roles'],
  claims: { openid: ['sub'], profile: ['name'], email: ['email'], roles: ['roles'] },
  // The app reads the claims from the ID token.
  conformIdTokenClaims: false,
  findAccount: (_ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, name: id, ...(directory[id] ?? {}) }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['oidc-test-cookie-key'] },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
