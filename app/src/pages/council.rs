//! The council (online: the office runs it at the session, with the server checking every step): the roster,
//! the accepted nominations waiting for a session, and each session's attendance, the counting committee's
//! tallies, the results under each title's vote rule with its article, the minutes and their confirmation.
//! Members may also vote on their own devices: a ballot is kept on the device until the server answers it, so
//! one cast while the meeting room has no network goes when the network returns.

use std::collections::BTreeMap;

use domain::api::{AttendanceChange, ConfirmMinutes, Minutes, NewCouncilSession, Role, TallyChange};
use domain::ballot::{BallotBox, BallotChoice, BallotReceipt, CastBallot};
use domain::calendar::format_date;
use domain::council::{Candidate, CouncilMember, CouncilRole, CouncilSession, Presence, SessionMode, Tally};
use domain::replica::TransportError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api;
use crate::format::{parse_name, today, value_name};
use crate::pages::PageContext;
use crate::store;
use crate::widgets::{download_button, Choice};

pub fn page(context: PageContext) -> AnyView {
    let office = context.user.role == Role::Office;
    view! { <CouncilPage token=context.token user_id=context.user.id office /> }.into_any()
}

fn session_url(id: &str, tail: &str) -> String {
    format!("/api/council/sessions/{}{tail}", js_sys::encode_uri_component(id))
}

const PRESENCES: [Presence; 3] = [Presence::Present, Presence::Written, Presence::Absent];
const MODES: [SessionMode; 2] = [SessionMode::Meeting, SessionMode::Written];

#[component]
fn CouncilPage(token: String, user_id: String, office: bool) -> impl IntoView {
    let token = StoredValue::new(token);
    let user_id = StoredValue::new(user_id);
    let members = RwSignal::new(Vec::<CouncilMember>::new());
    let candidates = RwSignal::new(Vec::<Candidate>::new());
    let sessions = RwSignal::new(Vec::<CouncilSession>::new());
    let open = RwSignal::new(None::<CouncilSession>);
    let message = RwSignal::new(None::<String>);
    // The session view is made again only when another session is opened, not at every answer.
    let open_id = Memo::new(move |_| open.with(|s| s.as_ref().map(|s| s.id.clone())));
    let reload = move || {
        spawn_local(async move {
            let token = token.get_value();
            match api::get::<Vec<CouncilMember>>(&token, "/api/council/members").await {
                Ok(list) => members.set(list),
                Err(e) => return message.set(Some(api::offline_message(e, "mở danh sách Hội đồng"))),
            }
            if office {
                if let Ok(list) = api::get::<Vec<Candidate>>(&token, "/api/council/candidates").await {
                    candidates.set(list);
                }
            }
            if let Ok(list) = api::get::<Vec<CouncilSession>>(&token, "/api/council/sessions").await {
                sessions.set(list);
            }
        });
    };
    reload();
    send_pending_ballots(token, message);
    let on_online = window_event_listener_untyped("online", move |_| send_pending_ballots(token, message));
    on_cleanup(move || on_online.remove());
    // A step of the session answered by the server: show the session as stored, or say why not.
    let answered = move |result: Result<CouncilSession, TransportError>, done: &'static str| match result {
        Ok(session) => {
            open.set(Some(session));
            message.set(Some(done.to_owned()));
            reload();
        }
        Err(e) => message.set(Some(api::offline_message(e, "ghi vào phiên họp"))),
    };
    view! {
        <section class="card">
            <h1>"Hội đồng Thi đua - Khen thưởng"</h1>
            <p id="council-message" role="status">{move || message.get()}</p>
            <Roster members token office message reload />
            <Show when=move || office>
                <Prepare candidates token message reload open />
            </Show>
            <h2>"Các phiên họp"</h2>
            <ul id="council-sessions">
                {move || sessions.get().into_iter().map(|s| {
                    let label = format!("Phiên ngày {} tại {}{}", format_date(s.held_on), s.place,
                        if s.locked() { " (đã khóa)" } else { "" });
                    view! { <li><button class="secondary open-session" on:click=move |_| open.set(Some(s.clone()))>{label}</button></li> }
                }).collect_view()}
            </ul>
            {move || open_id.get().map(|_| view! { <SessionView open token user_id office answered message /> })}
        </section>
    }
}

#[component]
fn Roster(
    members: RwSignal<Vec<CouncilMember>>,
    token: StoredValue<String>,
    office: bool,
    message: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let position = RwSignal::new(String::new());
    let role = RwSignal::new(value_name(&CouncilRole::UyVien));
    let from = RwSignal::new(today());
    let add = move |_| {
        let member = CouncilMember {
            id: format!("tv-{}", Uuid::new_v4()),
            name: name.get_untracked(),
            position: position.get_untracked(),
            role: parse_name(&role.get_untracked()).unwrap_or(CouncilRole::UyVien),
            valid_from: from.get_untracked(),
            valid_to: None,
            user_id: None,
        };
        spawn_local(async move {
            let url = format!("/api/council/members/{}", member.id);
            match api::send::<_, CouncilMember>(&token.get_value(), true, &url, &member).await {
                Ok(saved) => {
                    message.set(Some(format!("Đã thêm {} vào Hội đồng.", saved.name)));
                    name.set(String::new());
                    position.set(String::new());
                    reload();
                }
                Err(e) => message.set(Some(api::offline_message(e, "lưu thành viên"))),
            }
        });
    };
    let roles = Signal::derive(|| CouncilRole::ALL.iter().map(|r| (value_name(r), r.label().to_owned())).collect());
    view! {
        <h2>"Thành viên Hội đồng"</h2>
        <div class="table-box" tabindex="0"><table class="grid" id="council-roster">
            <thead><tr><th>"Họ tên"</th><th>"Chức vụ"</th><th>"Trong Hội đồng"</th><th>"Từ ngày"</th><th>"Đến ngày"</th></tr></thead>
            <tbody>
                {move || members.get().into_iter().map(|m| view! {
                    <tr>
                        <td>{m.name}</td><td>{m.position}</td><td>{m.role.label()}</td>
                        <td>{format_date(m.valid_from)}</td><td>{m.valid_to.map(format_date).unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
        <Show when=move || office>
            <div class="form">
                <div class="field"><label for="member-name">"Họ tên"</label>
                    <input id="member-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></div>
                <div class="field"><label for="member-position">"Chức vụ"</label>
                    <input id="member-position" prop:value=move || position.get() on:input=move |ev| position.set(event_target_value(&ev)) /></div>
                <div class="field"><label for="member-role">"Vị trí trong Hội đồng"</label>
                    <Choice id="member-role" options=roles value=Signal::derive(move || role.get())
                        on_change=Callback::new(move |v| role.set(v)) /></div>
                <div class="field"><label for="member-from">"Từ ngày"</label>
                    <input id="member-from" type="date" prop:value=move || from.get().to_string()
                        on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { from.set(d) } /></div>
                <button id="add-member" class="secondary" on:click=add>"Thêm thành viên"</button>
            </div>
        </Show>
    }
}

#[component]
fn Prepare(
    candidates: RwSignal<Vec<Candidate>>,
    token: StoredValue<String>,
    message: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
    open: RwSignal<Option<CouncilSession>>,
) -> impl IntoView {
    let picked = RwSignal::new(Vec::<String>::new());
    let held_on = RwSignal::new(today());
    let place = RwSignal::new(String::new());
    let mode = RwSignal::new(value_name(&SessionMode::Meeting));
    // One id per prepared session, kept across retries of the same click, so a retry is answered, not doubled.
    let session_id = StoredValue::new(format!("phien-{}", Uuid::new_v4()));
    let prepare = move |_| {
        let new = NewCouncilSession {
            id: session_id.get_value(),
            held_on: held_on.get_untracked(),
            place: place.get_untracked(),
            mode: parse_name(&mode.get_untracked()).unwrap_or(SessionMode::Meeting),
            nomination_ids: picked.get_untracked(),
            corrects: None,
        };
        spawn_local(async move {
            match api::send::<_, CouncilSession>(&token.get_value(), false, "/api/council/sessions", &new).await {
                Ok(session) => {
                    message.set(Some(format!("Đã lập phiên họp với {} hồ sơ.", session.candidates.len())));
                    session_id.set_value(format!("phien-{}", Uuid::new_v4()));
                    picked.set(Vec::new());
                    open.set(Some(session));
                    reload();
                }
                Err(e) => message.set(Some(api::offline_message(e, "lập phiên họp"))),
            }
        });
    };
    let modes = Signal::derive(|| MODES.iter().map(|m| (value_name(m), m.label().to_owned())).collect());
    view! {
        <h2>"Hồ sơ đã tiếp nhận, chờ đưa ra Hội đồng"</h2>
        <div class="table-box" tabindex="0"><table class="grid" id="council-candidates">
            <thead><tr><th></th><th>"Đối tượng"</th><th>"Đơn vị"</th><th>"Danh hiệu, hình thức"</th><th>"Năm"</th></tr></thead>
            <tbody>
                {move || candidates.get().into_iter().map(|c| {
                    let id = c.nomination_id.clone();
                    let checked = { let id = id.clone(); move || picked.with(|p| p.contains(&id)) };
                    view! {
                        <tr>
                            <td><input type="checkbox" class="candidate-pick" aria-label=format!("Chọn {} ({})", c.nominee_name, c.title_name) prop:checked=checked on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                picked.update(|p| { p.retain(|x| x != &id); if on { p.push(id.clone()) } });
                            } /></td>
                            <td>{c.nominee_name}</td><td>{c.unit_name}</td><td>{c.title_name}</td><td>{c.year}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
        <div class="form">
            <div class="field"><label for="session-date">"Ngày họp"</label>
                <input id="session-date" type="date" prop:value=move || held_on.get().to_string()
                    on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { held_on.set(d) } /></div>
            <div class="field"><label for="session-place">"Địa điểm"</label>
                <input id="session-place" prop:value=move || place.get() on:input=move |ev| place.set(event_target_value(&ev)) /></div>
            <div class="field"><label for="session-mode">"Hình thức"</label>
                <Choice id="session-mode" options=modes value=Signal::derive(move || mode.get())
                    on_change=Callback::new(move |v| mode.set(v)) /></div>
            <button id="prepare-session" class="primary" on:click=prepare>"Lập phiên họp"</button>
        </div>
    }
}

/// A tally's fields, in the counting committee's order, with their labels.
const TALLY_FIELDS: [(&str, &str); 8] = [
    ("issued", "Phát ra"),
    ("returned", "Thu về"),
    ("valid", "Hợp lệ"),
    ("invalid", "Không hợp lệ"),
    ("yes", "Đồng ý"),
    ("no", "Không đồng ý"),
    ("written_yes", "Văn bản: đồng ý"),
    ("written_no", "Văn bản: không đồng ý"),
];

fn tally_field<'a>(tally: &'a mut Tally, name: &str) -> Option<&'a mut u32> {
    Some(match name {
        "issued" => &mut tally.issued,
        "returned" => &mut tally.returned,
        "valid" => &mut tally.valid,
        "invalid" => &mut tally.invalid,
        "yes" => &mut tally.yes,
        "no" => &mut tally.no,
        "written_yes" => &mut tally.written_yes,
        "written_no" => &mut tally.written_no,
        _ => return None,
    })
}

/// One session. Its inputs are made once per session and keep what was typed while the stored session (in
/// `open`) changes under them with each answer: saving one candidate's tally keeps another's half-typed one.
#[component]
fn SessionView(
    open: RwSignal<Option<CouncilSession>>,
    token: StoredValue<String>,
    user_id: StoredValue<String>,
    office: bool,
    answered: impl Fn(Result<CouncilSession, TransportError>, &'static str) + Copy + Send + Sync + 'static,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let Some(first) = open.get_untracked() else { return ().into_any() };
    let stored = move |read: fn(&CouncilSession) -> bool| open.with(|s| s.as_ref().is_some_and(read));
    let locked = Signal::derive(move || stored(CouncilSession::locked));
    let editable = Signal::derive(move || office && !locked.get());
    let version = move || open.with_untracked(|s| s.as_ref().map_or(0, |s| s.version));
    let id = StoredValue::new(first.id.clone());
    let presence = RwSignal::new(first.presence.clone());
    let tallies = RwSignal::new(
        first
            .candidates
            .iter()
            .map(|c| (c.nomination_id.clone(), c.tally.unwrap_or_default()))
            .collect::<BTreeMap<_, _>>(),
    );
    let minutes = RwSignal::new(None::<Minutes>);
    let save_attendance = move |_| {
        let change = AttendanceChange { version: version(), presence: presence.get_untracked() };
        spawn_local(async move {
            let url = session_url(&id.get_value(), "/attendance");
            answered(api::send(&token.get_value(), true, &url, &change).await, "Đã ghi điểm danh.");
        });
    };
    let save_tally = move |nomination: String| {
        let Some(tally) = tallies.with_untracked(|t| t.get(&nomination).copied()) else { return };
        let change = TallyChange { version: version(), tally };
        spawn_local(async move {
            let url = session_url(&id.get_value(), &format!("/tallies/{}", js_sys::encode_uri_component(&nomination)));
            answered(api::send(&token.get_value(), true, &url, &change).await, "Đã ghi kết quả kiểm phiếu.");
        });
    };
    let confirm = move |_| {
        let change = ConfirmMinutes { version: version() };
        spawn_local(async move {
            let url = session_url(&id.get_value(), "/confirm");
            answered(api::send(&token.get_value(), false, &url, &change).await, "Đã xác nhận biên bản.");
        });
    };
    let show_minutes = move |_| {
        spawn_local(async move {
            if let Ok(text) = api::get::<Minutes>(&token.get_value(), &session_url(&id.get_value(), "/minutes")).await {
                minutes.set(Some(text));
            }
        });
    };
    let summary = move || {
        open.with(|s| {
            s.as_ref().map(|s| {
                let a = s.attendance();
                let lock = if s.locked() {
                    ". Biên bản đã được chủ trì và thư ký xác nhận; phiên họp đã khóa."
                } else {
                    ""
                };
                format!(
                    "{}. Thành viên: {}, có mặt {}, biểu quyết bằng văn bản {}{lock}",
                    s.mode.label(),
                    a.members,
                    a.present,
                    a.written
                )
            })
        })
    };
    let result_of = move |nomination: &str| {
        open.with(|s| {
            s.as_ref()
                .and_then(|s| s.candidates.iter().find(|c| c.nomination_id == nomination))
                .and_then(|c| c.result.clone())
        })
    };
    let ballot_box = RwSignal::new(BallotBox::default());
    let load_box = move || {
        spawn_local(async move {
            let url = session_url(&id.get_value(), "/ballots");
            if let Ok(found) = api::get::<BallotBox>(&token.get_value(), &url).await {
                ballot_box.set(found);
            }
        });
    };
    load_box();
    // The office ends the vote on devices: the box's totals become the tallies, shown in the inputs as well.
    let close_box = move |_| {
        let sure = web_sys::window()
            .and_then(|w| {
                let question = "Kết thúc bỏ phiếu? Sau đó không nhận thêm phiếu, và kết quả được ghi vào phiên họp.";
                w.confirm_with_message(question).ok()
            })
            .unwrap_or(false);
        if !sure {
            return;
        }
        let change = ConfirmMinutes { version: version() };
        spawn_local(async move {
            let url = session_url(&id.get_value(), "/ballots/close");
            let result = api::send::<_, CouncilSession>(&token.get_value(), false, &url, &change).await;
            if let Ok(counted) = &result {
                tallies.set(
                    counted.candidates.iter().map(|c| (c.nomination_id.clone(), c.tally.unwrap_or_default())).collect(),
                );
            }
            answered(result, "Đã kết thúc bỏ phiếu; kết quả kiểm phiếu đã được ghi.");
            load_box();
        });
    };
    let me =
        first.roster.iter().find(|m| m.user_id.as_deref() == Some(user_id.get_value().as_str())).map(|m| m.id.clone());
    let box_summary = move || {
        ballot_box.with(|b| {
            let state = if b.closed { "đã kết thúc" } else { "đang mở" };
            format!("Bỏ phiếu trên thiết bị ({state}): {} thành viên đã bỏ phiếu", b.voted.len())
        })
    };
    let presences = Signal::derive(|| PRESENCES.iter().map(|p| (value_name(p), p.label().to_owned())).collect());
    view! {
        <div class="session" id="council-session">
            <h2>{format!("Phiên họp ngày {} — {}", format_date(first.held_on), first.place)}</h2>
            <p class="muted" id="session-summary">{summary}</p>
            <div class="table-box" tabindex="0"><table class="grid" id="session-attendance">
                <thead><tr><th>"Thành viên"</th><th>"Vị trí"</th><th>"Điểm danh"</th></tr></thead>
                <tbody>
                    {first.roster.iter().map(|m| {
                        let member = m.id.clone();
                        let value = { let member = member.clone(); Signal::derive(move || presence.with(|p| value_name(&p.get(&member).copied().unwrap_or(Presence::Absent)))) };
                        let on_change = Callback::new(move |v: String| presence.update(|p| if let Some(v) = parse_name(&v) { p.insert(member.clone(), v); }));
                        view! {
                            <tr>
                                <td>{m.name.clone()}</td><td>{m.role.label()}</td>
                                <td><Choice id=format!("presence-{}", m.id) class="presence" options=presences value on_change disabled=Signal::derive(move || !editable.get()) /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <Show when=move || editable.get()>
                <button id="all-present" class="secondary" on:click={
                    let ids: Vec<String> = first.roster.iter().map(|m| m.id.clone()).collect();
                    move |_| presence.set(ids.iter().map(|id| (id.clone(), Presence::Present)).collect())
                }>"Tất cả có mặt"</button>
                <button id="save-attendance" class="secondary" on:click=save_attendance>"Lưu điểm danh"</button>
            </Show>
            <div class="table-box" tabindex="0"><table class="grid" id="session-tallies">
                <thead><tr>
                    <th>"Đối tượng"</th><th>"Danh hiệu, hình thức"</th>
                    {TALLY_FIELDS.map(|(_, label)| view! { <th>{label}</th> })}
                    <th>"Kết quả"</th><th></th>
                </tr></thead>
                <tbody>
                    {first.candidates.iter().map(|c| {
                        let nomination = c.nomination_id.clone();
                        let for_result = nomination.clone();
                        let for_button = StoredValue::new(nomination.clone());
                        view! {
                            <tr class="candidate-row" data-nomination=nomination.clone()>
                                <td>{c.nominee_name.clone()} <div class="muted">{c.unit_name.clone()}</div></td>
                                <td>{c.title_name.clone()}</td>
                                {TALLY_FIELDS.map(|(field, _)| {
                                    let (for_value, for_input) = (nomination.clone(), nomination.clone());
                                    view! { <td><input type="number" min="0" class=format!("tally-{field}") disabled=move || !editable.get()
                                        prop:value=move || tallies.with(|t| t.get(&for_value).map(|t| { let mut t = *t; tally_field(&mut t, field).map(|v| *v).unwrap_or(0) }).unwrap_or(0).to_string())
                                        on:input=move |ev| {
                                            let n = event_target_value(&ev).trim().parse().unwrap_or(0);
                                            tallies.update(|t| if let Some(v) = t.get_mut(&for_input).and_then(|t| tally_field(t, field)) { *v = n });
                                        } /></td> }
                                })}
                                <td class="result">{move || result_of(&for_result).map(|r| view! {
                                    <strong class=if r.passed { "passed" } else { "failed" }>{r.describe()}</strong>
                                    <div class="muted rule">{r.rule.describe()} " — " {r.rule.article.clone()}</div>
                                })}</td>
                                <td><Show when=move || editable.get()>
                                    <button class="secondary save-tally" on:click=move |_| save_tally(for_button.get_value())>"Ghi"</button>
                                </Show></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <section class="ballots" id="ballot-box">
                <h3>"Phiếu bầu trên thiết bị"</h3>
                <p class="muted" id="ballot-summary">{box_summary}</p>
                {me.map(|member| view! { <MyBallot open ballot_box member token message load_box /> })}
                <Show when=move || editable.get() && ballot_box.with(|b| !b.closed && !b.voted.is_empty())>
                    <button id="close-ballots" class="secondary" on:click=close_box>"Kết thúc bỏ phiếu, ghi kết quả kiểm phiếu"</button>
                </Show>
            </section>
            <div class="row documents" id="session-documents">
                {[("phieu-bau", "Phiếu bầu"), ("kiem-phieu", "Biên bản kiểm phiếu"), ("bien-ban", "Biên bản họp"), ("to-trinh", "Tờ trình, danh sách")]
                    .map(|(document, label)| {
                        let url = format!("/api/documents/council/sessions/{}/{document}", js_sys::encode_uri_component(&id.get_value()));
                        download_button(token, url, label, message)
                    })}
            </div>
            <button id="show-minutes" class="secondary" on:click=show_minutes>"Xem biên bản"</button>
            <Show when=move || !locked.get()>
                <button id="confirm-minutes" class="primary" on:click=confirm>"Xác nhận biên bản"</button>
            </Show>
            {move || minutes.get().map(|m| view! { <pre id="minutes" class="minutes">{m.text}</pre> })}
        </div>
    }
    .into_any()
}

/// Sends the ballots this device holds, each forgotten once the server has answered it (counted now, counted
/// before, or refused with a reason); a ballot that met no answer stays for the next try.
fn send_pending_ballots(token: StoredValue<String>, message: RwSignal<Option<String>>) {
    spawn_local(async move {
        let Some(store) = store::current_store() else { return };
        let Ok(pending) = store.pending_ballots().await else { return };
        let mut answered = Vec::new();
        for (session_id, ballot) in pending {
            let url = session_url(&session_id, "/ballot");
            match api::send::<_, BallotReceipt>(&token.get_value(), false, &url, &ballot).await {
                Ok(receipt) => message.set(Some(receipt.message)),
                Err(TransportError::Refused(body)) => message.set(Some(body.message)),
                Err(_) => {
                    message.set(Some("Phiếu đã lưu trên thiết bị này và sẽ tự gửi khi có mạng.".into()));
                    continue;
                }
            }
            answered.push((session_id, ballot));
        }
        if answered.is_empty() {
            return;
        }
        if let Err(e) = store.forget_ballots(&answered).await {
            message.set(Some(e.user_message()));
        }
    });
}

/// The signed-in member's ballot paper: a choice per candidate, kept on the device first and then sent.
#[component]
fn MyBallot(
    open: RwSignal<Option<CouncilSession>>,
    ballot_box: RwSignal<BallotBox>,
    member: String,
    token: StoredValue<String>,
    message: RwSignal<Option<String>>,
    load_box: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let choices = RwSignal::new(BTreeMap::<String, BallotChoice>::new());
    let queued = RwSignal::new(false);
    let voted = Memo::new(move |_| queued.get() || ballot_box.with(|b| b.voted.contains(&member)));
    let may_vote = move || {
        !voted.get() && open.with(|s| s.as_ref().is_some_and(|s| !s.locked())) && !ballot_box.with(|b| b.closed)
    };
    let cast = move |_| {
        let Some(session) = open.get_untracked() else { return };
        let marked = choices.get_untracked();
        let ballot = CastBallot {
            choices: session
                .candidates
                .iter()
                .map(|c| {
                    (c.nomination_id.clone(), marked.get(&c.nomination_id).copied().unwrap_or(BallotChoice::Blank))
                })
                .collect(),
        };
        spawn_local(async move {
            let Some(store) = store::current_store() else { return };
            if let Err(e) = store.queue_ballot(&session.id, ballot).await {
                return message.set(Some(e.user_message()));
            }
            queued.set(true);
            send_pending_ballots(token, message);
            load_box();
        });
    };
    let candidates = open.with_untracked(|s| s.as_ref().map(|s| s.candidates.clone()).unwrap_or_default());
    view! {
        <Show when=may_vote fallback=move || view! {
            <p id="my-ballot-done" class="muted">{move || if voted.get() { "Bạn đã bỏ phiếu ở phiên họp này." } else { "" }}</p>
        }>
            <div class="table-box" tabindex="0"><table class="grid" id="my-ballot">
                <thead><tr><th>"Đối tượng"</th><th>"Danh hiệu, hình thức"</th><th>"Ý kiến của bạn (phiếu kín)"</th></tr></thead>
                <tbody>
                    {candidates.iter().map(|c| {
                        let nomination = c.nomination_id.clone();
                        view! {
                            <tr data-nomination=nomination.clone()>
                                <td>{c.nominee_name.clone()}</td><td>{c.title_name.clone()}</td>
                                <td>{[BallotChoice::Yes, BallotChoice::No].map(|choice| {
                                    let nomination = nomination.clone();
                                    view! {
                                        <label class="check">
                                            <input type="radio" name=format!("ballot-{nomination}") value=value_name(&choice)
                                                on:change=move |_| choices.update(|m| { m.insert(nomination.clone(), choice); }) />
                                            " " {choice.label()}
                                        </label>
                                    }
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <button id="cast-ballot" class="primary" on:click=cast>"Gửi phiếu"</button>
        </Show>
    }
}
