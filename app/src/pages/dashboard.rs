//! The office's and the council's dashboard for a year and a quarter: charts drawn as SVG (no chart library),
//! each bar clickable to show the list it counts.

use chrono::Datelike;
use domain::calendar::{format_date, Quarter};
use domain::dashboard::{Chart, Dashboard, DirectShare, MovementSpan, ReportTiming};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::format::today;
use crate::pages::PageContext;

pub fn page(context: PageContext) -> AnyView {
    view! { <DashboardPage token=context.token /> }.into_any()
}

/// Width of the bar area, in the SVG's own units (it scales with the screen): labels on its left, counts on its
/// right. Whole units: writing floats would pull the float printer into the bundle.
const BAR_WIDTH: u32 = 300;
const ROW: u32 = 28;
const VIEW_WIDTH: u32 = 600;

/// `part` of `whole` on a bar of `BAR_WIDTH`.
fn bar_length(part: u64, whole: u64) -> u32 {
    u32::try_from(u64::from(BAR_WIDTH) * part / whole.max(1)).unwrap_or(BAR_WIDTH)
}

fn row_of(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(0).saturating_mul(ROW)
}

#[component]
fn DashboardPage(token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    let now = Quarter::of(today());
    let year = RwSignal::new(now.year);
    let quarter = RwSignal::new(now.number);
    let board = RwSignal::new(None::<Dashboard>);
    let error = RwSignal::new(None::<String>);
    let selected = RwSignal::new(None::<(String, String)>);
    Effect::new(move |_| {
        let (y, q) = (year.get(), quarter.get());
        selected.set(None);
        spawn_local(async move {
            let answer = api::get::<Dashboard>(&token.get_value(), &format!("/api/dashboard/{y}/{q}")).await;
            // An answer for a quarter no longer chosen (a slow one, overtaken by a newer choice) is dropped.
            if (year.get_untracked(), quarter.get_untracked()) != (y, q) {
                return;
            }
            match answer {
                Ok(found) => {
                    board.set(Some(found));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    });
    let this_year = today().year();
    view! {
        <section class="card dashboard">
            <div class="title-row">
                <h1>"Bảng số liệu thi đua, khen thưởng"</h1>
                <select id="dashboard-year" aria-label="Năm" on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { year.set(y) }>
                    {(this_year - 2..=this_year).rev().map(|y| view! { <option value=y.to_string() selected=move || year.get() == y>{format!("Năm {y}")}</option> }).collect_view()}
                </select>
                <select id="dashboard-quarter" aria-label="Quý" on:change=move |ev| if let Ok(q) = event_target_value(&ev).parse() { quarter.set(q) }>
                    {(1..=4).map(|q| view! { <option value=q.to_string() selected=move || quarter.get() == q>{Quarter { year: 2000, number: q }.label().replace("/2000", "")}</option> }).collect_view()}
                </select>
            </div>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || board.get().map(|b| view! {
                <h2>"Báo cáo " {b.quarter_label.clone()} " theo đơn vị"</h2>
                <div class="table-box" tabindex="0"><table class="grid" id="dashboard-reports">
                    <tbody>
                        {b.reports.iter().map(|r| view! {
                            <tr data-unit=r.unit_id.clone() data-timing=timing_name(r.timing)>
                                <td>{r.unit_name.clone()}</td>
                                <td class=format!("timing {}", timing_name(r.timing))>{r.text.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
                <div class="charts">
                    {b.charts.iter().cloned().map(|chart| view! { <ChartView chart selected /> }).collect_view()}
                </div>
                <DirectWorkers share=b.direct_workers.clone() />
                <Movements spans=b.movements.clone() year=b.year />
            })}
        </section>
    }
}

fn timing_name(timing: ReportTiming) -> &'static str {
    match timing {
        ReportTiming::OnTime => "on-time",
        ReportTiming::Late => "late",
        ReportTiming::Missing => "missing",
        ReportTiming::NotDue => "not-due",
    }
}

/// A horizontal bar chart: a bar per key, its length by count; a click shows the list behind it.
#[component]
fn ChartView(chart: Chart, selected: RwSignal<Option<(String, String)>>) -> impl IntoView {
    let most = chart.bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let height = row_of(chart.bars.len().max(1));
    let id = StoredValue::new(chart.id.clone());
    let bars = StoredValue::new(chart.bars.clone());
    let shown = move || {
        selected
            .get()
            .filter(|(c, _)| *c == id.get_value())
            .and_then(|(_, key)| bars.with_value(|b| b.iter().find(|b| b.key == key).cloned()))
    };
    view! {
        <figure class="chart" id=format!("chart-{}", chart.id)>
            <figcaption>{chart.title.clone()}</figcaption>
            {chart.bars.is_empty().then(|| view! { <p class="muted">"Chưa có số liệu."</p> })}
            // A group, not an image: its bars are buttons, and an image's children are hidden from assistive technology.
            <svg viewBox=format!("0 0 {VIEW_WIDTH} {height}") role="group" aria-label=chart.title.clone() class:empty=chart.bars.is_empty()>
                {chart.bars.iter().enumerate().map(|(i, bar)| {
                    let y = row_of(i);
                    let width = bar_length(u64::from(bar.count), u64::from(most));
                    let key = bar.key.clone();
                    view! {
                        // Named by its <title>, the full label and count (a shortened label alone is ambiguous);
                        // no aria-label, which would have to repeat the shortened text on screen (WCAG 2.5.3).
                        <g class="bar" data-key=bar.key.clone() data-count=bar.count.to_string() tabindex="0" role="button"
                            on:click=move |_| selected.set(Some((id.get_value(), key.clone())))>
                            // The whole row takes the click, not only the ink of its label and bar.
                            <rect class="hit" x="0" y=y width=VIEW_WIDTH height=ROW></rect>
                            <title>{format!("{}: {}", bar.label, bar.count)}</title>
                            <text x="0" y=y + 18 class="label">{shorten(&bar.label)}</text>
                            <rect x="200" y=y + 4 width=width.max(1) height=ROW - 8 rx="3"></rect>
                            <text x=205 + width y=y + 18 class="count">{bar.count}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            {move || shown().map(|bar| view! {
                <div class="bar-items" data-key=bar.key.clone()>
                    <strong>{format!("{} ({})", bar.label, bar.count)}</strong>
                    {if bar.items.is_empty() {
                        view! { <p class="muted">"Không có."</p> }.into_any()
                    } else {
                        view! { <ul>{bar.items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul> }.into_any()
                    }}
                </div>
            })}
        </figure>
    }
}

/// The share of direct workers among individuals proposed and awarded, against the target line.
#[component]
fn DirectWorkers(share: DirectShare) -> impl IntoView {
    let rows = [
        ("Cá nhân được đề nghị", share.nominees_direct, share.nominees, share.nominees_percent()),
        ("Cá nhân được khen thưởng", share.recipients_direct, share.recipients, share.recipients_percent()),
    ];
    let target = share.target_percent;
    view! {
        <figure class="chart" id="chart-direct-workers">
            <figcaption>"Tỷ lệ người lao động trực tiếp"
                {target.map(|t| format!(" (mục tiêu {t}%: {})", share.target_article))}
            </figcaption>
            <svg viewBox=format!("0 0 {VIEW_WIDTH} 64") role="img" aria-label="Tỷ lệ người lao động trực tiếp">
                {rows.into_iter().enumerate().map(|(i, (label, direct, of, percent))| {
                    let y = row_of(i);
                    view! {
                        <g class="share" data-percent=percent.to_string()>
                            <text x="0" y=y + 18 class="label">{label}</text>
                            <rect x="200" y=y + 4 width=BAR_WIDTH height=ROW - 8 class="track"></rect>
                            <rect x="200" y=y + 4 width=bar_length(u64::from(percent.min(100)), 100) height=ROW - 8></rect>
                            <text x=205 + BAR_WIDTH y=y + 18 class="count">{format!("{direct}/{of} ({percent}%)")}</text>
                        </g>
                    }
                }).collect_view()}
                {target.map(|t| {
                    let x = 200 + bar_length(u64::from(t.min(100)), 100);
                    view! { <line x1=x x2=x y1="0" y2="56" class="target"></line> }
                })}
            </svg>
        </figure>
    }
}

/// The movements of the year on a line from January to December.
#[component]
fn Movements(spans: Vec<MovementSpan>, year: i32) -> impl IntoView {
    let start = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let end = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let span_days = u64::try_from((end - start).num_days()).unwrap_or(1).max(1);
    let x_of = move |day: chrono::NaiveDate| {
        200 + bar_length(u64::try_from((day.clamp(start, end) - start).num_days()).unwrap_or(0), span_days)
    };
    let height = row_of(spans.len().max(1));
    let none = spans.is_empty();
    view! {
        <figure class="chart" id="chart-movements">
            <figcaption>"Phong trào thi đua trong năm " {year}</figcaption>
            {none.then(|| view! { <p class="muted">"Không có phong trào nào trong năm."</p> })}
            <svg viewBox=format!("0 0 {VIEW_WIDTH} {height}") role="img" aria-label="Phong trào thi đua" class:empty=none>
                {spans.into_iter().enumerate().map(|(i, m)| {
                    let y = row_of(i);
                    let (x1, x2) = (x_of(m.from), x_of(m.to));
                    let tip = format!("{}: {} – {}{}", m.name, format_date(m.from), format_date(m.to), if m.running { " (đang diễn ra)" } else { "" });
                    view! {
                        <g class="movement" class:running=m.running>
                            <title>{tip}</title>
                            <text x="0" y=y + 18 class="label">{shorten(&m.name)}</text>
                            <rect x=x1 y=y + 4 width=x2.saturating_sub(x1).max(2) height=ROW - 8 rx="3"></rect>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// A long name cut to fit beside its bar; the full name is in its tooltip.
fn shorten(name: &str) -> String {
    const MAX: usize = 30;
    if name.chars().count() <= MAX {
        name.to_owned()
    } else {
        format!("{}…", name.chars().take(MAX - 1).collect::<String>())
    }
}
