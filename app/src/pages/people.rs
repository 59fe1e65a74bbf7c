//! People's records (résumé, yearly ratings and discipline, initiatives, awards) and the unit's own awards,
//! including those of units merged into it.

use chrono::Datelike;
use domain::api::UserProfile;
use domain::dossier::{AwardEntry, Discipline, Initiative, InitiativeKind, Rating, Scope, Track, YearRecord};
use domain::model::unit_profile_id;
use domain::replica::LocalRecord;
use domain::RecordKind;
use leptos::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::draft::Draft;
use crate::format::{parse_name, today, value_name};
use crate::local::{person_name, LocalData};
use crate::pages::PageContext;
use crate::store;
use crate::sync::SyncState;
use crate::widgets::{attachments_panel, draft_conflicts, record_status, rejection, Choice};

pub fn page(context: PageContext) -> AnyView {
    let PageContext { user, state, local, .. } = context;
    view! { <PeoplePage user state local /> }.into_any()
}

fn rating_options() -> Vec<(String, String)> {
    Rating::ALL.iter().map(|r| (value_name(r), r.label().to_owned())).collect()
}

#[component]
fn PeoplePage(user: UserProfile, state: SyncState, local: LocalData) -> impl IntoView {
    let draft = Draft::new(RecordKind::Person, &user.unit_id, &user.id, state);
    let profile = Draft::new(RecordKind::UnitProfile, &user.unit_id, &user.id, state);
    profile.open(unit_profile_id(&user.unit_id));
    let own_unit = StoredValue::new(user.unit_id.clone());
    let people = move || {
        let units = local.lineage(&own_unit.get_value());
        let mut list: Vec<LocalRecord> =
            local.of_kind(RecordKind::Person).into_iter().filter(|p| units.contains(&p.unit_id)).collect();
        list.sort_by_key(person_name);
        list
    };
    view! {
        <section class="card">
            <div class="title-row">
                <h1>"Hồ sơ cá nhân"</h1>
                <button id="new-person" class="primary" on:click=move |_| {
                    draft.open(Uuid::new_v4());
                    draft.set("full_name", json!(""));
                }>"Thêm người"</button>
            </div>
            <ul class="people">
                {move || people().into_iter().map(|p| {
                    let id = p.id;
                    let moved = p.unit_id != own_unit.get_value();
                    let unit = local.unit_name(&p.unit_id);
                    view! {
                        <li class="person" data-id=id.to_string() class:selected=move || draft.id.get() == Some(id)>
                            <button class="link" on:click=move |_| draft.open(id)>{person_name(&p)}</button>
                            " · " {store::text_of(&p.fields, "position")}
                            {moved.then(|| view! { <span class="muted">" (từ " {unit} ")"</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || draft.id.get().is_some()>
                <PersonForm draft local state />
            </Show>
        </section>
        <section class="card">
            <h1>"Khen thưởng của tập thể"</h1>
            <p class="muted">"Kể cả khen thưởng các năm trước và của đơn vị đã hợp nhất vào đơn vị này."</p>
            <div class="title-row">
                <span></span>
                {record_status(profile, "unit-profile-status")}
            </div>
            <p class="error">{move || profile.error.get()}</p>
            {rejection(profile)}
            {draft_conflicts(profile, local, None)}
            <AwardsTable draft=profile local id_prefix="unit" />
            {move || {
                let own = own_unit.get_value();
                let units = local.lineage(&own);
                local.of_kind(RecordKind::UnitProfile).into_iter()
                    .filter(|r| r.unit_id != own && units.contains(&r.unit_id))
                    .map(|r| {
                        let awards: Vec<AwardEntry> = r.fields.get("awards").cloned().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
                        view! {
                            <h2>{local.unit_name(&r.unit_id)} " (đã hợp nhất)"</h2>
                            <ul>{awards.into_iter().map(|a| view! { <li>{a.year} " · " {a.title} " · " {a.decision_number}</li> }).collect_view()}</ul>
                        }
                    }).collect_view()
            }}
        </section>
    }
}

#[component]
fn PersonForm(draft: Draft, local: LocalData, state: SyncState) -> impl IntoView {
    let text_field = move |name: &'static str, label: &'static str| {
        let id = format!("person-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id prop:value=move || draft.text(name) on:input=move |ev| draft.set(name, json!(event_target_value(&ev))) />
            </div>
        }
    };
    let years = move || draft.list::<YearRecord>("years");
    let initiatives = move || draft.list::<Initiative>("initiatives");
    let this_year = today().year();
    // A photo or a scan may prove one initiative or one award of the person's.
    let evidence_for = Signal::derive(move || {
        let initiatives = initiatives().into_iter().map(|i| format!("Sáng kiến: {}", i.name));
        let awards =
            draft.list::<AwardEntry>("awards").into_iter().map(|a| format!("Khen thưởng {}: {}", a.year, a.title));
        initiatives.chain(awards).filter(|choice| !choice.ends_with(": ")).collect()
    });
    view! {
        <div class="form person-form">
            <div class="title-row">
                <h2>"Hồ sơ của " {move || draft.text("full_name")}</h2>
                {record_status(draft, "person-status")}
            </div>
            <p class="error" role="alert">{move || draft.error.get()}</p>
            {rejection(draft)}
            {draft_conflicts(draft, local, None)}
            <h2>"I. Sơ lược lý lịch"</h2>
            {text_field("full_name", "Họ và tên")}
            {text_field("birth_date", "Ngày sinh")}
            {text_field("gender", "Giới tính")}
            {text_field("hometown", "Quê quán")}
            {text_field("position", "Chức vụ, vị trí việc làm")}
            {text_field("qualification", "Trình độ chuyên môn")}
            <label class="check">
                <input id="person-direct_worker" type="checkbox" prop:checked=move || draft.get("direct_worker").as_bool().unwrap_or(false)
                    on:change=move |ev| draft.set("direct_worker", json!(event_target_checked(&ev))) />
                " Người lao động trực tiếp"
            </label>
            <h2>"Xếp loại hằng năm và kỷ luật"</h2>
            <div class="table-box" tabindex="0"><table class="grid">
                <thead><tr><th>"Năm"</th><th>"Xếp loại"</th><th>"Kỷ luật"</th><th>"Số tháng công tác"</th><th></th></tr></thead>
                <tbody>
                    {move || years().into_iter().enumerate().map(|(index, row)| {
                        let update = move |change: &dyn Fn(&mut YearRecord)| draft.update_row("years", index, |row: &mut YearRecord| change(row));
                        view! {
                            <tr class="year-row">
                                <td><input class="year" aria-label="Năm" type="number" prop:value=row.year.to_string()
                                    on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { update(&|r: &mut YearRecord| r.year = y) } /></td>
                                <td><Choice id=format!("rating-{index}") class="rating" label="Xếp loại" options=Signal::derive(rating_options)
                                    value=Signal::derive(move || value_name(&row.rating))
                                    on_change=Callback::new(move |v: String| if let Some(rating) = parse_name::<Rating>(&v) { update(&|r: &mut YearRecord| r.rating = rating) }) /></td>
                                <td><Choice id=format!("discipline-{index}") class="discipline" label="Kỷ luật" placeholder="Không"
                                    options=Signal::derive(|| Discipline::ALL.iter().map(|d| (value_name(d), d.label().to_owned())).collect())
                                    value=Signal::derive(move || row.discipline.map(|d| value_name(&d)).unwrap_or_default())
                                    on_change=Callback::new(move |v: String| { let d = parse_name::<Discipline>(&v); update(&|r: &mut YearRecord| r.discipline = d) }) /></td>
                                <td><input class="months" aria-label="Số tháng công tác" type="number" min="0" max="12" placeholder="12"
                                    prop:value=row.months_worked.map(|m| m.to_string()).unwrap_or_default()
                                    on:change=move |ev| {
                                        let worked = event_target_value(&ev).parse::<u8>().ok().map(|m| m.min(12));
                                        update(&|r: &mut YearRecord| r.months_worked = worked)
                                    } /></td>
                                <td><button class="secondary" on:click=move |_| { draft.remove_row::<YearRecord>("years", index) }>"Xoá"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <button id="add-year" class="secondary" on:click=move |_| {
                let next = years().iter().map(|y| y.year + 1).max().unwrap_or(this_year - 1).min(this_year);
                draft.push_row("years", YearRecord { year: next, rating: Rating::Tot, discipline: None, months_worked: None });
            }>"Thêm năm"</button>
            <h2>"Sáng kiến được công nhận, đề tài, đề án khoa học được nghiệm thu"</h2>
            <div class="table-box" tabindex="0"><table class="grid">
                <thead><tr><th>"Loại"</th><th>"Số công nhận"</th><th>"Tên"</th><th>"Năm"</th><th>"Cấp công nhận"</th><th></th></tr></thead>
                <tbody>
                    {move || initiatives().into_iter().enumerate().map(|(index, row)| {
                        let update = move |change: &dyn Fn(&mut Initiative)| draft.update_row("initiatives", index, |row: &mut Initiative| change(row));
                        view! {
                            <tr class="initiative-row">
                                <td><Choice id=format!("initiative-kind-{index}") class="kind" label="Loại"
                                    options=Signal::derive(|| InitiativeKind::ALL.iter().map(|k| (value_name(k), k.label().to_owned())).collect())
                                    value=Signal::derive(move || value_name(&row.kind))
                                    on_change=Callback::new(move |v: String| if let Some(k) = parse_name::<InitiativeKind>(&v) { update(&|r: &mut Initiative| r.kind = k) }) /></td>
                                <td><input class="number" aria-label="Số công nhận" prop:value=row.number.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut Initiative| r.number = v.clone()) } /></td>
                                <td><input class="name" aria-label="Tên sáng kiến, đề tài" prop:value=row.name.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut Initiative| r.name = v.clone()) } /></td>
                                <td><input class="year" aria-label="Năm" type="number" prop:value=row.year.to_string() on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { update(&|r: &mut Initiative| r.year = y) } /></td>
                                <td><Choice id=format!("scope-{index}") class="scope" label="Cấp công nhận"
                                    options=Signal::derive(|| Scope::ALL.iter().map(|s| (value_name(s), s.label().to_owned())).collect())
                                    value=Signal::derive(move || value_name(&row.scope))
                                    on_change=Callback::new(move |v: String| if let Some(s) = parse_name::<Scope>(&v) { update(&|r: &mut Initiative| r.scope = s) }) /></td>
                                <td><button class="secondary" on:click=move |_| { draft.remove_row::<Initiative>("initiatives", index) }>"Xoá"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <button id="add-initiative" class="secondary" on:click=move |_| {
                draft.push_row("initiatives", Initiative { number: String::new(), name: String::new(), year: this_year, scope: Scope::CoSo, kind: InitiativeKind::SangKien });
            }>"Thêm sáng kiến"</button>
            <h2>"Các hình thức đã được khen thưởng"</h2>
            <AwardsTable draft local id_prefix="person" />
            {attachments_panel(draft.fields.into(), Some(draft), state, evidence_for)}
        </div>
    }
}

/// Award history: year, title or form (from the catalog, or as written on an old decision), decision and issuer,
/// and which achievement it rewarded (the track, and the dates of an ad-hoc or thematic one), so the same
/// achievement is not rewarded twice.
#[component]
fn AwardsTable(draft: Draft, local: LocalData, id_prefix: &'static str) -> impl IntoView {
    let awards = move || draft.list::<AwardEntry>("awards");
    // A unit's profile has no initiatives: the column then stays empty.
    let initiatives = move || {
        draft
            .list::<Initiative>("initiatives")
            .into_iter()
            .map(|i| (i.number.clone(), format!("{} — {}", i.number, i.name)))
            .collect::<Vec<_>>()
    };
    let list_id = format!("{id_prefix}-titles");
    view! {
        <datalist id=list_id.clone()>
            {move || local.reference.with(|r| r.rulebook.titles.iter().map(|t| t.name.clone()).collect::<Vec<_>>()).into_iter().map(|name| view! { <option value=name /> }).collect_view()}
        </datalist>
        <div class="table-box" tabindex="0"><table class="grid awards">
            <thead><tr><th>"Năm"</th><th>"Danh hiệu, hình thức"</th><th>"Số quyết định"</th><th>"Ngày"</th><th>"Cơ quan ban hành"</th><th>"Đơn vị lúc được khen"</th><th>"Loại thành tích"</th><th>"Thời gian thành tích"</th><th>"Sáng kiến được khen"</th><th></th></tr></thead>
            <tbody>
                {move || {
                    let rows = awards();
                    let read: Vec<Option<String>> = local.reference.with(|r| {
                        let index = r.rulebook.index();
                        rows.iter().map(|row| index.resolve(&row.title).map(|t| t.name.clone())).collect()
                    });
                    rows.into_iter().zip(read).enumerate().map(|(index, (row, read_as))| {
                    let update = move |change: &dyn Fn(&mut AwardEntry)| draft.update_row("awards", index, |row: &mut AwardEntry| change(row));
                    let known = read_as.is_some();
                    let explained = match read_as {
                        Some(name) if name != row.title.trim() => format!("Đọc là \"{name}\""),
                        Some(_) => String::new(),
                        None => "Tên này không khớp danh mục; điều kiện nhiều năm sẽ không tính".to_owned(),
                    };
                    view! {
                        <tr class="award-row">
                            <td><input class="year" aria-label="Năm" type="number" prop:value=row.year.to_string() on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { update(&|r: &mut AwardEntry| r.year = y) } /></td>
                            <td><input class="title" aria-label="Danh hiệu, hình thức" list=format!("{id_prefix}-titles") prop:value=row.title.clone() class:unknown=!known && !row.title.is_empty()
                                title=explained
                                on:change=move |ev| { let v = event_target_value(&ev); update(&|r: &mut AwardEntry| r.title = v.clone()) } /></td>
                            <td><input class="decision" aria-label="Số quyết định" prop:value=row.decision_number.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut AwardEntry| r.decision_number = v.clone()) } /></td>
                            <td><input class="date" aria-label="Ngày quyết định" placeholder="dd/mm/yyyy" prop:value=row.decision_date.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut AwardEntry| r.decision_date = v.clone()) } /></td>
                            <td><input class="issuer" aria-label="Cơ quan ban hành" prop:value=row.issuer.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut AwardEntry| r.issuer = v.clone()) } /></td>
                            <td><input class="unit" aria-label="Đơn vị lúc được khen" prop:value=row.unit.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut AwardEntry| r.unit = v.clone()) } /></td>
                            <td><Choice id=format!("{id_prefix}-award-track-{index}") class="track" label="Loại thành tích" placeholder="— Không ghi —"
                                options=Signal::derive(|| Track::ALL.iter().map(|t| (value_name(t), t.label().to_owned())).collect())
                                value=Signal::derive(move || row.track.map(|t| value_name(&t)).unwrap_or_default())
                                on_change=Callback::new(move |v: String| { let t = parse_name::<Track>(&v); update(&|r: &mut AwardEntry| r.track = t) }) /></td>
                            <td>
                                <input class="achievement-from" aria-label="Thành tích từ ngày" type="date" prop:value=row.achievement_from.map(|d| d.to_string()).unwrap_or_default()
                                    on:change=move |ev| { let d = event_target_value(&ev).parse().ok(); update(&|r: &mut AwardEntry| r.achievement_from = d) } />
                                <input class="achievement-to" aria-label="Thành tích đến ngày" type="date" prop:value=row.achievement_to.map(|d| d.to_string()).unwrap_or_default()
                                    on:change=move |ev| { let d = event_target_value(&ev).parse().ok(); update(&|r: &mut AwardEntry| r.achievement_to = d) } />
                            </td>
                            <td><Choice id=format!("{id_prefix}-award-initiative-{index}") class="initiative" label="Sáng kiến được khen" placeholder="— Không —"
                                options=Signal::derive(initiatives)
                                value=Signal::derive(move || row.initiative.clone().unwrap_or_default())
                                on_change=Callback::new(move |v: String| { let i = (!v.is_empty()).then_some(v); update(&|r: &mut AwardEntry| r.initiative = i.clone()) }) /></td>
                            <td><button class="secondary" on:click=move |_| { draft.remove_row::<AwardEntry>("awards", index) }>"Xoá"</button></td>
                        </tr>
                    }
                }).collect_view()
                }}
            </tbody>
        </table></div>
        <button id=format!("{id_prefix}-add-award") class="secondary add-award" on:click=move |_| {
            draft.push_row("awards", AwardEntry { year: today().year() - 1, ..AwardEntry::default() });
        }>"Thêm khen thưởng"</button>
        <DecidedAwards draft />
    }
}

/// The awards of decisions issued in the product: written by the server, linked to their decision, not editable.
#[component]
fn DecidedAwards(draft: Draft) -> impl IntoView {
    let decided = move || draft.list::<AwardEntry>("decided_awards");
    view! {
        <Show when=move || !decided().is_empty()>
            <h3>"Khen thưởng theo quyết định đã ban hành (không sửa được)"</h3>
            <ul class="decided-awards">
                {move || decided().into_iter().map(|a| view! {
                    <li class="decided-award">{a.year} " · " {a.title.clone()} " · " {a.decision()}</li>
                }).collect_view()}
            </ul>
        </Show>
    }
}
