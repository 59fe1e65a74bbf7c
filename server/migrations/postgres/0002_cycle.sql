-- The emulation cycle: merges of units, the rulebook an admin edits, and goals of movements.

-- Units `from_unit` continued as `into_unit` on `on_date`. A merged unit's records stay in reach of its successor.
create table unit_merges (
    from_unit text not null references org_units (id),
    into_unit text not null references org_units (id),
    on_date text not null,
    primary key (from_unit, into_unit)
);

-- Every accepted edition of the rulebook is kept; the current one has the highest version. A verdict names the
-- version it was reached with, so it can be read against the rules of its day.
-- (The code always gives the version, so it is not numbered by the database as SQLite's `integer primary key`
-- would for a row inserted without one.)
create table rulebooks (
    version bigint primary key,
    body text not null,
    updated_by text references users (id),
    updated_at text not null
);

alter table movements add column goals text not null default '';
