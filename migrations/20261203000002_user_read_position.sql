-- Where each person's reads must start (ADR 0012): the primary's write-ahead log position after
-- their last change, or after the end of a job they started. Reads on the streaming replica
-- wait for it, so what someone just wrote is what their next page shows, from any pod.
create table user_read_position (
    app_user_id uuid primary key references app_user on delete cascade,
    lsn pg_lsn not null
);
select add_timestamps('user_read_position');
