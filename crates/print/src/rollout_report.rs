//! The annual progress report of the regional rollout (全県展開 進捗報告), for
//! the prefecture's 小児等在宅医療推進会議: the prefecture's milestones, then
//! per area its core hospitals, secretariat, current stage and, 年度 by 年度
//! (with the era: 「2016年度（平成28年度）」), the stages it entered, the 課題
//! raised, the 取組 adopted and the progress noted. A4 portrait; the text
//! flows over as many pages as it needs, nothing is cut.
//!
//! Only organisations are printed; who recorded a record is not. What an
//! authored file marks as an example is printed with 「（例）」.

use crate::canvas::{Align, Canvas, Rgb};
use crate::document::{DocumentBuilder, PageLinks};
use crate::fonts::Fonts;
use crate::page::{content_area, draw_footer, footer_top, mm, page_size, Orientation, Paper};
use crate::PrintResult;
use chrono::NaiveDate;
use renkei_core::era::FiscalYear;
use renkei_core::rollout::{Area, ProgressNote, RolloutPlan, StageTransition};
use std::collections::{BTreeMap, BTreeSet};

/// What the report shows.
#[derive(Debug, Clone)]
pub struct RolloutReport {
    /// The prefecture's rollout.
    pub plan: RolloutPlan,
    /// The prefecture's name, e.g. 神奈川県.
    pub prefecture_name: String,
    /// Names of the 二次医療圏 by code, for the area headings.
    pub region_names: BTreeMap<String, String>,
    /// The 年度 reported: records after its end are left out.
    pub fiscal_year: FiscalYear,
    /// The day the report is made (Asia/Tokyo).
    pub created_on: NaiveDate,
}

/// Page margin, points.
const MARGIN_MM: f32 = 15.0;

/// A line of the flowing text.
struct Line {
    indent: f32,
    size: f32,
    bold: bool,
    color: Rgb,
    /// Space above, points.
    gap: f32,
    text: String,
    /// A heading that must not end a page (keeps with what follows).
    keep: bool,
}

impl Line {
    fn new(indent: f32, size: f32, text: String) -> Self {
        Self {
            indent,
            size,
            bold: false,
            color: Rgb::INK,
            gap: 0.0,
            text,
            keep: false,
        }
    }

    /// A record under its 年度 heading.
    fn item(text: String) -> Self {
        Self::new(10.0, 9.0, text)
    }

    fn heading(size: f32, gap: f32, color: Rgb, text: String) -> Self {
        Self {
            bold: true,
            color,
            gap,
            keep: true,
            ..Self::new(0.0, size, text)
        }
    }
}

fn example(flag: bool) -> &'static str {
    if flag {
        "（例）"
    } else {
        ""
    }
}

/// The lines of one area, 年度 by 年度 up to `last`.
fn area_lines(report: &RolloutReport, area: &Area, lines: &mut Vec<Line>) {
    let last = report.fiscal_year;
    let region = report
        .region_names
        .get(area.region.as_str())
        .map_or_else(|| area.region.as_str().to_owned(), Clone::clone);
    lines.push(Line::heading(
        12.0,
        14.0,
        Rgb::ACCENT,
        format!(
            "{}（二次医療圏 {}）{}",
            area.name_ja,
            region,
            example(area.example)
        ),
    ));
    let hospitals: Vec<_> = area
        .core_hospitals
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    if !hospitals.is_empty() {
        lines.push(Line::new(
            0.0,
            9.0,
            format!("中核病院: {}", hospitals.join("、")),
        ));
    }
    if let Some(secretariat) = &area.secretariat {
        lines.push(Line::new(0.0, 9.0, format!("事務局: {secretariat}")));
    }
    let shown: Vec<_> = area
        .stages
        .iter()
        .filter(|t| t.fiscal_year() <= last)
        .collect();
    let current = shown.last().map_or_else(
        || "（記録なし）".to_owned(),
        |t| {
            format!(
                "{}（{}から）",
                t.stage.label_ja(),
                t.precision.show_ja(t.on)
            )
        },
    );
    lines.push(Line {
        bold: true,
        ..Line::new(0.0, 9.0, format!("{}末の段階: {current}", last.label_ja()))
    });
    if !area.members.is_empty() {
        let members: Vec<_> = area
            .members
            .iter()
            .map(|m| {
                format!(
                    "{}（{}）{}",
                    m.organisation,
                    m.category.label_ja(),
                    example(m.example)
                )
            })
            .collect();
        lines.push(Line::new(
            0.0,
            8.5,
            format!("協議の場の構成: {}", members.join("、")),
        ));
    }
    let mut years: BTreeSet<FiscalYear> = shown.iter().map(|t| t.fiscal_year()).collect();
    for (issue, action) in area.actions() {
        years.insert(issue.raised_in);
        years.insert(action.fiscal_year);
        years.extend(action.notes.iter().map(ProgressNote::fiscal_year));
    }
    years.extend(area.issues.iter().map(|i| i.raised_in));
    years.extend(area.meetings.iter().map(|m| FiscalYear::of(m.held_on)));
    for year in years.into_iter().filter(|y| *y <= last) {
        year_lines(area, &shown, year, lines);
    }
}

/// The lines of one 年度 of an area: stages entered, meetings, 課題 raised,
/// 取組 adopted and progress noted in it.
fn year_lines(area: &Area, shown: &[&StageTransition], year: FiscalYear, lines: &mut Vec<Line>) {
    lines.push(Line::heading(10.0, 6.0, Rgb::INK, year.label_ja()));
    for t in shown.iter().filter(|t| t.fiscal_year() == year) {
        let reason = t
            .reason
            .as_deref()
            .map(|r| format!(" — 理由: {r}"))
            .unwrap_or_default();
        lines.push(Line::item(format!(
            "段階 {}　{}{}{reason}",
            t.precision.show_ja(t.on),
            t.stage.label_ja(),
            example(t.example)
        )));
    }
    for m in area
        .meetings
        .iter()
        .filter(|m| FiscalYear::of(m.held_on) == year)
    {
        lines.push(Line::item(format!(
            "会議 {}　{}{}：{}",
            m.precision.show_ja(m.held_on),
            m.title,
            example(m.example),
            m.summary
        )));
    }
    for issue in area.issues.iter().filter(|i| i.raised_in == year) {
        lines.push(Line::item(format!(
            "課題［{}］{}{}",
            issue.category.label_ja(),
            issue.title,
            example(issue.example)
        )));
    }
    for (issue, action) in area.actions().filter(|(_, a)| a.fiscal_year == year) {
        lines.push(Line::item(format!(
            "取組 {}{}（実施: {}、状況: {}）— 課題「{}」",
            action.title,
            example(action.example),
            action.owner,
            action.status.label_ja(),
            issue.title
        )));
    }
    for (_, action) in area.actions() {
        for note in action.notes.iter().filter(|n| n.fiscal_year() == year) {
            let status = note
                .status
                .map(|s| format!("（{}へ）", s.label_ja()))
                .unwrap_or_default();
            lines.push(Line::new(
                20.0,
                8.5,
                format!(
                    "進捗 {}　{}：{}{}{}",
                    note.on.format("%Y年%-m月%-d日"),
                    action.title,
                    note.text,
                    status,
                    example(note.example)
                ),
            ));
        }
    }
}

/// Every line of the report, in order.
fn report_lines(report: &RolloutReport) -> Vec<Line> {
    let last = report.fiscal_year;
    let mut lines = vec![
        Line::heading(
            17.0,
            0.0,
            Rgb::ACCENT,
            format!("{} 小児等在宅医療 全県展開 進捗報告", report.prefecture_name),
        ),
        Line::heading(12.0, 4.0, Rgb::INK, format!("{}まで（〜{}）", last.label_ja(), last.last_day().format("%Y年%-m月%-d日"))),
        Line {
            color: Rgb::MUTED,
            gap: 4.0,
            ..Line::new(
                0.0,
                8.5,
                format!(
                    "県小児等在宅医療推進会議 資料　作成日 {}。「（例）」は公開資料に記載がなく、記録例として作成した内容です。",
                    report.created_on.format("%Y年%-m月%-d日")
                ),
            )
        },
        Line::heading(12.0, 12.0, Rgb::ACCENT, "県の動き".to_owned()),
    ];
    for m in report
        .plan
        .milestones
        .iter()
        .filter(|m| FiscalYear::of(m.on) <= last)
    {
        lines.push(Line::new(
            0.0,
            9.0,
            format!(
                "{}　{}{}",
                m.precision.show_ja(m.on),
                m.title,
                example(m.example)
            ),
        ));
    }
    for area in &report.plan.areas {
        area_lines(report, area, &mut lines);
    }
    lines
}

/// The sources cited by what the report prints, for the footer.
fn credits(report: &RolloutReport) -> Vec<String> {
    let mut sources = BTreeSet::new();
    sources.extend(
        report
            .plan
            .milestones
            .iter()
            .filter_map(|m| m.source.as_deref()),
    );
    for area in &report.plan.areas {
        sources.extend(area.source.as_deref());
        sources.extend(area.stages.iter().filter_map(|t| t.source.as_deref()));
    }
    let mut credits = vec![format!(
        "出典: {}",
        sources.into_iter().collect::<Vec<_>>().join("  ")
    )];
    credits.push("renkei 全県展開の記録（data/rollout と各地域の記録）より作成".to_owned());
    credits
}

/// The report as a PDF file.
pub fn render_rollout_report(report: &RolloutReport, fonts: &Fonts) -> PrintResult<Vec<u8>> {
    let page = page_size(Paper::A4, Orientation::Portrait);
    let margin = mm(MARGIN_MM);
    let credits = credits(report);
    let bottom = footer_top(fonts, page, margin, &credits);
    let area = content_area(page, margin, bottom);
    let width = area.x1 - area.x0;
    let leading = 1.45;
    let lines = report_lines(report);
    // Paginate: each line's height is its wrapped paragraph's; a heading moves
    // to the next page when the line after it would not fit.
    let height = |l: &Line| {
        l.gap
            + crate::canvas::paragraph_height(
                fonts,
                &l.text,
                width - l.indent,
                l.size,
                leading,
                usize::MAX,
            )
    };
    let mut pages: Vec<Vec<&Line>> = vec![Vec::new()];
    let mut y = area.y0;
    for (i, line) in lines.iter().enumerate() {
        let mut need = height(line);
        if line.keep {
            need += lines.get(i + 1).map_or(0.0, &height);
        }
        if y + need > area.y1 && !pages.last().is_some_and(Vec::is_empty) {
            pages.push(Vec::new());
            y = area.y0;
        }
        y += height(line);
        pages.last_mut().expect("a page").push(line);
    }
    let total = pages.len();
    let mut document = DocumentBuilder::new(&format!(
        "{} 全県展開 進捗報告 {}",
        report.prefecture_name,
        report.fiscal_year.label_ja()
    ));
    for (number, lines) in pages.iter().enumerate() {
        document.page(
            page,
            fonts,
            &PageLinks::default(),
            |canvas: &mut Canvas<'_, '_>| {
                let mut y = area.y0;
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        y += line.gap;
                    }
                    y += canvas.paragraph(
                        area.x0 + line.indent,
                        y,
                        width - line.indent,
                        line.size,
                        leading,
                        line.color,
                        line.bold,
                        usize::MAX,
                        &line.text,
                    );
                }
                draw_footer(
                    canvas,
                    page,
                    margin,
                    &credits,
                    &format!("{} / {}", number + 1, total),
                );
                canvas.text(
                    area.x1,
                    margin - 4.0,
                    7.0,
                    Rgb::MUTED,
                    Align::Right,
                    false,
                    &report.fiscal_year.label_ja(),
                );
                Ok(())
            },
        )?;
    }
    document.finish()
}
