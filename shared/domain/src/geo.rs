//! Great-circle distances on the mean Earth sphere and the integer-km rounding of DOMAIN §5.1.
//!
//! Owns only geometry: no detour allowances, no factors, no reference lookups. Those belong to
//! the travel module, which decides what a distance means for a plane or a train.

use serde::{Deserialize, Serialize};

/// Mean Earth radius in km (IUGG R1), fixed by DOMAIN §5.1 so every figure is reproducible.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A point in decimal degrees (WGS 84 as given by the reference files).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

/// Great-circle distance in km by the haversine formula with [`EARTH_RADIUS_KM`].
pub fn haversine_km(a: Coordinates, b: Coordinates) -> f64 {
    let (phi1, phi2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let d_phi = (b.latitude - a.latitude).to_radians();
    let d_lambda = (b.longitude - a.longitude).to_radians();
    let h = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    // Rounding can push h a hair above 1 for antipodal points; asin would then return NaN.
    2.0 * EARTH_RADIUS_KM * h.clamp(0.0, 1.0).sqrt().asin()
}

/// Rounds a distance to whole km with ties away from zero (DOMAIN §5.1; the anchor rounds ties to
/// even, which we deliberately do not reproduce). Earth distances are far below `i64::MAX`.
pub fn round_km(km: f64) -> i64 {
    km.round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(latitude: f64, longitude: f64) -> Coordinates {
        Coordinates { latitude, longitude }
    }

    #[test]
    fn ties_round_away_from_zero_not_to_even() {
        assert_eq!(round_km(0.5), 1);
        assert_eq!(round_km(1.5), 2);
        assert_eq!(round_km(2.5), 3);
        assert_eq!(round_km(208.5), 209);
        assert_eq!(round_km(2.4999), 2);
        assert_eq!(round_km(-2.5), -3);
    }

    #[test]
    fn a_degree_of_the_equator_is_the_radius_times_its_angle() {
        let km = haversine_km(at(0.0, 0.0), at(0.0, 1.0));
        assert!((km - EARTH_RADIUS_KM * 1f64.to_radians()).abs() < 1e-9);
    }

    #[test]
    fn distance_is_symmetric_zero_on_the_spot_and_finite_at_the_antipode() {
        let gva = at(46.238098, 6.10895);
        let jfk = at(40.639447, -73.779317);
        assert_eq!(haversine_km(gva, gva), 0.0);
        assert!((haversine_km(gva, jfk) - haversine_km(jfk, gva)).abs() < 1e-9);
        let half_circumference = std::f64::consts::PI * EARTH_RADIUS_KM;
        assert!((haversine_km(at(0.0, 0.0), at(0.0, 180.0)) - half_circumference).abs() < 1e-6);
        assert!((haversine_km(at(90.0, 0.0), at(-90.0, 0.0)) - half_circumference).abs() < 1e-6);
    }

    #[test]
    fn geneva_to_new_york_matches_the_golden_great_circle() {
        let km = haversine_km(at(46.238098, 6.108950), at(40.639447, -73.779317));
        assert!((km - 6201.27).abs() < 0.005, "{km}");
    }
}
