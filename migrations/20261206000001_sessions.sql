-- Sessions. Every session token names its row (claim `sid`). Signing out, "sign out everywhere",
-- or an administrator ends it; every function then refuses the token from its next request on:
-- the check rides the read of the caller's grants that each request already makes.
create table app_session (
    session_id uuid primary key default gen_random_uuid(),
    app_user_id uuid not null references app_user (app_user_id) on delete cascade,
    started_at timestamptz not null default now(),
    expires_at timestamptz not null,
    -- How the person signed in: the identity provider or the development sign-in.
    via text not null constraint app_session_via_check check (via in ('oidc', 'dev')),
    ended_at timestamptz,
    -- Who ended it (an institutional id) and why.
    ended_by text,
    ended_reason text constraint app_session_ended_reason_check
        check (ended_reason in ('signed_out', 'signed_out_everywhere', 'revoked')),
    constraint app_session_ended_check check ((ended_at is null) = (ended_reason is null))
);
create index app_session_user_live on app_session (app_user_id) where ended_at is null;

-- When the identity provider last named a grant of its own (at a sign-in). Such a grant stops
-- counting once that is older than IDP_GRANT_MAX_AGE_HOURS: a personal API token cannot keep a
-- role the provider withdrew while its owner stays away.
alter table role_assignment add column confirmed_at timestamptz not null default now();
