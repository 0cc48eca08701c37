//! The map of a unit-year's trips: the routes of `…/trips` drawn over Natural Earth's land
//! outline, which ships inside the app (`src/map/`), so the map needs no tile server and works
//! offline. Equirectangular: x = longitude + 180, y = 90 − latitude; the view frames the routes.

use co2_api_types::{TripRoute, TripsMapView};
use dioxus::prelude::*;

/// Natural Earth 1:110m land as one SVG path (see `src/map/SOURCES.md`).
const LAND: &str = include_str!("../map/land-110m.path");
const LAND_COLOUR: &str = "#dfe5e2";
const PLANE_COLOUR: &str = "#1f6f5c";
const TRAIN_COLOUR: &str = "#3b6fb6";

/// A place on the map's plane.
fn xy(latitude: f64, longitude: f64) -> (f64, f64) {
    (longitude + 180.0, 90.0 - latitude)
}

/// The view box framing every route's ends with a margin, at least 40° wide, twice as wide as
/// high, inside the world.
pub fn frame(routes: &[TripRoute]) -> (f64, f64, f64, f64) {
    let points: Vec<(f64, f64)> = routes
        .iter()
        .flat_map(|r| [xy(r.from.latitude, r.from.longitude), xy(r.to.latitude, r.to.longitude)])
        .collect();
    if points.is_empty() {
        return (0.0, 0.0, 360.0, 180.0);
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (x, y) in points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let margin = 8.0;
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let mut w = (x1 - x0 + 2.0 * margin).max(40.0);
    let mut h = y1 - y0 + 2.0 * margin;
    if w < 2.0 * h {
        w = 2.0 * h;
    }
    w = w.min(360.0);
    h = (w / 2.0).min(180.0);
    let x = (cx - w / 2.0).clamp(0.0, 360.0 - w);
    let y = (cy - h / 2.0).clamp(0.0, 180.0 - h);
    (x, y, w, h)
}

/// The map, its legend and the heaviest routes as a table (`id` names the SVG, for its PNG).
#[component]
pub fn TripsMap(
    id: String,
    map: TripsMapView,
    title: String,
    description: String,
    plane: String,
    train: String,
) -> Element {
    let (x, y, w, h) = frame(&map.routes);
    let heaviest = map.routes.iter().map(|r| r.kg).fold(0.0_f64, f64::max).max(1e-9);
    rsx! {
        svg {
            id: "{id}",
            class: "trips-map",
            xmlns: "http://www.w3.org/2000/svg",
            view_box: "{x:.1} {y:.1} {w:.1} {h:.1}",
            role: "img",
            "aria-label": "{description}",
            width: "720",
            height: "360",
            title { "{title}" }
            rect { x: "0", y: "0", width: "360", height: "180", fill: "#f7faf9" }
            path { d: LAND, fill: LAND_COLOUR, stroke: "#c7d0cc", "stroke-width": "0.5", "vector-effect": "non-scaling-stroke" }
            for (i, r) in map.routes.iter().enumerate() {
                {
                    let (x1, y1) = xy(r.from.latitude, r.from.longitude);
                    let (x2, y2) = xy(r.to.latitude, r.to.longitude);
                    let colour = if r.mode == "train" { TRAIN_COLOUR } else { PLANE_COLOUR };
                    // Thicker for heavier routes: 1 to 6 px, by the square root of the kg.
                    let width = 1.0 + 5.0 * (r.kg / heaviest).sqrt();
                    rsx! {
                        g { key: "{i}", "data-route": "{r.from.name}-{r.to.name}", "data-mode": "{r.mode}",
                            line { x1: "{x1:.2}", y1: "{y1:.2}", x2: "{x2:.2}", y2: "{y2:.2}", stroke: colour,
                                "stroke-width": "{width:.1}", "stroke-linecap": "round", "stroke-opacity": "0.8",
                                "vector-effect": "non-scaling-stroke",
                                title { "{r.from.name} – {r.to.name}" }
                            }
                            circle { cx: "{x1:.2}", cy: "{y1:.2}", r: "{w / 250.0:.2}", fill: colour }
                            circle { cx: "{x2:.2}", cy: "{y2:.2}", r: "{w / 250.0:.2}", fill: colour }
                        }
                    }
                }
            }
        }
        div { class: "chart-legend",
            span { class: "legend-item",
                svg { width: "14", height: "4", rect { width: "14", height: "4", fill: PLANE_COLOUR } }
                " {plane}"
            }
            span { class: "legend-item",
                svg { width: "14", height: "4", rect { width: "14", height: "4", fill: TRAIN_COLOUR } }
                " {train}"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use co2_api_types::TripPlace;

    fn route(from: (f64, f64), to: (f64, f64)) -> TripRoute {
        let place = |(latitude, longitude): (f64, f64)| TripPlace { name: String::new(), latitude, longitude };
        TripRoute { mode: "plane".into(), from: place(from), to: place(to), trips: 1, kg: 1.0 }
    }

    #[test]
    fn the_view_frames_the_routes_twice_as_wide_as_high_inside_the_world() {
        // Geneva – New York.
        let (x, y, w, h) = frame(&[route((46.2, 6.1), (40.6, -73.8))]);
        assert!((w - 2.0 * h).abs() < 1e-9);
        assert!(x <= 180.0 - 73.8 && x + w >= 186.1, "both ends are in view");
        assert!(y >= 0.0 && y + h <= 180.0);
        // One short route: at least 40° wide.
        let (_, _, w, _) = frame(&[route((46.2, 6.1), (47.5, 8.5))]);
        assert_eq!(w, 40.0);
        assert_eq!(frame(&[]), (0.0, 0.0, 360.0, 180.0));
    }

    #[test]
    fn the_land_outline_is_one_path_inside_the_world() {
        assert!(LAND.starts_with('M') && LAND.ends_with('Z'));
        let numbers = LAND.split(['M', 'L', 'Z', ' ']).filter(|s| !s.is_empty());
        assert!(numbers.clone().count() > 1000);
        assert!(numbers.map(|n| n.parse::<f64>().unwrap()).all(|v| (0.0..=360.0).contains(&v)));
    }
}
