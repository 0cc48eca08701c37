//! The PDF report of a unit-year, drawn on the server with `pdf-writer`: the big numbers, a bar
//! chart of the categories, the module table and, on the following pages, every category with its
//! emission types, the additional categories and the IT focus.
//!
//! It uses the PDF standard fonts (Helvetica, WinAnsi encoding), so nothing is embedded and a
//! report weighs a few kB. Their glyph widths are below to right-align figures and fit labels.

use co2_api_types::{ReportingFilters, ReportingView, ResultsView};
use co2_domain::Category;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use crate::content::{Heading, category_label, module_label, status_key};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_W - 50.0;
const BOTTOM: f32 = 60.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Helvetica advance widths (1/1000 em) of ASCII 32..=126, from the font's AFM metrics.
const HELVETICA_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0..9
    278, 278, 584, 584, 584, 556, 1015, // :..@
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944,
    667, 667, 611, // A..Z
    278, 278, 278, 469, 556, 333, // [..`
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
    500, 500, 500, // a..z
    334, 260, 334, 584, // {..~
];

/// The text's width in points (Helvetica-Bold runs about 6 % wider).
fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c as u32 {
            n @ 32..=126 => u32::from(HELVETICA_WIDTHS[(n - 32) as usize]),
            _ => 556,
        })
        .sum();
    units as f32 / 1000.0 * size * if bold { 1.06 } else { 1.0 }
}

/// Text in the fonts' WinAnsi encoding: Latin-1 as is, the usual typographic marks mapped, a
/// subscript two as a plain 2, anything else as `?`.
fn winansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '₂' => b'2',
            _ => b'?',
        })
        .collect()
}

/// Cuts text to fit `width` points, with an ellipsis.
fn fit(text: &str, size: f32, bold: bool, width: f32) -> String {
    if text_width(text, size, bold) <= width {
        return text.to_owned();
    }
    let mut out: String = text.to_owned();
    while !out.is_empty() && text_width(&format!("{out}…"), size, bold) > width {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

/// A number with thousands separators and `decimals` decimals.
pub fn format_number(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn tonnes(kg: f64) -> String {
    format_number(kg / 1000.0, 2)
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "–".to_owned(), |p| format!("{}{} %", if p > 0.0 { "+" } else { "" }, format_number(p, 1)))
}

/// The colour of a category in the chart (the same order as the results page).
fn category_colour(category: &str) -> (f32, f32, f32) {
    const PALETTE: [(f32, f32, f32); 12] = [
        (0.80, 0.33, 0.26),
        (0.93, 0.55, 0.24),
        (0.96, 0.74, 0.30),
        (0.55, 0.70, 0.32),
        (0.27, 0.62, 0.55),
        (0.25, 0.48, 0.72),
        (0.45, 0.38, 0.70),
        (0.70, 0.35, 0.60),
        (0.55, 0.55, 0.55),
        (0.62, 0.62, 0.62),
        (0.70, 0.70, 0.70),
        (0.78, 0.78, 0.78),
    ];
    let i = Category::ALL.iter().position(|c| c.key() == category).unwrap_or(0);
    PALETTE[i % PALETTE.len()]
}

/// How a piece of text looks: size in points, weight, and gray level (0 black, 1 white).
#[derive(Clone, Copy)]
struct Look {
    size: f32,
    bold: bool,
    gray: f32,
}

const fn look(size: f32, bold: bool, gray: f32) -> Look {
    Look { size, bold, gray }
}

fn draw_text(page: &mut Content, x: f32, y: f32, text: &str, look: Look, align: Align) {
    let Look { size, bold, gray } = look;
    let x = match align {
        Align::Left => x,
        Align::Right => x - text_width(text, size, bold),
    };
    let bytes = winansi(text);
    page.set_fill_gray(gray);
    page.begin_text();
    page.set_font(if bold { BOLD } else { REGULAR }, size);
    page.next_line(x, y);
    page.show(Str(&bytes));
    page.end_text();
}

fn draw_rule(page: &mut Content, y: f32, gray: f32) {
    page.set_stroke_gray(gray);
    page.set_line_width(0.5);
    page.move_to(LEFT, y);
    page.line_to(RIGHT, y);
    page.stroke();
}

/// Pages being drawn, with a cursor going down the current one.
struct Doc {
    pages: Vec<Content>,
    y: f32,
}

/// Text alignment at an x position.
#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

impl Doc {
    fn new() -> Doc {
        Doc { pages: vec![Content::new()], y: PAGE_H - 52.0 }
    }

    fn page(&mut self) -> &mut Content {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, y: f32, text: &str, look: Look, align: Align) {
        draw_text(self.page(), x, y, text, look, align);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, rgb: (f32, f32, f32)) {
        let page = self.page();
        page.set_fill_rgb(rgb.0, rgb.1, rgb.2);
        page.rect(x, y, w, h);
        page.fill_nonzero();
    }

    fn rule(&mut self, y: f32, gray: f32) {
        draw_rule(self.page(), y, gray);
    }

    /// Room for `needed` points below the cursor, on a new page if not.
    fn ensure(&mut self, needed: f32) {
        if self.y - needed < BOTTOM {
            self.pages.push(Content::new());
            self.y = PAGE_H - 52.0;
        }
    }

    fn heading(&mut self, text: &str) {
        self.ensure(60.0);
        self.y -= 22.0;
        let y = self.y;
        self.text(LEFT, y, text, look(12.0, true, 0.1), Align::Left);
        self.y -= 8.0;
    }

    /// A table: columns at (x, alignment) with a bold header; rows continue on new pages.
    fn table(&mut self, columns: &[(&str, f32, Align)], rows: &[(Vec<String>, bool)]) {
        let header = |doc: &mut Doc| {
            doc.y -= 14.0;
            let y = doc.y;
            for (name, x, align) in columns {
                doc.text(*x, y, name, look(8.5, true, 0.35), *align);
            }
            doc.rule(y - 4.0, 0.6);
            doc.y -= 4.0;
        };
        self.ensure(40.0);
        header(self);
        for (cells, bold) in rows {
            if self.y - 14.0 < BOTTOM {
                self.pages.push(Content::new());
                self.y = PAGE_H - 52.0;
                header(self);
            }
            self.y -= 13.0;
            let y = self.y;
            for (i, (_, x, align)) in columns.iter().enumerate() {
                let text = cells.get(i).map_or("", String::as_str);
                let width = match (align, columns.get(i + 1)) {
                    (Align::Left, Some((_, next, Align::Left))) => next - x - 6.0,
                    (Align::Left, Some((_, next, Align::Right))) => next - x - 60.0,
                    _ => RIGHT - x,
                };
                let shown = if matches!(align, Align::Left) { fit(text, 9.0, *bold, width) } else { text.to_owned() };
                self.text(*x, y, &shown, look(9.0, *bold, 0.1), *align);
            }
        }
    }
}

fn big_numbers(doc: &mut Doc, r: &ResultsView) {
    let boxes = [
        (format!("{} t", tonnes(r.core.total_kg)), "CO2-eq, core total".to_owned()),
        (
            r.t_per_fte.map_or_else(|| "–".to_owned(), |v| format_number(v, 2)),
            format!("t CO2-eq per FTE ({} FTE)", format_number(r.fte, 1)),
        ),
        (format_number(r.car_km_equivalent, 0), "car-km equivalent".to_owned()),
        (format!("{} t", tonnes(r.total_with_additional_kg)), "with additional categories".to_owned()),
    ];
    cards(doc, &boxes);
}

/// Four boxes across the page, each a big value over its label.
fn cards(doc: &mut Doc, boxes: &[(String, String); 4]) {
    let gap = 10.0;
    let w = (RIGHT - LEFT - gap * 3.0) / 4.0;
    let top = doc.y - 8.0;
    for (i, (value, label)) in boxes.iter().enumerate() {
        let x = LEFT + i as f32 * (w + gap);
        doc.rect(x, top - 58.0, w, 58.0, (0.94, 0.96, 0.95));
        doc.text(x + 8.0, top - 26.0, &fit(value, 16.0, true, w - 16.0), look(16.0, true, 0.08), Align::Left);
        doc.text(x + 8.0, top - 44.0, &fit(label, 7.5, false, w - 16.0), look(7.5, false, 0.35), Align::Left);
    }
    doc.y = top - 66.0;
}

fn category_chart(doc: &mut Doc, r: &ResultsView) {
    doc.heading("Emissions by category (t CO2-eq)");
    let bars: Vec<(String, f64, (f32, f32, f32))> =
        r.categories.iter().map(|c| (category_label(&c.category), c.kg, category_colour(&c.category))).collect();
    bar_chart(doc, &bars);
}

/// Horizontal bars (label, kg, colour), scaled to the largest, with the tonnes at the right.
fn bar_chart(doc: &mut Doc, bars: &[(String, f64, (f32, f32, f32))]) {
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max);
    let (label_w, bar_x, bar_w) = (150.0, LEFT + 160.0, RIGHT - LEFT - 160.0 - 70.0);
    for (label, kg, colour) in bars {
        doc.ensure(18.0);
        doc.y -= 17.0;
        let y = doc.y;
        doc.text(LEFT, y + 3.0, &fit(label, 9.0, false, label_w), look(9.0, false, 0.15), Align::Left);
        let w = if max > 0.0 { (kg / max) as f32 * bar_w } else { 0.0 };
        if w > 0.0 {
            doc.rect(bar_x, y, w.max(0.8), 12.0, *colour);
        }
        doc.text(RIGHT, y + 3.0, &tonnes(*kg), look(9.0, false, 0.15), Align::Right);
    }
}

fn module_table(doc: &mut Doc, r: &ResultsView) {
    doc.heading("Modules (t CO2-eq)");
    let cols = [
        ("Module", LEFT, Align::Left),
        ("Status", LEFT + 140.0, Align::Left),
        ("Scope 1", LEFT + 270.0, Align::Right),
        ("Scope 2", LEFT + 330.0, Align::Right),
        ("Scope 3", LEFT + 390.0, Align::Right),
        ("Total", LEFT + 445.0, Align::Right),
        ("vs prev.", RIGHT, Align::Right),
    ];
    let mut rows: Vec<(Vec<String>, bool)> = r
        .modules
        .iter()
        .map(|m| {
            let change = r.year_over_year.modules.iter().find(|c| c.module == m.module).and_then(|c| c.percent);
            let status = status_key(m.status).replace('_', " ");
            (
                vec![
                    module_label(&m.module),
                    status,
                    tonnes(m.totals.scope1_kg),
                    tonnes(m.totals.scope2_kg),
                    tonnes(m.totals.scope3_kg),
                    tonnes(m.totals.total_kg),
                    percent(change),
                ],
                false,
            )
        })
        .collect();
    rows.push((
        vec![
            format!("Core total ({})", if r.basis == "all_modules" { "all modules" } else { "validated modules" }),
            r.completion_progress.clone() + " validated",
            tonnes(r.core.scope1_kg),
            tonnes(r.core.scope2_kg),
            tonnes(r.core.scope3_kg),
            tonnes(r.core.total_kg),
            percent(r.year_over_year.core_percent),
        ],
        true,
    ));
    doc.table(&cols, &rows);
}

fn category_tables(doc: &mut Doc, r: &ResultsView) {
    let cols = [
        ("Category", LEFT, Align::Left),
        ("Emission type", LEFT + 150.0, Align::Left),
        ("t CO2-eq", LEFT + 420.0, Align::Right),
        ("t / FTE", RIGHT, Align::Right),
    ];
    for (title, list) in [
        ("Categories and emission types", &r.categories),
        ("Additional categories (not in the core total)", &r.additional),
    ] {
        doc.heading(title);
        let mut rows = Vec::new();
        for c in list.iter() {
            rows.push((
                vec![
                    category_label(&c.category),
                    String::new(),
                    tonnes(c.kg),
                    c.t_per_fte.map_or_else(String::new, |v| format_number(v, 3)),
                ],
                true,
            ));
            for l in c.leaves.iter().filter(|l| l.kg != 0.0) {
                rows.push((vec![String::new(), l.emission_type.clone(), tonnes(l.kg), String::new()], false));
            }
        }
        doc.table(&cols, &rows);
    }
}

fn it_focus(doc: &mut Doc, r: &ResultsView) {
    doc.heading(&format!(
        "IT focus: {} t CO2-eq{}",
        tonnes(r.it_focus.kg),
        r.it_focus
            .share_of_core
            .map_or_else(String::new, |s| format!(", {} % of the core total", format_number(s * 100.0, 1)))
    ));
    let cols = [("Source", LEFT, Align::Left), ("Class", LEFT + 120.0, Align::Left), ("t CO2-eq", RIGHT, Align::Right)];
    let mut rows = Vec::new();
    for (source, b) in [("IT equipment", &r.it_focus.equipment_classes), ("IT purchases", &r.it_focus.purchase_classes)]
    {
        for c in &b.top {
            rows.push((
                vec![source.to_owned(), c.label.clone().unwrap_or_else(|| c.class.clone()), tonnes(c.kg)],
                false,
            ));
        }
        if b.rest_classes > 0 {
            rows.push((vec![source.to_owned(), format!("{} other classes", b.rest_classes), tonnes(b.rest_kg)], false));
        }
    }
    if !rows.is_empty() {
        doc.table(&cols, &rows);
    }
}

/// The PDF report of a unit-year.
pub fn report(h: &Heading, r: &ResultsView) -> Vec<u8> {
    let mut doc = Doc::new();
    let y = doc.y;
    doc.text(LEFT, y, &format!("Carbon footprint {}", h.year), look(22.0, true, 0.05), Align::Left);
    doc.y -= 20.0;
    let y = doc.y;
    doc.text(LEFT, y, &format!("{} ({})", h.unit_name, h.unit_institutional_id), look(12.0, false, 0.15), Align::Left);
    doc.y -= 14.0;
    let y = doc.y;
    let counted = if r.basis == "all_modules" { "every module counted" } else { "validated modules counted" };
    let excluded = if r.excluded_modules.is_empty() {
        String::new()
    } else {
        format!(" · excluded: {}", r.excluded_modules.iter().map(|m| module_label(m)).collect::<Vec<_>>().join(", "))
    };
    doc.text(
        LEFT,
        y,
        &format!(
            "{} validated · {counted}{excluded} · GHG Protocol scopes 1–3 · generated {}",
            r.completion_progress,
            h.generated_at.format("%Y-%m-%d %H:%M UTC")
        ),
        look(8.5, false, 0.4),
        Align::Left,
    );
    big_numbers(&mut doc, r);
    category_chart(&mut doc, r);
    module_table(&mut doc, r);
    category_tables(&mut doc, r);
    it_focus(&mut doc, r);
    render(doc, h)
}

/// The words of a reporting view's filters, for its heading.
fn filter_words(f: &ReportingFilters) -> String {
    let mut words = vec![match &f.subtree {
        Some(s) => format!("units of {s}"),
        None => "every unit reported on".to_owned(),
    }];
    if let Some(c) = f.completion {
        words.push(format!("completion: {}", co2_results::reporting::completion_key(c).replace('_', " ")));
    }
    if let (Some(m), Some(s)) = (&f.module, f.module_status) {
        words.push(format!("{}: {}", module_label(m), co2_results::reporting::status_key(s).replace('_', " ")));
    }
    words.join(" · ")
}

/// The PDF of a reporting view: the cards, the modules' states and figures by scope, the
/// categories chart and every unit's row.
pub fn reporting(h: &Heading, filters: &ReportingFilters, v: &ReportingView) -> Vec<u8> {
    let mut doc = Doc::new();
    let y = doc.y;
    doc.text(LEFT, y, &format!("Reporting {}", h.year), look(22.0, true, 0.05), Align::Left);
    doc.y -= 20.0;
    let y = doc.y;
    doc.text(LEFT, y, &fit(&filter_words(filters), 12.0, false, RIGHT - LEFT), look(12.0, false, 0.15), Align::Left);
    doc.y -= 14.0;
    let y = doc.y;
    let generated = h.generated_at.format("%Y-%m-%d %H:%M UTC");
    doc.text(
        LEFT,
        y,
        &format!("validated modules counted · GHG Protocol scopes 1–3 · generated {generated}"),
        look(8.5, false, 0.4),
        Align::Left,
    );
    let s = &v.summary;
    let per_fte = if s.fte > 0.0 { format_number(s.validated_kg / 1000.0 / s.fte, 2) } else { "–".to_owned() };
    let boxes = [
        (format_number(s.units as f64, 0), "units".to_owned()),
        (
            format!("{} / {} / {}", s.validated, s.in_progress, s.not_started),
            "validated / in progress / not started".to_owned(),
        ),
        (format!("{} t", tonnes(s.validated_kg)), "CO2-eq of validated modules".to_owned()),
        (per_fte, format!("validated t per FTE ({} FTE)", format_number(s.fte, 1))),
    ];
    cards(&mut doc, &boxes);

    doc.heading("Modules: units by state, validated t CO2-eq by scope");
    let cols = [
        ("Module", LEFT, Align::Left),
        ("Not started", LEFT + 190.0, Align::Right),
        ("In progress", LEFT + 245.0, Align::Right),
        ("Validated", LEFT + 295.0, Align::Right),
        ("Scope 1", LEFT + 345.0, Align::Right),
        ("Scope 2", LEFT + 395.0, Align::Right),
        ("Scope 3", RIGHT, Align::Right),
    ];
    let rows: Vec<(Vec<String>, bool)> = v
        .modules
        .iter()
        .map(|m| {
            (
                vec![
                    module_label(&m.module),
                    m.not_started.to_string(),
                    m.in_progress.to_string(),
                    m.validated.to_string(),
                    tonnes(m.scopes.scope1_kg),
                    tonnes(m.scopes.scope2_kg),
                    tonnes(m.scopes.scope3_kg),
                ],
                false,
            )
        })
        .collect();
    doc.table(&cols, &rows);

    doc.heading("Validated emissions by category (t CO2-eq)");
    let bars: Vec<(String, f64, (f32, f32, f32))> =
        v.categories.iter().map(|c| (category_label(&c.category), c.kg, category_colour(&c.category))).collect();
    bar_chart(&mut doc, &bars);

    doc.heading("Units");
    let cols = [
        ("Unit", LEFT, Align::Left),
        ("Name", LEFT + 50.0, Align::Left),
        ("Principal", LEFT + 185.0, Align::Left),
        ("FTE", LEFT + 310.0, Align::Right),
        ("Validated", LEFT + 355.0, Align::Right),
        ("t", LEFT + 405.0, Align::Right),
        ("t/FTE", LEFT + 445.0, Align::Right),
        ("Top category", LEFT + 452.0, Align::Left),
    ];
    let rows: Vec<(Vec<String>, bool)> = v
        .units
        .iter()
        .map(|u| {
            (
                vec![
                    u.institutional_id.clone(),
                    u.name.clone(),
                    u.principal.clone().unwrap_or_default(),
                    format_number(u.fte, 1),
                    u.completion_progress.clone(),
                    tonnes(u.validated_kg),
                    u.t_per_fte.map_or_else(|| "–".to_owned(), |t| format_number(t, 2)),
                    u.top_category.as_deref().map(category_label).unwrap_or_default(),
                ],
                false,
            )
        })
        .collect();
    doc.table(&cols, &rows);
    render(doc, h)
}

/// Writes the pages with a footer each, the two fonts and the document info.
fn render(doc: Doc, h: &Heading) -> Vec<u8> {
    let mut doc = doc;
    let count = doc.pages.len();
    for (i, page) in doc.pages.iter_mut().enumerate() {
        let footer = format!("CO2 Calculator · {} · {} · page {} of {count}", h.unit_institutional_id, h.year, i + 1);
        draw_rule(page, BOTTOM - 20.0, 0.8);
        draw_text(page, LEFT, BOTTOM - 32.0, &footer, look(7.5, false, 0.45), Align::Left);
    }
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 6;
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    let page_ids: Vec<Ref> = (0..count).map(|i| Ref::new(first_page + 2 * i as i32)).collect();
    pdf.pages(tree).kids(page_ids.iter().copied()).count(count as i32);
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    let title = format!("Carbon footprint {} – {}", h.year, h.unit_name);
    pdf.document_info(info).title(pdf_writer::TextStr(&title)).producer(pdf_writer::TextStr("CO2 Calculator"));
    for (i, content) in doc.pages.into_iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.parent(tree).media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H)).contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(REGULAR, regular).pair(BOLD, bold);
        resources.finish();
        page.finish();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_rounded() {
        assert_eq!(format_number(137_309.02, 2), "137,309.02");
        assert_eq!(format_number(458_308.0, 0), "458,308");
        assert_eq!(format_number(999.999, 2), "1,000.00");
        assert_eq!(format_number(-1234.5, 1), "-1,234.5");
        assert_eq!(format_number(-0.001, 2), "0.00");
        assert_eq!(format_number(12.0, 0), "12");
    }

    #[test]
    fn widths_follow_the_font_metrics() {
        // Every digit is 556/1000 em wide, so figures line up in columns.
        assert_eq!(text_width("0", 10.0, false), 5.56);
        assert_eq!(text_width("1,000.00", 10.0, false), text_width("9,999.99", 10.0, false));
        assert!(text_width("W", 10.0, false) > text_width("i", 10.0, false));
    }

    #[test]
    fn text_is_encoded_for_the_standard_fonts() {
        assert_eq!(
            winansi("Émissions – 5 €"),
            vec![0xC9, b'm', b'i', b's', b's', b'i', b'o', b'n', b's', b' ', 0x96, b' ', b'5', b' ', 0x80]
        );
        assert_eq!(winansi("CO₂ 中"), b"CO2 ?".to_vec());
    }

    #[test]
    fn long_labels_are_cut_to_their_column() {
        let cut = fit("A very long category name that does not fit", 9.0, false, 80.0);
        assert!(cut.ends_with('…') && text_width(&cut, 9.0, false) <= 80.0, "{cut}");
        assert_eq!(fit("Food", 9.0, false, 80.0), "Food");
    }
}
