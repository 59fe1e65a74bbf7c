-- The admin's screens: accounts that are disabled instead of deleted, and merges that close a unit only once.

-- An account is never deleted: records, the audit logs and conflicts keep naming its author. A disabled one
-- cannot sign in, and no session of it is honoured.
alter table users add column disabled bigint not null default 0;

-- A unit ceases once: a second merge of it would give its history two successors. The server checks this in
-- the writer's transaction before it inserts; the trigger keeps it for any other writer. A trigger, not a unique
-- index, so that a database holding such a pair from before still opens.
-- (PostgreSQL's trigger WHEN cannot hold a subquery, so the condition is in the function. Writers here need not
-- take turns as SQLite's do: the function holds a lock on the unit until the transaction ends, so a second
-- transaction merging the unit waits for the first and then sees its row.)
create function unit_merges_once() returns trigger
    language plpgsql
as $$
begin
    perform pg_advisory_xact_lock(hashtextextended('unit_merges ' || new.from_unit, 0));
    if exists (select 1 from unit_merges where from_unit = new.from_unit) then
        raise exception 'unit already merged' using errcode = 'integrity_constraint_violation';
    end if;
    return new;
end
$$;

create trigger unit_merges_once before insert on unit_merges
    for each row execute function unit_merges_once();
