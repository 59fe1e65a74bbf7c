-- Publication of the council's list (công khai) and the public's comments on it.
-- A publication window for a locked session's list (domain::publication::Publication as JSON).
create table publications (
    id text primary key,
    unit_id text not null references org_units (id),
    session_id text not null references council_sessions (id),
    opens text not null,
    closes text not null,
    body text not null,
    created_by text not null references users (id),
    created_at text not null
);

-- Comments from the public, without sign-in. Only a hash of the sender's address is kept, to limit floods.
create table comments (
    id integer primary key autoincrement,
    publication_id text not null references publications (id),
    nomination_id text not null,
    name text not null,
    contact text not null,
    text text not null,
    at text not null,
    address_hash text not null,
    triage text,
    answer text,
    answered_by text references users (id),
    answered_at text
);

create index comments_nomination on comments (nomination_id);
create index comments_address on comments (address_hash, at);
