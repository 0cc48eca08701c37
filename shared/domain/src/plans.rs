//! The trajectory of a reduction plan: from the reference year's footprint, year by year to the
//! horizon, what the plan's measures leave, where the institution's goals say it should be, and
//! what the reports of later years actually show.

/// A measure as the trajectory counts it: from `target_year` on, it saves `expected_kg` a year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Saving {
    pub target_year: i32,
    pub expected_kg: f64,
}

/// A goal: `reduction_percent` below the footprint of `reference_year` by `target_year`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    pub target_year: i32,
    pub reduction_percent: f64,
    pub reference_year: i32,
}

/// One year of a trajectory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrajectoryPoint {
    pub year: i32,
    /// The reference footprint less the savings of the measures in effect (never below 0).
    pub planned_kg: f64,
    /// Where the goals put it (linear from the reference year to each goal, flat after the last);
    /// `None` without a goal.
    pub goal_kg: Option<f64>,
    /// The footprint the year's report shows, when there is one.
    pub realised_kg: Option<f64>,
}

/// The horizon of every trajectory: the institution's last milestone.
pub const HORIZON: i32 = 2040;

/// The cut the goals ask for in `year`, in % of the reference: 0 at the reference year, linear to
/// each goal in turn, flat after the last; `None` without goals. Goals measured from another
/// reference year than the plan's are taken as they are: a percentage of the plan's reference.
pub fn goal_percent(reference_year: i32, goals: &[Goal], year: i32) -> Option<f64> {
    let mut milestones: Vec<(i32, f64)> =
        goals.iter().filter(|g| g.target_year > reference_year).map(|g| (g.target_year, g.reduction_percent)).collect();
    if milestones.is_empty() {
        return None;
    }
    milestones.sort_by_key(|m| m.0);
    let mut previous = (reference_year, 0.0);
    for (target, pct) in milestones {
        if year <= target {
            let span = f64::from(target - previous.0);
            let along = f64::from((year - previous.0).max(0));
            return Some(previous.1 + (pct - previous.1) * along / span);
        }
        previous = (target, pct);
    }
    Some(previous.1)
}

/// The trajectory from `reference_year` (footprint `reference_kg`) to the later of [`HORIZON`]
/// and the last measure's or goal's year. `realised` gives later reports' footprints by year.
pub fn trajectory(
    reference_year: i32,
    reference_kg: f64,
    savings: &[Saving],
    goals: &[Goal],
    realised: &[(i32, f64)],
) -> Vec<TrajectoryPoint> {
    let last = savings
        .iter()
        .map(|s| s.target_year)
        .chain(goals.iter().map(|g| g.target_year))
        .fold(HORIZON, i32::max)
        .max(reference_year);
    (reference_year..=last)
        .map(|year| {
            let saved: f64 = savings.iter().filter(|s| s.target_year <= year).map(|s| s.expected_kg).sum();
            TrajectoryPoint {
                year,
                planned_kg: (reference_kg - saved).max(0.0),
                goal_kg: goal_percent(reference_year, goals, year).map(|p| reference_kg * (1.0 - p / 100.0)),
                realised_kg: if year == reference_year {
                    Some(reference_kg)
                } else {
                    realised.iter().find(|(y, _)| *y == year).map(|(_, kg)| *kg)
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_goal_line_runs_straight_between_milestones_and_stays_after_the_last() {
        let goals = [
            Goal { target_year: 2030, reduction_percent: 50.0, reference_year: 2025 },
            Goal { target_year: 2040, reduction_percent: 100.0, reference_year: 2025 },
        ];
        assert_eq!(goal_percent(2025, &goals, 2025), Some(0.0));
        assert_eq!(goal_percent(2025, &goals, 2027), Some(20.0));
        assert_eq!(goal_percent(2025, &goals, 2030), Some(50.0));
        assert_eq!(goal_percent(2025, &goals, 2035), Some(75.0));
        assert_eq!(goal_percent(2025, &goals, 2045), Some(100.0));
        assert_eq!(goal_percent(2025, &[], 2030), None);
        // A goal already past at the reference year does not bend the line.
        let past = [Goal { target_year: 2020, reduction_percent: 10.0, reference_year: 2010 }];
        assert_eq!(goal_percent(2025, &past, 2030), None);
    }

    #[test]
    fn measures_cut_the_planned_line_from_their_year_and_reports_show_what_happened() {
        let savings = [
            Saving { target_year: 2027, expected_kg: 20_000.0 },
            Saving { target_year: 2030, expected_kg: 50_000.0 },
            Saving { target_year: 2032, expected_kg: 90_000.0 },
        ];
        let goals = [Goal { target_year: 2030, reduction_percent: 50.0, reference_year: 2025 }];
        let t = trajectory(2025, 137_309.02, &savings, &goals, &[(2026, 130_000.0)]);
        assert_eq!((t.first().unwrap().year, t.last().unwrap().year), (2025, HORIZON));
        let at = |y: i32| t.iter().find(|p| p.year == y).copied().unwrap();
        assert_eq!(at(2026).planned_kg, 137_309.02);
        assert_eq!(at(2026).realised_kg, Some(130_000.0));
        assert!((at(2027).planned_kg - 117_309.02).abs() < 1e-6);
        assert!((at(2030).planned_kg - 67_309.02).abs() < 1e-6);
        assert!((at(2030).goal_kg.unwrap() - 68_654.51).abs() < 1e-6);
        assert_eq!(at(2032).planned_kg, 0.0, "never below zero");
        assert_eq!(at(2031).realised_kg, None);
    }
}
