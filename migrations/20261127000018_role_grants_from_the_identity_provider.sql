-- Grants named by the identity provider's role claims at sign-in. They follow the claims: a role
-- the provider stops naming is removed at the next sign-in. Grants assigned here stay as they are.
alter table role_assignment add column from_idp boolean not null default false;
