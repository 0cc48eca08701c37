-- The yearly campaign: a deadline per year; notifications in the app (opening of a year,
-- reminders to units not done, the office's digest), each also queued as an e-mail in an outbox
-- written in the same transaction — so a notification is never lost or sent twice because the
-- mail server was down: a sender delivers the outbox with retries.
alter table report_year add column deadline date;

create table notification (
    notification_id uuid primary key default gen_random_uuid(),
    app_user_id uuid not null references app_user (app_user_id) on delete cascade,
    kind text not null constraint notification_kind_check check (kind in ('year_opened', 'reminder', 'digest')),
    report_year_id integer references report_year (report_year_id) on delete cascade,
    title text not null,
    body text not null,
    -- Where the notification leads in the app (a path), if anywhere.
    link text,
    read_at timestamptz
);
select add_timestamps('notification');
create index notification_user_idx on notification (app_user_id, created_at desc);

create table mail_outbox (
    mail_id bigint generated always as identity primary key,
    notification_id uuid references notification (notification_id) on delete cascade,
    to_address text not null,
    subject text not null,
    body text not null,
    attempts integer not null default 0,
    last_error text,
    next_attempt_at timestamptz not null default now(),
    sent_at timestamptz
);
select add_timestamps('mail_outbox');
create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where sent_at is null;
