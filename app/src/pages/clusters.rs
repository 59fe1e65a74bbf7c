//! The cluster or block (cụm, khối thi đua): its covenant, the unit's self-score (a record, written offline like
//! any other and sent by the unit head), the board where the leading units review the members' figures and the
//! office gives part III and publishes, and the published ranking every member's tablet holds.

use std::collections::BTreeMap;

use domain::api::{ClusterBoard, ClusterChange, PublishRanking, ReviewChange, Role, StandingChange, UserProfile};
use domain::cluster::{points_text, Cluster, ClusterDefinition, Criterion, Measure, Ranking, ScoreEntry, SheetInputs};
use domain::model::cluster_score_id;
use domain::workflow::Action;
use domain::RecordKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

use crate::api;
use crate::draft::Draft;
use crate::local::LocalData;
use crate::pages::PageContext;
use crate::sync::{self, SyncState};
use crate::widgets::{record_state, rejection, ConfirmStep};

/// A member's own self-score form, drawn on field tablets only.
type MemberPart = fn(UserProfile, SyncState, Cluster, i32) -> AnyView;
/// The office's definitions of its clusters, drawn on the office's screens only.
type OfficePart = fn(String, LocalData, RwSignal<Option<String>>) -> AnyView;
/// What a board's form sends: the address after the year's, PUT (else POST), the body, what to say when done.
type Sent = (String, bool, serde_json::Value, &'static str);
/// The leader's review of a member, on field tablets only.
type ReviewPart = fn(String, Vec<Criterion>, Vec<ScoreEntry>, i64, Callback<Sent>) -> AnyView;
/// The standing body's part III for a member, on the office's screens only.
type StandingPart = fn(String, Vec<domain::cluster::Adjustment>, Vec<String>, i64, Callback<Sent>) -> AnyView;

/// The forms a bundle draws on the board.
#[derive(Clone, Copy)]
struct BoardParts {
    review: Option<ReviewPart>,
    standing: Option<StandingPart>,
}

/// The field's page: the unit's self-score, the ranking, and the board for the leading units. Each bundle names
/// only its own parts, so neither carries the other's code.
pub fn field_page(context: PageContext) -> AnyView {
    let member_part: MemberPart =
        |user, state, cluster, year| view! { <SelfScore user state cluster year /> }.into_any();
    let review: ReviewPart =
        |unit, criteria, entries, version, send| review_form(unit, criteria, entries, version, send).into_any();
    page(context, Some(member_part), None, BoardParts { review: Some(review), standing: None })
}

/// The office's and the council's page: the boards, the rankings and, for the office, the definitions.
pub fn office_page(context: PageContext) -> AnyView {
    let office_part: OfficePart = |token, local, message| view! { <Definitions token local message /> }.into_any();
    let standing: StandingPart =
        |unit, catalogue, held, version, send| standing_form(unit, catalogue, held, version, send).into_any();
    page(context, None, Some(office_part), BoardParts { review: None, standing: Some(standing) })
}

fn page(
    context: PageContext,
    member_part: Option<MemberPart>,
    office_part: Option<OfficePart>,
    parts: BoardParts,
) -> AnyView {
    let PageContext { user, state, local, token } = context;
    view! { <ClustersPage user state local token member_part office_part parts /> }.into_any()
}

/// A figure typed in a form ("12,5" or "12.5"), if it is a number not below 0.
fn typed_figure(text: String) -> Option<f64> {
    text.trim().replace(',', ".").parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0)
}

/// The clusters the user works in, each with the year it scores now (its latest). Without their version, reviews
/// and part III: the board fetches those itself, and a review saved (which raises the version) must not redraw
/// the page, dropping the board's message and any review being typed.
fn clusters_of(local: LocalData, user: &UserProfile) -> Vec<(Cluster, i32)> {
    let drawn = |c: &Cluster| {
        let mut c = c.clone();
        c.version = 0;
        for year in &mut c.years {
            year.reviews.clear();
            year.standing.clear();
        }
        c
    };
    local.reference.with(|r| {
        r.clusters
            .iter()
            .filter_map(|c| c.years.iter().map(|y| y.year).max().map(|year| (drawn(c), year)))
            .filter(|(c, year)| {
                user.role != Role::Staff && user.role != Role::UnitHead || c.is_member(&user.unit_id, *year)
            })
            .collect()
    })
}

#[component]
fn ClustersPage(
    user: UserProfile,
    state: SyncState,
    local: LocalData,
    token: String,
    member_part: Option<MemberPart>,
    office_part: Option<OfficePart>,
    parts: BoardParts,
) -> impl IntoView {
    let user = StoredValue::new(user);
    let token = StoredValue::new(token);
    // Sync stores the reference data again after every pull; a memo redraws the page (and drops a review being
    // typed) only when the clusters themselves change.
    let clusters = Memo::new(move |_| clusters_of(local, &user.get_value()));
    // Outside the redrawn part: saving a new cluster redraws it, and "Đã lưu" must outlive that.
    let definition_message = RwSignal::new(None::<String>);
    view! {
        {move || {
            let clusters = clusters.get();
            if clusters.is_empty() && user.with_value(|u| u.role != Role::Office) {
                return view! { <section class="card"><h1>"Cụm, khối thi đua"</h1><p>"Đơn vị chưa thuộc cụm, khối thi đua nào."</p></section> }.into_any();
            }
            let office = user.with_value(|u| u.role == Role::Office);
            let definitions = office.then_some(office_part).flatten().map(|part| part(token.get_value(), local, definition_message));
            let cards = clusters.into_iter().map(|(cluster, year)| {
                let profile = user.get_value();
                let member = cluster.is_member(&profile.unit_id, year);
                let leads = cluster.year(year).is_some_and(|y| y.leads(&profile.unit_id));
                let reads_board = leads || matches!(profile.role, Role::Office | Role::CouncilMember);
                let ranking = cluster.year(year).and_then(|y| y.ranking.clone());
                let heading = format!("{} · năm {year}", cluster.name);
                let leader = cluster.year(year).map(|y| leadership(&cluster, &y.leader, &y.deputies)).unwrap_or_default();
                let cluster = StoredValue::new(cluster);
                view! {
                    <section class="card cluster" data-cluster=cluster.with_value(|c| c.id.clone())>
                        <h1>{heading}</h1>
                        <p>{cluster.with_value(|c| c.kind.label())} " · " {leader}</p>
                        {cluster.with_value(|c| c.year(year).map(|y| {
                            let signed = domain::calendar::format_date(y.covenant.signed_on);
                            view! { <p class="muted covenant">{format!("Giao ước ký ngày {signed}; căn cứ: {}", y.covenant.basis)}</p> }
                        }))}
                        {ranking.map(|r| view! { <RankingTable ranking=r local /> })}
                        {member.then_some(member_part).flatten().map(|part| part(profile.clone(), state, cluster.get_value(), year))}
                        {reads_board.then(|| view! { <Board token=token.get_value() cluster_id=cluster.with_value(|c| c.id.clone()) year user=profile.clone() parts /> })}
                    </section>
                }
            }).collect_view();
            view! { {cards} {definitions} }.into_any()
        }}
    }
}

fn leadership(cluster: &Cluster, leader: &str, deputies: &[String]) -> String {
    let deputies: Vec<&str> = deputies.iter().map(|d| cluster.member_name(d)).collect();
    let mut text = format!("Trưởng cụm, khối: {}", cluster.member_name(leader));
    if !deputies.is_empty() {
        text.push_str(&format!("; phó: {}", deputies.join(", ")));
    }
    text
}

#[component]
fn RankingTable(ranking: Ranking, local: LocalData) -> impl IntoView {
    let title = move |code: &str| local.reference.with(|r| r.rulebook.title_name(code).to_owned());
    view! {
        <h2>"Kết quả xếp hạng đã công bố ngày " {domain::calendar::format_date(ranking.published_on)}</h2>
        <div class="table-box" tabindex="0"><table class="grid" id="cluster-ranking">
            <thead><tr><th>"Hạng"</th><th>"Đơn vị"</th><th>"Tổng điểm"</th><th>"Đề nghị"</th><th>"Ghi chú"</th></tr></thead>
            <tbody>
                {ranking.standings.into_iter().map(|s| view! {
                    <tr data-unit=s.unit_id.clone()>
                        <td class="rank">{s.rank}</td>
                        <td>{s.unit_name}</td>
                        <td class="total">{points_text(s.total)}</td>
                        <td class="proposed">{s.proposed.as_deref().map(title).unwrap_or_default()}</td>
                        <td class="note">{s.note.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

/// The unit's own figures against the covenant, with its evidence: a record on the tablet, so it is written
/// offline and merged like a report; the head sends it.
#[component]
fn SelfScore(user: UserProfile, state: SyncState, cluster: Cluster, year: i32) -> impl IntoView {
    let Some(cluster_year) = cluster.year(year).cloned() else { return ().into_any() };
    let covenant = StoredValue::new(cluster_year.covenant);
    let draft = Draft::new(RecordKind::ClusterScore, &user.unit_id, &user.id, state);
    draft.set_on_create(
        [("cluster_id".to_owned(), json!(cluster.id)), ("year".to_owned(), json!(year.to_string()))]
            .into_iter()
            .collect(),
    );
    draft.open(cluster_score_id(&user.unit_id, year));
    let entries = move || draft.list::<ScoreEntry>("entries");
    let entry = move |code: &str| {
        entries()
            .into_iter()
            .find(|e| e.criterion == code)
            .unwrap_or_else(|| ScoreEntry { criterion: code.to_owned(), ..ScoreEntry::default() })
    };
    let change = move |code: String, apply: Box<dyn Fn(&mut ScoreEntry)>| {
        let mut all = entries();
        match all.iter_mut().find(|e| e.criterion == code) {
            Some(found) => apply(found),
            None => {
                let mut fresh = ScoreEntry { criterion: code, ..ScoreEntry::default() };
                apply(&mut fresh);
                all.push(fresh);
            }
        }
        draft.set("entries", json!(all));
    };
    let sheet = move || {
        let own = entries();
        covenant.with_value(|c| c.sheet(&SheetInputs { own: Some(&own), ..SheetInputs::default() }))
    };
    let is_head = user.role == Role::UnitHead;
    view! {
        <h2>"Đơn vị tự chấm điểm"</h2>
        <div class="title-row">
            {record_state(draft, "cluster-score-state", "cluster-score-status")}
        </div>
        <p class="error" role="alert">{move || draft.error.get()}</p>
        {rejection(draft)}
        <div class="table-box" tabindex="0"><table class="grid" id="self-score">
            <thead><tr><th>"Tiêu chí"</th><th>"Điểm chuẩn"</th><th>"Kế hoạch"</th><th>"Thực hiện / xếp loại"</th><th>"Minh chứng"</th><th>"Điểm"</th></tr></thead>
            <tbody>
                {covenant.with_value(|c| c.criteria.clone()).into_iter().map(|criterion| {
                    let code = StoredValue::new(criterion.code.clone());
                    let graded = criterion.measure == Measure::Graded;
                    let figure = move || sheet().criteria.into_iter().find(|s| s.code == code.get_value());
                    let grades = covenant.with_value(|c| c.grades.iter().map(|g| g.grade.clone()).collect::<Vec<_>>());
                    view! {
                        <tr class="criterion" data-code=criterion.code.clone()>
                            <td>{criterion.text.clone()} {(criterion.measure == Measure::Reduce).then_some(" (càng ít càng tốt)")}</td>
                            <td>{points_text(criterion.points)}</td>
                            <td>{(!graded).then(|| view! {
                                <input class="plan" aria-label="Kế hoạch" inputmode="decimal" readonly=move || !draft.editable()
                                    prop:value=move || entry(&code.get_value()).plan.map(points_text).unwrap_or_default()
                                    on:change=move |ev| { let v = typed_figure(event_target_value(&ev)); change(code.get_value(), Box::new(move |e| e.plan = v)) } />
                            })}</td>
                            <td>{if graded {
                                view! {
                                    <select class="grade" aria-label="Xếp loại" disabled=move || !draft.editable()
                                        on:change=move |ev| { let g = event_target_value(&ev); change(code.get_value(), Box::new(move |e| e.grade = (!g.is_empty()).then(|| g.clone()))) }>
                                        <option value="">"— Xếp loại —"</option>
                                        {grades.into_iter().map(|g| {
                                            let selected = { let g = g.clone(); move || entry(&code.get_value()).grade.as_deref() == Some(g.as_str()) };
                                            view! { <option value=g.clone() selected=selected>{format!("Loại {g}")}</option> }
                                        }).collect_view()}
                                    </select>
                                }.into_any()
                            } else {
                                view! {
                                    <input class="actual" aria-label="Thực hiện" inputmode="decimal" readonly=move || !draft.editable()
                                        prop:value=move || entry(&code.get_value()).actual.map(points_text).unwrap_or_default()
                                        on:change=move |ev| { let v = typed_figure(event_target_value(&ev)); change(code.get_value(), Box::new(move |e| e.actual = v)) } />
                                }.into_any()
                            }}</td>
                            <td><input class="evidence" aria-label="Minh chứng" readonly=move || !draft.editable()
                                prop:value=move || entry(&code.get_value()).evidence
                                on:change=move |ev| { let v = event_target_value(&ev); change(code.get_value(), Box::new(move |e| e.evidence = v.clone())) } /></td>
                            <td class="points" title=move || figure().map(|f| f.working).unwrap_or_default()>
                                {move || figure().map(|f| points_text(f.base + f.over_plan)).unwrap_or_default()}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
        <p id="self-score-total">
            {move || { let s = sheet(); format!("Phần I: {} điểm · Phần II (vượt kế hoạch): {} điểm · Cộng: {} điểm", points_text(s.part_one), points_text(s.part_two), points_text(s.part_one + s.part_two)) }}
        </p>
        <p class="hint">"Phần III (điểm cộng, trừ) do Văn phòng chấm; báo cáo quý gửi muộn bị trừ điểm theo giao ước."</p>
        <Show when=move || is_head && draft.editable() && draft.record.get().is_some()>
            <ConfirmStep id="submit-cluster-score" label="Gửi điểm tự chấm"
                question="Gửi điểm tự chấm cho trưởng cụm, khối? Sau khi gửi không sửa được."
                problems=Signal::stored(Vec::new())
                on_confirm=Callback::new(move |_| draft.transition(Action::Submit)) />
        </Show>
    }
    .into_any()
}

/// Every member's sheet, online: the leading units review the figures, the office gives part III and publishes.
#[component]
fn Board(token: String, cluster_id: String, year: i32, user: UserProfile, parts: BoardParts) -> impl IntoView {
    let token = StoredValue::new(token);
    let url = StoredValue::new(format!("/api/clusters/{}/years/{year}", js_sys::encode_uri_component(&cluster_id)));
    let board = RwSignal::new(None::<ClusterBoard>);
    // What the board's own load says (a load that works clears it), apart from what an action says: the reload
    // after a saved review must not wipe "Đã lưu".
    let load_error = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match api::get::<ClusterBoard>(&token.get_value(), &url.get_value()).await {
                Ok(b) => {
                    board.set(Some(b));
                    load_error.set(None);
                }
                Err(e) => load_error.set(Some(e.to_string())),
            }
        });
    };
    load();
    let office = user.role == Role::Office;
    let reviewer = StoredValue::new(if user.role == Role::UnitHead { Some(user.unit_id.clone()) } else { None });
    let send = Callback::new(move |(tail, put, body, done): Sent| {
        spawn_local(async move {
            let result: Result<Cluster, _> =
                api::send(&token.get_value(), put, &format!("{}{tail}", url.get_value()), &body).await;
            match result {
                Ok(_) => {
                    message.set(Some(done.to_owned()));
                    sync::refresh_reference();
                    load();
                }
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    });
    view! {
        <h2>"Bảng điểm các đơn vị"</h2>
        <p class="error" role="alert">{move || load_error.get()}</p>
        <p class="error" role="alert" id="board-message">{move || message.get()}</p>
        {move || board.get().map(|b| {
            let version = b.cluster.version;
            let cluster_year = b.cluster.year(b.year).cloned();
            let published = cluster_year.as_ref().is_some_and(|y| y.ranking.is_some());
            let adjustments = cluster_year.as_ref().map(|y| y.covenant.adjustments.clone()).unwrap_or_default();
            let criteria: Vec<Criterion> = cluster_year.as_ref().map(|y| y.covenant.criteria.clone()).unwrap_or_default();
            let standing: BTreeMap<String, Vec<String>> = cluster_year.as_ref().map(|y| y.standing.clone()).unwrap_or_default();
            let ranks: BTreeMap<String, u32> = b.ranking.standings.iter().map(|s| (s.unit_id.clone(), s.rank)).collect();
            view! {
                <div class="table-box" tabindex="0"><table class="grid" id="cluster-board">
                    <thead><tr><th>"Hạng tạm tính"</th><th>"Đơn vị"</th><th>"Phần I"</th><th>"Phần II"</th><th>"Phần III"</th><th>"Tổng"</th><th></th></tr></thead>
                    <tbody>
                        {b.rows.into_iter().map(|row| {
                            let unit = row.sheet.unit_id.clone();
                            let may_review = !published && row.own.is_some()
                                && reviewer.get_value().is_some_and(|r| cluster_year.as_ref().is_some_and(|y| y.may_review(&r, &unit)));
                            let review_entries = cluster_year.as_ref().and_then(|y| y.reviews.get(&unit)).map(|r| r.entries.clone())
                                .or(row.own.clone()).unwrap_or_default();
                            let held = standing.get(&unit).cloned().unwrap_or_default();
                            let state = if !row.sheet.scored { "Chưa gửi điểm tự chấm" } else if row.sheet.reviewed { "Đã thẩm định" } else { "Chờ thẩm định" };
                            view! {
                                <tr class="board-row" data-unit=unit.clone()>
                                    <td class="rank">{ranks.get(&unit).map(|r| r.to_string()).unwrap_or_else(|| "—".into())}</td>
                                    <td>{row.sheet.unit_name.clone()} <br/> <small class="state">{state}</small></td>
                                    <td>{points_text(row.sheet.part_one)}</td>
                                    <td>{points_text(row.sheet.part_two)}</td>
                                    <td class="part-three">
                                        {points_text(row.sheet.part_three)}
                                        <ul>{row.sheet.adjustments.iter().map(|a| view! { <li>{format!("{} ({})", a.text, points_text(a.points))}</li> }).collect_view()}</ul>
                                    </td>
                                    <td class="total">{points_text(row.sheet.total)}</td>
                                    <td>
                                        {parts.review.filter(|_| may_review).map(|part| part(unit.clone(), criteria.clone(), review_entries, version, send))}
                                        {parts.standing.filter(|_| office && !published).map(|part| part(unit.clone(), adjustments.clone(), held, version, send))}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
                {(parts.standing.is_some() && office && !published).then(|| view! {
                    <button id="publish-ranking" class="primary" on:click=move |_| {
                        let ok = window().confirm_with_message("Công bố kết quả xếp hạng? Sau khi công bố không sửa được điểm năm này.").unwrap_or(false);
                        if ok { send.run(("/ranking".into(), false, json!(PublishRanking { version }), "Đã công bố kết quả xếp hạng.")) }
                    }>"Công bố xếp hạng"</button>
                })}
            }
        })}
    }
}

/// The leader's figures for a member, criterion by criterion as the covenant lists them: its own (or the last
/// review's) to start from, to correct where the evidence does not bear them out.
fn review_form(
    unit: String,
    criteria: Vec<Criterion>,
    entries: Vec<ScoreEntry>,
    version: i64,
    send: Callback<Sent>,
) -> impl IntoView {
    let start: Vec<ScoreEntry> = criteria
        .iter()
        .map(|c| {
            let found = entries.iter().find(|e| e.criterion == c.code).cloned();
            found.unwrap_or_else(|| ScoreEntry { criterion: c.code.clone(), ..ScoreEntry::default() })
        })
        .collect();
    let edited = RwSignal::new(start);
    let tail = format!("/reviews/{}", js_sys::encode_uri_component(&unit));
    view! {
        <details class="review">
            <summary>"Thẩm định"</summary>
            {criteria.into_iter().enumerate().map(|(index, criterion)| {
                let current = edited.with_untracked(|all| all.get(index).cloned()).unwrap_or_default();
                let figure = |x: Option<f64>| x.map(points_text).unwrap_or_default();
                let set = move |change: Box<dyn Fn(&mut ScoreEntry)>| edited.update(|all| if let Some(row) = all.get_mut(index) { change(row) });
                view! {
                    <div class="review-entry" data-code=criterion.code.clone()>
                        <span>{criterion.text.clone()} ": "</span>
                        {if criterion.measure == Measure::Graded {
                            view! {
                                <input class="grade" aria-label="Xếp loại" value=current.grade.clone().unwrap_or_default()
                                    on:change=move |ev| { let g = event_target_value(&ev).trim().to_uppercase(); set(Box::new(move |e| e.grade = (!g.is_empty()).then(|| g.clone()))) } />
                            }.into_any()
                        } else {
                            view! {
                                <input class="plan" aria-label="Kế hoạch" inputmode="decimal" value=figure(current.plan)
                                    on:change=move |ev| { let v = typed_figure(event_target_value(&ev)); set(Box::new(move |e| e.plan = v)) } />
                                " / "
                                <input class="actual" aria-label="Thực hiện" inputmode="decimal" value=figure(current.actual)
                                    on:change=move |ev| { let v = typed_figure(event_target_value(&ev)); set(Box::new(move |e| e.actual = v)) } />
                            }.into_any()
                        }}
                    </div>
                }
            }).collect_view()}
            <button class="save-review secondary" on:click=move |_| {
                let body = ReviewChange { version, entries: edited.get_untracked() };
                send.run((tail.clone(), true, json!(body), "Đã lưu điểm thẩm định."));
            }>"Lưu thẩm định"</button>
        </details>
    }
}

/// The standing body's bonuses and penalties for a member, as ticks on the covenant's catalogue.
fn standing_form(
    unit: String,
    catalogue: Vec<domain::cluster::Adjustment>,
    held: Vec<String>,
    version: i64,
    send: Callback<Sent>,
) -> impl IntoView {
    let ticked = RwSignal::new(held);
    let tail = format!("/standing/{}", js_sys::encode_uri_component(&unit));
    view! {
        <details class="standing">
            <summary>"Điểm cộng, trừ (phần III)"</summary>
            {catalogue.into_iter().map(|a| {
                let code = a.code.clone();
                let checked = ticked.get_untracked().contains(&code);
                view! {
                    <label><input type="checkbox" data-code=code.clone() checked=checked on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ticked.update(|all| { all.retain(|c| *c != code); if on { all.push(code.clone()) } });
                    } /> {format!("{} ({})", a.text, points_text(a.points))}</label>
                }
            }).collect_view()}
            <button class="save-standing secondary" on:click=move |_| {
                let body = StandingChange { version, codes: ticked.get_untracked() };
                send.run((tail.clone(), true, json!(body), "Đã lưu điểm cộng, trừ."));
            }>"Lưu"</button>
        </details>
    }
}

/// The office's definitions of its clusters: members, leadership and covenants, written as JSON (as the rulebook
/// is).
#[component]
fn Definitions(token: String, local: LocalData, message: RwSignal<Option<String>>) -> impl IntoView {
    let token = StoredValue::new(token);
    // A change is made on the version the tablet holds when saving (a review or part III saved meanwhile raised it
    // without redrawing this editor); a new cluster on version 0, so an id already taken is refused, not replaced.
    let save = move |id: String, text: String, new: bool| {
        let held = local.reference.with_untracked(|r| r.clusters.iter().find(|c| c.id == id).map(|c| c.version));
        let version = if new { 0 } else { held.unwrap_or(0) };
        let definition = match serde_json::from_str::<ClusterDefinition>(&text) {
            Ok(definition) => definition,
            Err(e) => {
                message.set(Some(format!("Nội dung không đúng định dạng: {e}")));
                return;
            }
        };
        spawn_local(async move {
            let url = format!("/api/clusters/{}", js_sys::encode_uri_component(&id));
            let body = ClusterChange { version, definition };
            match api::send::<_, Cluster>(&token.get_value(), true, &url, &body).await {
                Ok(saved) => {
                    message.set(Some(format!("Đã lưu “{}” (phiên bản {}).", saved.name, saved.version)));
                    sync::refresh_reference();
                }
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    let pretty = |definition: &ClusterDefinition| serde_json::to_string_pretty(definition).unwrap_or_default();
    let stored = local.reference.with_untracked(|r| r.clusters.clone());
    let template = stored.first().map(|c| pretty(&ClusterDefinition::of(c))).unwrap_or_default();
    let (new_id, new_text) = (RwSignal::new(String::new()), RwSignal::new(template));
    view! {
        <section class="card definitions">
            <h2>"Định nghĩa cụm, khối thi đua"</h2>
            <p class="muted">"Thành viên (ngày vào, ngày rời), trưởng, phó cụm và giao ước của từng năm. Năm đã công bố kết quả không sửa được."</p>
            <p class="error" role="alert" id="definition-message">{move || message.get()}</p>
            {stored.into_iter().map(|cluster| {
                let text = RwSignal::new(pretty(&ClusterDefinition::of(&cluster)));
                let id = cluster.id.clone();
                view! {
                    <details class="definition" data-cluster=cluster.id.clone()>
                        <summary>{cluster.name.clone()}</summary>
                        <textarea rows="16" class="json" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        <button class="secondary save-definition" on:click=move |_| save(id.clone(), text.get_untracked(), false)>"Lưu"</button>
                    </details>
                }
            }).collect_view()}
            <details class="definition new">
                <summary>"Thêm cụm, khối"</summary>
                <label for="new-cluster-id">"Mã (chữ thường không dấu, số, gạch nối)"</label>
                <input id="new-cluster-id" prop:value=move || new_id.get() on:input=move |ev| new_id.set(event_target_value(&ev)) />
                <textarea rows="16" class="json" prop:value=move || new_text.get() on:input=move |ev| new_text.set(event_target_value(&ev))></textarea>
                <button class="secondary" id="add-cluster" on:click=move |_| save(new_id.get_untracked().trim().to_owned(), new_text.get_untracked(), true)>"Thêm"</button>
            </details>
        </section>
    }
}
