-- Personal API tokens (DESIGN §7): the secret is shown once; only its SHA-256 is stored. A token
-- acts with its owner's grants, read fresh on every request, narrowed by its scope.
create table api_token (
    api_token_id uuid primary key default gen_random_uuid(),
    app_user_id uuid not null references app_user (app_user_id) on delete cascade,
    name text not null constraint api_token_name_check check (length(name) between 1 and 100),
    -- read: safe methods only; write: every method the owner may call.
    scope text not null constraint api_token_scope_check check (scope in ('read', 'write')),
    token_hash text not null constraint api_token_hash_key unique,
    -- The first characters of the secret, to tell tokens apart in lists.
    prefix text not null,
    expires_at timestamptz not null,
    revoked_at timestamptz,
    revoked_by text,
    last_used_at timestamptz
);
select add_timestamps('api_token');
create index api_token_user_idx on api_token (app_user_id);

-- The audit viewer filters by actor and action, newest first.
create index audit_log_actor_idx on audit_log (actor, audit_log_id desc);
create index audit_log_action_idx on audit_log (action, audit_log_id desc);
create index role_assignment_unit_idx on role_assignment (unit_id);
