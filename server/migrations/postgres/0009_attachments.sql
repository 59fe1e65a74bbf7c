-- Files attached to records, each named by the SHA-256 of its bytes, so one file is stored once however often
-- it is attached or sent. The row exists from the upload's creation; `completed_at` is set once the whole file is
-- on disk, checked against its hash and its type. `released_at` is when the last record referring to it let go
-- (or, for a file no record has referred to yet, when it was completed): the cleanup removes files released longer
-- ago than its grace period.
create table attachments (
    sha256 text primary key,
    size bigint not null,
    media_type text not null,
    created_by text not null,
    created_at text not null,
    completed_at text,
    released_at text
);

-- Which records refer to which files (thumbnails included), rewritten with each write of a record's files: serving
-- a file checks the reader's scope through it, and the cleanup keeps every file it lists.
create table attachment_refs (
    sha256 text not null,
    record_id text not null,
    primary key (sha256, record_id)
);
create index attachment_refs_by_record on attachment_refs (record_id);
