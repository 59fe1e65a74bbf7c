-- The admin's screens: accounts that are disabled instead of deleted, and merges that close a unit only once.

-- An account is never deleted: records, the audit logs and conflicts keep naming its author. A disabled one
-- cannot sign in, and no session of it is honoured.
alter table users add column disabled integer not null default 0;

-- A unit ceases once: a second merge of it would give its history two successors. The server checks this in
-- the writer's transaction before it inserts; the trigger keeps it for any other writer. A trigger, not a unique
-- index, so that a database holding such a pair from before still opens.
create trigger unit_merges_once before insert on unit_merges
when exists (select 1 from unit_merges where from_unit = new.from_unit)
begin
    select raise(abort, 'unit already merged');
end;
