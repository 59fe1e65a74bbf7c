-- The office's half of the cycle, first part: the council's roster and its sessions, and the office's own audit
-- log.

-- A member's seat on the council of `unit_id` (the office whose council it is), effective-dated: a session keeps
-- the roster of its day, whatever changes here later.
create table council_members (
    id text primary key,
    unit_id text not null references org_units (id),
    name text not null,
    position text not null,
    role text not null,
    valid_from text not null,
    valid_to text,
    user_id text references users (id)
);

-- A session is one JSON document (domain::council::CouncilSession): its roster snapshot, attendance and counts
-- change together and are read together. `version` is raised by every change; a change made on an older one is
-- refused, so two people's edits never overwrite each other.
create table council_sessions (
    id text primary key,
    unit_id text not null references org_units (id),
    held_on text not null,
    body text not null,
    version integer not null,
    -- locked: confirmed by the chair and the secretary
    closed integer not null default 0,
    corrects text references council_sessions (id),
    created_by text not null references users (id),
    created_at text not null
);

-- Which session holds a nomination. A nomination is in at most one session that is not corrected by another.
create table session_candidates (
    session_id text not null references council_sessions (id),
    nomination_id text not null references records (id),
    primary key (session_id, nomination_id)
);

create index session_candidates_nomination on session_candidates (nomination_id);

-- Append-only: everything the office does outside a record's own sync, who, when, what, before and after.
create table office_audit (
    id integer primary key autoincrement,
    at text not null,
    user_id text not null references users (id),
    -- council_member, council_session, …
    object_kind text not null,
    object_id text not null,
    action text not null,
    -- JSON: {"before": …, "after": …}
    changes text not null
);

create trigger office_audit_no_update before update on office_audit
begin
    select raise(abort, 'office_audit is append-only');
end;

create trigger office_audit_no_delete before delete on office_audit
begin
    select raise(abort, 'office_audit is append-only');
end;

-- An award decision, one JSON document (domain::decision::Decision), versioned like a session. Its number is
-- taken from the issuer's register when it is issued, never at drafting; the unique index makes a number taken
-- twice impossible, whatever races.
create table decisions (
    id text primary key,
    unit_id text not null references org_units (id),
    session_id text not null references council_sessions (id),
    body text not null,
    version integer not null,
    -- issued
    closed integer not null default 0,
    register text not null,
    year integer not null,
    number integer,
    issued_at text,
    amends text references decisions (id),
    created_by text not null references users (id),
    created_at text not null
);

create unique index decisions_number on decisions (unit_id, register, year, number) where number is not null;

-- The last number each register gave in a year.
create table decision_registers (
    unit_id text not null references org_units (id),
    register text not null,
    year integer not null,
    last_number integer not null,
    primary key (unit_id, register, year)
);
