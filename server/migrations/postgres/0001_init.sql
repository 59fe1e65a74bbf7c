-- The first schema: org tree, people and sessions, reference data, synced records, and the two logs that make
-- sync safe: the idempotency ledger (mutations) and the append-only audit log.
--
-- PostgreSQL's translation of migrations/sqlite/0001_init.sql. Column types are the ones sqlx's Any driver moves
-- for both backends: SQLite's integer is bigint here (0/1 flags included: the code compares them with 0 and 1),
-- text stays text (timestamps are ISO-8601 text, JSON documents are text, never jsonb).

-- SQLite compatibility: what lets the SQL the code shares with SQLite run unchanged here.

-- A JSON value as SQLite's json_each and ->> give it: a string unquoted, null as SQL NULL, true and false as 1
-- and 0, anything else (a number, an array, an object) as its JSON text, which can be read again with ->>.
create function sqlite_json_value(v json) returns text
    language sql immutable parallel safe
as $$
    select case json_typeof(v)
        when 'string' then v #>> '{}'
        when 'null' then null
        when 'boolean' then case when v::text = 'true' then '1' else '0' end
        else v::text
    end
$$;

-- SQLite's json_each over a JSON array (the code binds lists as one JSON array text): one row per element, `key`
-- its 0-based index. No rows for NULL. An object or a scalar is an error here (SQLite would iterate it).
create function json_each(doc text) returns table (key bigint, value text)
    language sql immutable parallel safe
as $$
    select e.n - 1, sqlite_json_value(e.v) from json_array_elements(doc::json) with ordinality as e (v, n)
$$;

-- SQLite's `doc ->> n`: element n of a JSON array held in text, NULL when there is none (also for a negative n,
-- which PostgreSQL's -> would count from the end, and SQLite does not).
create function sqlite_json_element(doc text, n integer) returns text
    language sql immutable parallel safe
as $$
    select case when n >= 0 then sqlite_json_value(doc::json -> n) end
$$;

create operator ->> (leftarg = text, rightarg = integer, function = sqlite_json_element);

-- SQLite's scalar max(a, b) and min(a, b) (PostgreSQL's max and min are only aggregates): NULL if either is.
create function max(a bigint, b bigint) returns bigint
    language sql immutable parallel safe
as $$
    select case when a is null or b is null then null else greatest(a, b) end
$$;

create function min(a bigint, b bigint) returns bigint
    language sql immutable parallel safe
as $$
    select case when a is null or b is null then null else least(a, b) end
$$;

-- SQLite's json_group_object(name, json(value)) as text: `json(value)` is PostgreSQL's cast of the text to json,
-- embedded as it is. '{}' over no rows, as SQLite. Names must not be NULL.
create function json_group_object_step(state text, name text, value json) returns text
    language sql immutable parallel safe
as $$
    select coalesce(state || ',', '') || to_json(name)::text || ':' || coalesce(value::text, 'null')
$$;

create function json_group_object_final(state text) returns text
    language sql immutable parallel safe
as $$
    select '{' || coalesce(state, '') || '}'
$$;

create aggregate json_group_object(text, json) (
    sfunc = json_group_object_step,
    stype = text,
    finalfunc = json_group_object_final
);

-- SQLite's `select raise(abort, message)` in a trigger: the statement fails with the trigger's argument as its
-- message, in the class of constraint violations as SQLite's SQLITE_CONSTRAINT_TRIGGER.
create function refuse_change() returns trigger
    language plpgsql
as $$
begin
    raise exception '%', tg_argv[0] using errcode = 'integrity_constraint_violation';
end
$$;

create table org_units (
    id text primary key,
    parent_id text references org_units (id),
    -- free text, not an enum: the 2025 reform showed that levels change
    kind text not null,
    name text not null,
    valid_from text not null,
    valid_to text
);

create table users (
    id text primary key,
    login text not null unique,
    full_name text not null,
    position text not null default '',
    role text not null,
    unit_id text not null references org_units (id),
    password_hash text not null
);

-- Only the SHA-256 of a bearer token is stored, so a copy of the database does not hand out sessions.
create table sessions (
    token_hash text primary key,
    user_id text not null references users (id),
    device_id text not null,
    created_at text not null,
    expires_at text not null
);

create table movements (
    id text primary key,
    name text not null,
    theme text not null,
    kind text not null,
    document_number text not null,
    document_date text not null,
    issuer text not null,
    period_from text not null,
    period_to text not null,
    -- JSON array of the fields (lĩnh vực) in the directive's order
    fields text not null
);

-- `seq` is the change sequence the pull cursor walks. Every accepted change takes max(seq) + 1 inside the
-- single writer's transaction, so a reader can never see seq n + 1 committed before seq n.
create table records (
    id text primary key,
    kind text not null,
    unit_id text not null references org_units (id),
    rev bigint not null,
    seq bigint not null unique,
    deleted bigint not null default 0,
    -- workflow: draft, submitted, returned, approved (domain::workflow)
    state text not null default 'draft',
    -- the reason of the last return
    state_note text,
    created_by text not null references users (id),
    updated_by text not null references users (id),
    updated_at text not null,
    -- the writer (user/device) of the last change, and whether that change was a clean edit: such a writer already
    -- holds the record as stored, so its pulls skip it
    last_writer text not null,
    echo_free bigint not null default 0
);

create index records_unit_seq on records (unit_id, seq);

-- One row per field; `rev` is the record revision at which the field last changed (for the three-way merge).
create table record_fields (
    record_id text not null references records (id),
    name text not null,
    value text not null,
    rev bigint not null,
    updated_by text not null references users (id),
    updated_at text not null,
    -- user/device: a tablet has seen its own writes (domain::merge)
    writer text not null,
    primary key (record_id, name)
);

-- Two values written to one field by people who had not seen each other's: the record kept one, this row keeps
-- the other. Open until a person settles it (resolved_at); never deleted.
create table conflicts (
    id bigint generated by default as identity primary key,
    record_id text not null references records (id),
    field text not null,
    mutation_id text not null,
    kept_value text not null,
    kept_by text not null,
    kept_at text not null,
    other_value text not null,
    other_by text not null references users (id),
    -- when the losing side was typed, by its tablet's clock
    other_at text not null,
    created_at text not null,
    resolved_by text references users (id),
    resolved_at text,
    resolved_mutation_id text
);

create index conflicts_open on conflicts (record_id) where resolved_at is null;

-- The idempotency ledger: the answer given to every mutation id, returned as-is on a replay.
create table mutations (
    id text primary key,
    user_id text not null references users (id),
    device_id text not null,
    record_id text not null,
    received_at text not null,
    result text not null,
    -- whether the mutation changed the record (and so has exactly one audit_log row)
    changed bigint not null
);

-- Append-only: one row per accepted change.
create table audit_log (
    id bigint generated by default as identity primary key,
    at text not null,
    user_id text not null references users (id),
    device_id text not null,
    mutation_id text not null unique,
    record_id text not null,
    -- set, delete, resolve, submit, return, approve
    action text not null,
    -- the revision the author had seen, and the one this change made: a field may only be overwritten by someone
    -- whose base is at least the revision that wrote it
    base_rev bigint not null,
    rev bigint not null,
    -- JSON: {field: {"old": …, "new": …}}
    changes text not null
);

create trigger audit_log_no_update before update on audit_log
    for each row execute function refuse_change('audit_log is append-only');

create trigger audit_log_no_delete before delete on audit_log
    for each row execute function refuse_change('audit_log is append-only');

-- PostgreSQL's truncate fires no row trigger (SQLite has no truncate).
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function refuse_change('audit_log is append-only');

-- Failed sign-ins per account and per address in the current window, for rate limiting. In the database, not in
-- memory, so several server instances share the count.
create table login_failures (
    key text primary key,
    window_start text not null,
    failures bigint not null
);
