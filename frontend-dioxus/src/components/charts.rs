//! Charts drawn as SVG by Rust components: horizontal bars, stacked by segment, and lines over
//! years. Colours are SVG
//! attributes, not CSS, so a chart turned into a PNG ([`download_png`]) looks as on screen. Every
//! chart has a title and a description for screen readers; the pages show the figures as tables
//! beside them.

use dioxus::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// One bar: its label, and its segments (value, colour) drawn left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub segments: Vec<(f64, &'static str)>,
    /// Written at the end of the bar (e.g. the total in tonnes).
    pub value_label: String,
}

/// A legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub label: String,
    pub colour: &'static str,
}

/// Scope colours (1, 2, 3): distinct in hue and lightness, readable by the colour-blind.
pub const SCOPE_COLOURS: [&str; 3] = ["#8c2d04", "#1f6f5c", "#5b7fbf"];
/// Colour of a single-series chart.
pub const SERIES_COLOUR: &str = "#1f6f5c";

const WIDTH: f64 = 760.0;
const LABEL_WIDTH: f64 = 220.0;
const VALUE_WIDTH: f64 = 90.0;
const ROW_HEIGHT: f64 = 30.0;
const BAR_HEIGHT: f64 = 18.0;
const LEGEND_HEIGHT: f64 = 28.0;
const FONT: &str = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif";

/// Horizontal bars, stacked when a bar has several segments. `id` names the `<svg>` (for
/// [`download_png`]); `title` and `description` are announced to screen readers.
#[component]
pub fn BarChart(
    id: String,
    title: String,
    description: String,
    bars: Vec<Bar>,
    #[props(default)] legend: Vec<LegendItem>,
) -> Element {
    let max = bars.iter().map(|b| b.segments.iter().map(|(v, _)| v.max(0.0)).sum::<f64>()).fold(0.0, f64::max);
    let plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let top = if legend.is_empty() { 8.0 } else { LEGEND_HEIGHT + 8.0 };
    let height = top + ROW_HEIGHT * bars.len() as f64 + 8.0;
    let scale = if max > 0.0 { plot / max } else { 0.0 };
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    rsx! {
        svg {
            id: "{id}",
            class: "chart",
            role: "img",
            "aria-labelledby": "{labelled_by}",
            xmlns: "http://www.w3.org/2000/svg",
            view_box: "0 0 {WIDTH} {height}",
            width: "{WIDTH}",
            height: "{height}",
            font_family: FONT,
            font_size: "13",
            title { id: "{title_id}", "{title}" }
            desc { id: "{desc_id}", "{description}" }
            rect { x: "0", y: "0", width: "{WIDTH}", height: "{height}", fill: "#ffffff" }
            for (i, item) in legend.iter().enumerate() {
                g { key: "legend-{i}", transform: "translate({LABEL_WIDTH + i as f64 * 150.0}, 8)",
                    rect { x: "0", y: "0", width: "12", height: "12", rx: "2", fill: item.colour }
                    text { x: "18", y: "10.5", fill: "#1d2522", "{item.label}" }
                }
            }
            for (row, bar) in bars.iter().enumerate() {
                g { key: "bar-{row}", transform: "translate(0, {top + row as f64 * ROW_HEIGHT})",
                    text {
                        x: "{LABEL_WIDTH - 10.0}",
                        y: "{BAR_HEIGHT / 2.0 + 4.5}",
                        text_anchor: "end",
                        fill: "#1d2522",
                        "{bar.label}"
                    }
                    for (k, (x, w, colour)) in segments_of(bar, scale).into_iter().enumerate() {
                        rect {
                            key: "{k}",
                            x: "{LABEL_WIDTH + x}",
                            y: "0",
                            width: "{w}",
                            height: "{BAR_HEIGHT}",
                            fill: colour,
                        }
                    }
                    text {
                        x: "{LABEL_WIDTH + bar_length(bar, scale) + 6.0}",
                        y: "{BAR_HEIGHT / 2.0 + 4.5}",
                        fill: "#4b5753",
                        "{bar.value_label}"
                    }
                }
            }
            line {
                x1: "{LABEL_WIDTH}",
                x2: "{LABEL_WIDTH}",
                y1: "{top - 4.0}",
                y2: "{height - 4.0}",
                stroke: "#d9e0dd",
            }
        }
    }
}

/// A line of a [`LineChart`]: its points (x, y), a gap where y is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub colour: &'static str,
    pub points: Vec<(f64, Option<f64>)>,
    /// Drawn dashed (a target rather than a figure).
    pub dashed: bool,
    /// Points drawn as dots only (observed values).
    pub dots: bool,
}

const LINE_HEIGHT: f64 = 300.0;
const LINE_LEFT: f64 = 70.0;
const LINE_RIGHT: f64 = 20.0;
const LINE_TOP: f64 = 40.0;
const LINE_BOTTOM: f64 = 30.0;

/// The path of a series' runs of consecutive points (`M x y L x y …` per run).
fn line_path(points: &[(f64, Option<f64>)], at: impl Fn(f64, f64) -> (f64, f64)) -> String {
    let mut path = String::new();
    let mut open = false;
    for (x, y) in points {
        match y {
            Some(y) => {
                let (px, py) = at(*x, *y);
                path.push_str(&format!("{}{px:.1} {py:.1} ", if open { "L" } else { "M" }));
                open = true;
            }
            None => open = false,
        }
    }
    path
}

/// Lines over a numeric x axis (years), y from 0. `y_label` formats the axis values; `x_ticks`
/// are the x values labelled under the axis.
#[component]
pub fn LineChart(
    id: String,
    title: String,
    description: String,
    series: Vec<Series>,
    x_ticks: Vec<f64>,
    y_label: Callback<f64, String>,
) -> Element {
    let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (x_min, x_max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    let y_max = series.iter().flat_map(|s| s.points.iter().filter_map(|p| p.1)).fold(0.0, f64::max);
    let y_max = if y_max > 0.0 { y_max * 1.05 } else { 1.0 };
    let plot_w = WIDTH - LINE_LEFT - LINE_RIGHT;
    let plot_h = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM;
    let span = if x_max > x_min { x_max - x_min } else { 1.0 };
    let at = move |x: f64, y: f64| (LINE_LEFT + (x - x_min) / span * plot_w, LINE_TOP + plot_h - y / y_max * plot_h);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let y_ticks: Vec<f64> = (0..=4).map(|i| y_max / 1.05 * f64::from(i) / 4.0).collect();
    rsx! {
        svg {
            id: "{id}",
            class: "chart",
            role: "img",
            "aria-labelledby": "{labelled_by}",
            xmlns: "http://www.w3.org/2000/svg",
            view_box: "0 0 {WIDTH} {LINE_HEIGHT}",
            width: "{WIDTH}",
            height: "{LINE_HEIGHT}",
            font_family: FONT,
            font_size: "12",
            title { id: "{title_id}", "{title}" }
            desc { id: "{desc_id}", "{description}" }
            rect { x: "0", y: "0", width: "{WIDTH}", height: "{LINE_HEIGHT}", fill: "#ffffff" }
            for (i, s) in series.iter().enumerate() {
                g { key: "legend-{i}", transform: "translate({LINE_LEFT + i as f64 * 190.0}, 12)",
                    line { x1: "0", x2: "18", y1: "6", y2: "6", stroke: s.colour, stroke_width: "3",
                        stroke_dasharray: if s.dashed { "6 4" } else { "none" } }
                    text { x: "24", y: "10", fill: "#1d2522", "{s.label}" }
                }
            }
            for (i, y) in y_ticks.iter().enumerate() {
                g { key: "y-{i}",
                    line { x1: "{LINE_LEFT}", x2: "{WIDTH - LINE_RIGHT}", y1: "{at(x_min, *y).1}", y2: "{at(x_min, *y).1}",
                        stroke: "#e9eeec" }
                    text { x: "{LINE_LEFT - 8.0}", y: "{at(x_min, *y).1 + 4.0}", text_anchor: "end", fill: "#4b5753",
                        {y_label.call(*y)} }
                }
            }
            for x in x_ticks.iter() {
                text { key: "x-{x}", x: "{at(*x, 0.0).0}", y: "{LINE_HEIGHT - 10.0}", text_anchor: "middle", fill: "#4b5753",
                    "{x}" }
            }
            for (i, s) in series.iter().enumerate() {
                if s.dots {
                    g { key: "s-{i}",
                        for (k, (x, y)) in s.points.iter().filter_map(|(x, y)| y.map(|y| (*x, y))).enumerate() {
                            circle { key: "{k}", cx: "{at(x, y).0}", cy: "{at(x, y).1}", r: "4.5", fill: s.colour }
                        }
                    }
                } else {
                    path { key: "s-{i}", d: "{line_path(&s.points, at)}", fill: "none", stroke: s.colour,
                        stroke_width: "2.5", stroke_dasharray: if s.dashed { "6 4" } else { "none" } }
                }
            }
        }
    }
}

/// (x, width, colour) of a bar's visible segments.
fn segments_of(bar: &Bar, scale: f64) -> Vec<(f64, f64, &'static str)> {
    let mut x = 0.0;
    let mut out = Vec::new();
    for (value, colour) in &bar.segments {
        let w = value.max(0.0) * scale;
        if w > 0.0 {
            out.push((x, w, *colour));
            x += w;
        }
    }
    out
}

fn bar_length(bar: &Bar, scale: f64) -> f64 {
    bar.segments.iter().map(|(v, _)| v.max(0.0) * scale).sum()
}

/// Saves the `<svg id>` of the page as a PNG file named `file_name` (drawn at twice its size).
pub fn download_png(id: &str, file_name: &str) -> Result<(), String> {
    let err = |what: &str| format!("the chart could not be saved ({what})");
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| err("no document"))?;
    let svg = document.get_element_by_id(id).ok_or_else(|| err("no chart"))?;
    let markup =
        web_sys::XmlSerializer::new().and_then(|s| s.serialize_to_string(&svg)).map_err(|_| err("serialising"))?;
    let (width, height) = (svg.client_width().max(1) as u32 * 2, svg.client_height().max(1) as u32 * 2);
    let src = format!("data:image/svg+xml;charset=utf-8,{}", js_sys::encode_uri_component(&markup));
    let image = web_sys::HtmlImageElement::new().map_err(|_| err("image"))?;
    let image_ref = image.clone();
    let name = file_name.to_owned();
    let on_load = Closure::once_into_js(move || {
        let draw = || -> Option<()> {
            let document = web_sys::window()?.document()?;
            let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
            canvas.set_width(width);
            canvas.set_height(height);
            let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
            ctx.draw_image_with_html_image_element_and_dw_and_dh(&image_ref, 0.0, 0.0, width as f64, height as f64)
                .ok()?;
            let url = canvas.to_data_url_with_type("image/png").ok()?;
            super::save_url(&url, &name)
        };
        if draw().is_none() {
            crate::console::warn("the chart could not be drawn as a PNG");
        }
    });
    image.set_onload(Some(on_load.unchecked_ref()));
    image.set_src(&src);
    Ok(())
}

/// The legend of the scope colours, in the reader's language.
pub fn scope_legend(lang: crate::i18n::Lang) -> Vec<LegendItem> {
    [crate::text::SCOPE_1, crate::text::SCOPE_2, crate::text::SCOPE_3]
        .iter()
        .zip(SCOPE_COLOURS)
        .map(|(label, colour)| LegendItem { label: label.get(lang).to_owned(), colour })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_stack_left_to_right_and_skip_empty_or_negative_values() {
        let bar = Bar {
            label: "x".into(),
            segments: vec![(2.0, "a"), (0.0, "b"), (-1.0, "c"), (3.0, "d")],
            value_label: String::new(),
        };
        assert_eq!(segments_of(&bar, 10.0), vec![(0.0, 20.0, "a"), (20.0, 30.0, "d")]);
        assert_eq!(bar_length(&bar, 10.0), 50.0);
    }
}
