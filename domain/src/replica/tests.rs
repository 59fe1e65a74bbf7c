//! The tablet's half of sync, tested as data: each test is a script of what happens on one tablet (edits,
//! resolutions, sends, the server's answers, pulls), run against the memory store, and the state it leaves
//! (records and outbox) rendered as text and compared with what is expected.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{LocalStore, MemoryStore};
use crate::model::{ConflictSide, Fields, OpenConflict, Record, RecordKind, RecordRef, WorkflowState};
use crate::sync::{FieldConflict, MutationResult, Op, Outcome, PullResponse, RejectCode};
use crate::workflow::Action;

const UNIT: &str = "ttvh-tam-duong";
const ME: &str = "tamduong.lan";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap()
}

/// The memory store's futures never wait; this polls one to its end.
fn ready<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("the memory store waited"),
    }
}

/// `name=json` pairs, where a value may hold spaces inside quotes.
fn pairs(words: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut rest = words.trim();
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().to_owned();
        let tail = &rest[eq + 1..];
        let mut stream = serde_json::Deserializer::from_str(tail).into_iter::<Value>();
        let value = stream.next().expect("a value").expect("a JSON value");
        out.push((name, value));
        rest = tail[stream.byte_offset()..].trim();
    }
    out
}

fn fields(words: &str) -> Fields {
    pairs(words).into_iter().collect()
}

struct Tablet {
    store: MemoryStore,
    /// Records by the name the script gives them, in the order first named.
    names: Vec<(String, Uuid)>,
    current: String,
    log: Vec<String>,
}

impl Tablet {
    fn new() -> Self {
        Tablet { store: MemoryStore::new(ME), names: Vec::new(), current: "r".into(), log: Vec::new() }
    }

    fn id(&mut self, name: &str) -> Uuid {
        if let Some((_, id)) = self.names.iter().find(|(n, _)| n == name) {
            return *id;
        }
        let id = Uuid::new_v4();
        self.names.push((name.to_owned(), id));
        id
    }

    fn seq_name(&self, seq: u32) -> &str {
        let outbox = self.store.outbox();
        let id = outbox.iter().find(|e| e.seq == Some(seq)).map(|e| e.mutation.record_id);
        self.names.iter().find(|(_, i)| Some(*i) == id).map_or("?", |(n, _)| n.as_str())
    }

    fn run(&mut self, line: &str) {
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        let current = self.current.clone();
        let id = self.id(&current);
        match verb {
            // Later lines are about another record.
            "record" => {
                self.current = rest.trim().to_owned();
                self.id(rest.trim());
            }
            "edit" => {
                let target = RecordRef::new(id, RecordKind::SelfAssessment, UNIT);
                if let Err(e) = self.store.edit(&target, fields(rest), now(), Uuid::new_v4()) {
                    self.log.push(format!("edit refused: {e}"));
                }
            }
            "resolve" => {
                let mut args = pairs(rest);
                let conflicts = args.pop().expect("conflicts=[..] last").1;
                let (field, value) = args.pop().expect("field=value");
                let conflicts = serde_json::from_value(conflicts).expect("ids");
                self.store.queue_op(id, Op::Resolve { field, value, conflicts }, now(), Uuid::new_v4());
            }
            // A file attached under `att:<the letter, 64 times>`, kept on the tablet until `uploaded`.
            "attach" => {
                let sha = rest.trim().repeat(64);
                self.store.keep_file(&sha, b"jpg".to_vec());
                let reference = serde_json::json!({"name": "a.jpg", "media_type": "image/jpeg", "size": 3});
                let target = RecordRef::new(id, RecordKind::SelfAssessment, UNIT);
                let edits = [(crate::attachment::field_name(&sha), reference)].into_iter().collect();
                self.store.edit(&target, edits, now(), Uuid::new_v4()).expect("a well-formed attachment");
            }
            "uploaded" => self.store.file_uploaded(&rest.trim().repeat(64)),
            "submit" => self.store.queue_op(id, Op::Transition { action: Action::Submit }, now(), Uuid::new_v4()),
            "send" => {
                let args = pairs(rest);
                let arg = |name: &str, default: u64| {
                    args.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.as_u64()).unwrap_or(default)
                };
                let sent = ready(self.store.take_batch(arg("count", 100) as usize, arg("bytes", 1 << 20) as usize))
                    .expect("memory");
                let seqs: Vec<String> = sent
                    .iter()
                    .filter_map(|m| self.store.outbox().iter().find(|e| e.mutation.id == m.id).and_then(|e| e.seq))
                    .map(|seq| format!("#{seq}"))
                    .collect();
                self.log.push(format!("sent {}", seqs.join(" ")).trim_end().to_owned());
            }
            "answer" => {
                let (seq, answer) = rest.split_once(' ').expect("answer #seq outcome");
                let seq: u32 = seq.trim_start_matches('#').parse().expect("#seq");
                let mutation =
                    self.store.outbox().iter().find(|e| e.seq == Some(seq)).expect("queued entry").mutation.clone();
                let (kind, args) = answer.split_once(' ').unwrap_or((answer, ""));
                let mut args = pairs(args);
                let rev = |args: &[(String, Value)]| {
                    args.iter().find(|(n, _)| n == "rev").and_then(|(_, v)| v.as_i64()).expect("rev=")
                };
                let outcome = match kind {
                    "applied" => Outcome::Applied { rev: rev(&args) },
                    "merged" => Outcome::Merged { rev: rev(&args) },
                    "rejected" => {
                        let code: RejectCode = serde_json::from_value(args[0].1.clone()).expect("code=");
                        Outcome::rejected(code, args[1].1.as_str().expect("message="))
                    }
                    "conflict" => {
                        let rev = rev(&args);
                        args.retain(|(n, _)| n != "rev");
                        let conflicts = args
                            .into_iter()
                            .map(|(field, server_value)| {
                                let client_value = match &mutation.op {
                                    Op::Set { fields } => fields.get(&field).cloned().unwrap_or(Value::Null),
                                    _ => Value::Null,
                                };
                                FieldConflict { field, server_value, client_value }
                            })
                            .collect();
                        Outcome::Conflict { rev, conflicts }
                    }
                    other => panic!("unknown answer {other}"),
                };
                ready(self.store.apply_results(&[MutationResult { mutation_id: mutation.id, outcome }]))
                    .expect("memory");
            }
            "pull" => {
                let (own, conflict) = rest.split_once(" conflict ").unwrap_or((rest, ""));
                let mut args = pairs(own);
                let rev = args.remove(0).1.as_i64().expect("pull rev=N first");
                let mut conflicts = Vec::new();
                if !conflict.is_empty() {
                    let c: Vec<(String, Value)> = pairs(conflict);
                    let get = |name: &str| c.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).expect(name);
                    let side = |value: Value, by: Value| ConflictSide {
                        value,
                        by: by.as_str().unwrap_or_default().to_owned(),
                        at: now(),
                    };
                    conflicts.push(OpenConflict {
                        id: get("id").as_i64().expect("id"),
                        field: get("field").as_str().expect("field").to_owned(),
                        kept: side(get("kept"), get("kept_by")),
                        other: side(get("other"), get("other_by")),
                    });
                }
                let record = Record {
                    id,
                    kind: RecordKind::SelfAssessment,
                    unit_id: UNIT.into(),
                    rev,
                    deleted: false,
                    fields: args.into_iter().collect(),
                    updated_at: now(),
                    updated_by: "tamduong.minh".into(),
                    state: WorkflowState::Draft,
                    state_note: None,
                    conflicts,
                };
                let page = PullResponse { records: vec![record], next_cursor: rev, has_more: false };
                ready(self.store.apply_pull(&page)).expect("memory");
            }
            other => panic!("unknown step {other}"),
        }
    }

    /// The log, then each record (its revision, sync status, fields with their bases, conflicts), then the
    /// outbox in queue order.
    fn render(&self) -> String {
        let mut out = self.log.clone();
        let outbox = self.store.outbox();
        for (name, id) in &self.names {
            let Some(record) = self.store.records().get(id).cloned() else { continue };
            let waiting = outbox.iter().any(|e| e.mutation.record_id == *id && e.rejected.is_none());
            let mut line = format!("record {name} rev={} {:?}", record.rev, record.status(waiting));
            if let Some(reason) = &record.rejection {
                line += &format!(" refused={reason:?}");
            }
            out.push(line);
            for (name, value) in &record.fields {
                let field = short_field(name);
                let base = record.field_base.get(name).map(|b| format!(" base={b}")).unwrap_or_default();
                out.push(format!("  {field}={value}{base}"));
            }
            for c in &record.conflicts {
                out.push(format!(
                    "  conflict #{} {}: kept {} by {:?} at {}, other {} by {:?} at {}",
                    c.id,
                    c.field,
                    c.kept.value,
                    c.kept.by,
                    c.kept.at.format("%H:%M"),
                    c.other.value,
                    c.other.by,
                    c.other.at.format("%H:%M")
                ));
            }
        }
        for entry in outbox.iter() {
            let seq = entry.seq.unwrap_or_default();
            let op = match &entry.mutation.op {
                Op::Set { fields } => {
                    let set: Vec<String> = fields.iter().map(|(k, v)| format!("{}={v}", short_field(k))).collect();
                    format!("set {}", set.join(" "))
                }
                Op::Resolve { field, value, conflicts } => format!("resolve {field}={value} conflicts={conflicts:?}"),
                other => other.audit_name().to_owned(),
            };
            let mut line = format!("#{seq} {} {op} base={}", self.seq_name(seq), entry.mutation.base_rev);
            if entry.sent {
                line += " sent";
            }
            if let Some(reason) = &entry.rejected {
                line += &format!(" refused={reason:?}");
            }
            out.push(line);
        }
        out.join("\n")
    }
}

/// An attachment's field shown by its file's first letters.
fn short_field(name: &str) -> String {
    match crate::attachment::file_of_field(name) {
        Some(sha) => format!("att:{}…", &sha[..4]),
        None => name.to_owned(),
    }
}

/// Runs `script` (one step a line) on a fresh tablet signed in as `ME`, and compares what it leaves with
/// `expected`.
#[track_caller]
fn check(script: &str, expected: &str) {
    let mut tablet = Tablet::new();
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
        tablet.run(line);
    }
    let actual = tablet.render();
    let expected: Vec<&str> = expected.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect();
    let expected = expected.iter().map(|l| l.strip_prefix("        ").unwrap_or(l)).collect::<Vec<_>>().join("\n");
    assert!(actual == expected, "\n--- expected\n{expected}\n--- actual\n{actual}\n");
}

#[test]
fn unsent_edits_of_a_record_coalesce_and_sent_ones_never_change() {
    check(
        r#"
        edit summary="a"
        edit limitations="b"
        send
        edit summary="a2"
        "#,
        r#"
        sent #1
        record r rev=0 Waiting
          limitations="b" base=0
          summary="a2" base=0
        #1 r set limitations="b" summary="a" base=0 sent
        #2 r set summary="a2" base=0
        "#,
    );
}

#[test]
fn an_edit_never_overtakes_a_later_resolution() {
    check(
        r#"
        edit limitations="y"
        resolve summary="V" conflicts=[7]
        edit summary="V2"
        "#,
        r#"
        record r rev=0 Waiting
          limitations="y" base=0
          summary="V2" base=0
        #1 r set limitations="y" base=0
        #2 r resolve summary="V" conflicts=[7] base=0
        #3 r set summary="V2" base=0
        "#,
    );
}

#[test]
fn refused_entries_go_again_with_the_latest_text() {
    check(
        r#"
        edit summary="abc"
        send
        edit summary="abcdef"
        send
        answer #1 rejected code="locked" message="Đã gửi"
        answer #2 rejected code="locked" message="Đã gửi"
        edit limitations="x"
        "#,
        r#"
        sent #1
        sent #1 #2
        record r rev=0 Waiting
          limitations="x" base=0
          summary="abcdef" base=0
        #3 r set limitations="x" summary="abcdef" base=0
        "#,
    );
}

#[test]
fn a_refused_resolution_keeps_its_text_and_a_refused_transition_leaves() {
    check(
        r#"
        pull rev=3 summary="A"
        resolve summary="A+B" conflicts=[7]
        answer #1 rejected code="locked" message="Đã gửi"
        submit
        answer #2 rejected code="locked" message="Đã gửi"
        "#,
        r#"
        record r rev=3 Rejected refused="Đã gửi"
          summary="A+B" base=3
        #1 r set summary="A+B" base=3 refused="Đã gửi"
        "#,
    );
}

const RECORDS: &str = r#"
        record a rev=0 Rejected refused="no"
          summary="xxxxxxxxxx" base=0
        record b rev=0 Waiting
          summary="xxxxxxxxxx" base=0
        record c rev=0 Waiting
          summary="xxxxxxxxxx" base=0
        record d rev=0 Waiting
          summary="xxxxxxxxxx" base=0
        record e rev=0 Waiting
          summary="xxxxxxxxxx" base=0
        #1 a set summary="xxxxxxxxxx" base=0 refused="no""#;

/// Five records with an edit each; the first was refused.
fn five_edits() -> String {
    let text = "x".repeat(10);
    let mut script: String =
        ["a", "b", "c", "d", "e"].iter().map(|r| format!("record {r}\nedit summary=\"{text}\"\n")).collect();
    script += "answer #1 rejected code=\"invalid\" message=\"no\"\n";
    script
}

#[test]
fn batches_respect_count_and_bytes_and_skip_refused_entries() {
    let mut one = Tablet::new();
    one.run(&format!("edit summary=\"{}\"", "x".repeat(10)));
    let size = serde_json::to_string(&one.store.outbox()[0].mutation).unwrap().len();
    // A refused entry is not sent again; the rest go oldest first, as many as the count and the bytes allow.
    let after = |sent: &str, sent_seqs: &[u32]| {
        let mut expected = format!("{sent}{RECORDS}");
        for seq in 2..=5 {
            let name = ["b", "c", "d", "e"][seq as usize - 2];
            let mark = if sent_seqs.contains(&seq) { " sent" } else { "" };
            expected += &format!("\n#{seq} {name} set summary=\"xxxxxxxxxx\" base=0{mark}");
        }
        expected
    };
    check(&(five_edits() + "send count=2"), &after("sent #2 #3", &[2, 3]));
    check(&(five_edits() + "send count=10"), &after("sent #2 #3 #4 #5", &[2, 3, 4, 5]));
    check(&(five_edits() + &format!("send count=10 bytes={}", size * 2 + 1)), &after("sent #2 #3", &[2, 3]));
}

#[test]
fn a_conflict_answer_shows_the_kept_value_and_keeps_ours_beside_it() {
    check(
        r#"
        edit summary="mine"
        send
        answer #1 conflict rev=3 summary="theirs"
        "#,
        r#"
        sent #1
        record r rev=0 Conflict
          summary="theirs"
          conflict #0 summary: kept "theirs" by "" at 08:00, other "mine" by "tamduong.lan" at 08:00
        "#,
    );
}

#[test]
fn an_acknowledged_field_takes_the_new_base_unless_edited_again() {
    check(
        r#"
        edit summary="a"
        send
        edit summary="ab"
        answer #1 applied rev=1
        "#,
        r#"
        sent #1
        record r rev=1 Waiting
          summary="ab" base=0
        #2 r set summary="ab" base=0
        "#,
    );
}

#[test]
fn a_pull_keeps_unsent_fields_takes_the_rest_and_never_goes_back() {
    check(
        r#"
        edit summary="mine"
        pull rev=4 summary="theirs" achievements="new"
        pull rev=2
        "#,
        r#"
        record r rev=4 Waiting
          achievements="new"
          summary="mine" base=0
        #1 r set summary="mine" base=0
        "#,
    );
}

#[test]
fn no_mutation_claims_a_base_above_the_revision_the_tablet_holds() {
    // The tablet holds rev 3; its own merged write made `summary` known at rev 5.
    check(
        r#"
        pull rev=3 summary="A"
        edit summary="X"
        send
        answer #1 merged rev=5
        resolve summary="B" conflicts=[9]
        edit summary="C"
        "#,
        r#"
        sent #1
        record r rev=3 Waiting
          summary="C" base=5
        #2 r resolve summary="B" conflicts=[9] base=3
        #3 r set summary="C" base=3
        "#,
    );
}

#[test]
fn a_local_resolution_hides_the_conflict_until_the_server_agrees() {
    let pulled = r#"pull rev=5 summary="A" conflict id=7 field="summary" kept="A" kept_by="tamduong.minh" other="B" other_by="tamduong.lan""#;
    check(
        pulled,
        r#"
        record r rev=5 Conflict
          summary="A"
          conflict #7 summary: kept "A" by "tamduong.minh" at 08:00, other "B" by "tamduong.lan" at 08:00
        "#,
    );
    // The chosen text shows at once, and a pull that still carries the conflict does not bring it back.
    check(
        &format!("{pulled}\nresolve summary=\"A và B\" conflicts=[7]\n{pulled}"),
        r#"
        record r rev=5 Waiting
          summary="A và B" base=5
        #1 r resolve summary="A và B" conflicts=[7] base=5
        "#,
    );
}

#[test]
fn a_file_not_yet_uploaded_holds_back_only_what_must_follow_it() {
    const PHOTO: &str = r#"{"media_type":"image/jpeg","name":"a.jpg","size":3}"#;
    check(
        r#"
        edit summary="a"
        attach a
        edit summary="b"
        submit
        record other
        edit summary="c"
        send
        uploaded a
        send
        "#,
        &format!(
            r#"
        sent #1 #3 #5
        sent #1 #2 #3 #4 #5
        record r rev=0 Waiting
          att:aaaa…={PHOTO} base=0
          summary="b" base=0
        record other rev=0 Waiting
          summary="c" base=0
        #1 r set summary="a" base=0 sent
        #2 r set att:aaaa…={PHOTO} base=0 sent
        #3 r set summary="b" base=0 sent
        #4 r submit base=0 sent
        #5 other set summary="c" base=0 sent
        "#
        ),
    );
}

#[test]
fn a_caption_edit_waits_behind_its_file_and_text_is_never_folded_into_a_file() {
    check(
        r#"
        attach b
        send
        edit summary="x"
        "#,
        r#"
        sent
        record r rev=0 Waiting
          att:bbbb…={"media_type":"image/jpeg","name":"a.jpg","size":3} base=0
          summary="x" base=0
        #1 r set att:bbbb…={"media_type":"image/jpeg","name":"a.jpg","size":3} base=0
        #2 r set summary="x" base=0
        "#,
    );
}
