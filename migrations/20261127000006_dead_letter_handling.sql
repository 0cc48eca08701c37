-- A dead-lettered message whose job has been failed with the reason (the jobs sweeper).
alter table queue_message add column handled_at timestamptz;
create index queue_message_dead_idx on queue_message (queue_message_id)
    where dead_lettered_at is not null and handled_at is null;
