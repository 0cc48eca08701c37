-- A member's request to reopen a validated module reaches the unit's principals as a
-- notification of its own kind.
alter table notification drop constraint notification_kind_check;
alter table notification add constraint notification_kind_check
    check (kind in ('year_opened', 'reminder', 'digest', 'change_request'));
