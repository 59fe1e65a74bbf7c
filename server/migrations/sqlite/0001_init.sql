-- The first schema: org tree, people and sessions, reference data, synced records, and the two logs that make
-- sync safe: the idempotency ledger (mutations) and the append-only audit log.

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
    rev integer not null,
    seq integer not null unique,
    deleted integer not null default 0,
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
    echo_free integer not null default 0
);

create index records_unit_seq on records (unit_id, seq);

-- One row per field; `rev` is the record revision at which the field last changed (for the three-way merge).
create table record_fields (
    record_id text not null references records (id),
    name text not null,
    value text not null,
    rev integer not null,
    updated_by text not null references users (id),
    updated_at text not null,
    -- user/device: a tablet has seen its own writes (domain::merge)
    writer text not null,
    primary key (record_id, name)
);

-- Two values written to one field by people who had not seen each other's: the record kept one, this row keeps
-- the other. Open until a person settles it (resolved_at); never deleted.
create table conflicts (
    id integer primary key autoincrement,
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
    changed integer not null
);

-- Append-only: one row per accepted change.
create table audit_log (
    id integer primary key autoincrement,
    at text not null,
    user_id text not null references users (id),
    device_id text not null,
    mutation_id text not null unique,
    record_id text not null,
    -- set, delete, resolve, submit, return, approve
    action text not null,
    -- the revision the author had seen, and the one this change made: a field may only be overwritten by someone
    -- whose base is at least the revision that wrote it
    base_rev integer not null,
    rev integer not null,
    -- JSON: {field: {"old": …, "new": …}}
    changes text not null
);

create trigger audit_log_no_update before update on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;

create trigger audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;

-- Failed sign-ins per account and per address in the current window, for rate limiting. In the database, not in
-- memory, so several server instances share the count.
create table login_failures (
    key text primary key,
    window_start text not null,
    failures integer not null
);
