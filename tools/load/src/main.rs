//! `co2-load`: open-loop mixed load against a running server, for `make load` / `make bench`.
//!
//!   co2-load BASE_URL TOKEN [--rate 200] [--seconds 60] [--unit 9001] [--year 2025]
//!
//! Requests start on a fixed schedule (`rate` per second) whether or not earlier ones have
//! answered, and each latency is measured from its scheduled start — so a slow server shows up
//! as latency instead of as fewer requests (no coordinated omission). The mix is what a unit's
//! people do: 85 % reads (a module's entry page, the results, an airport search, the session)
//! and 15 % writes (an entry created, or one of the load's own entries deleted). Prints one
//! JSON object: counts, errors, achieved rate and latency quantiles, overall and per kind.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    EntryPage,
    Results,
    AirportSearch,
    Session,
    CreateEntry,
    DeleteEntry,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::EntryPage => "read: module entry page",
            Kind::Results => "read: results",
            Kind::AirportSearch => "read: airport search",
            Kind::Session => "read: session",
            Kind::CreateEntry => "write: create entry",
            Kind::DeleteEntry => "write: delete entry",
        }
    }

    /// The i-th request of the schedule: a fixed, repeating mix of 20 (17 reads, 3 writes).
    fn of(i: u64) -> Kind {
        match i % 20 {
            0..=6 => Kind::EntryPage,
            7..=10 => Kind::Results,
            11..=13 => Kind::AirportSearch,
            14..=16 => Kind::Session,
            17 | 18 => Kind::CreateEntry,
            _ => Kind::DeleteEntry,
        }
    }
}

struct Outcome {
    kind: Kind,
    latency: Duration,
    error: Option<String>,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn summary(latencies: &mut [f64]) -> serde_json::Value {
    latencies.sort_by(f64::total_cmp);
    serde_json::json!({
        "count": latencies.len(),
        "p50_ms": quantile(latencies, 0.50),
        "p90_ms": quantile(latencies, 0.90),
        "p99_ms": quantile(latencies, 0.99),
        "max_ms": latencies.last().copied().unwrap_or(0.0),
    })
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(base), Some(token)) = (args.first().cloned(), args.get(1).cloned()) else {
        anyhow::bail!("usage: co2-load BASE_URL TOKEN [--rate N] [--seconds N] [--unit ID] [--year Y]");
    };
    let rate: f64 = flag(&args, "--rate").map_or(Ok(200.0), |v| v.parse())?;
    let seconds: f64 = flag(&args, "--seconds").map_or(Ok(60.0), |v| v.parse())?;
    let unit = flag(&args, "--unit").unwrap_or_else(|| "9001".into());
    let year = flag(&args, "--year").unwrap_or_else(|| "2025".into());
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).timeout(Duration::from_secs(30)).build()?;
    let entries = format!("{base}/api/v1/entries/units/{unit}/years/{year}/modules/equipment");
    let results = format!("{base}/api/v1/results/units/{unit}/years/{year}");
    let created: Arc<Mutex<Vec<String>>> = Arc::default();
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let airports = ["gva", "zurich", "paris", "lond", "berlin", "madrid", "roma", "lisbon", "new york", "tokyo"];

    let total = (rate * seconds) as u64;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        let scheduled = started + interval.mul_f64(i as f64);
        tokio::time::sleep_until(scheduled.into()).await;
        let kind = Kind::of(i);
        let (client, token, base, entries, results, created, outcomes) = (
            client.clone(),
            token.clone(),
            base.clone(),
            entries.clone(),
            results.clone(),
            created.clone(),
            outcomes.clone(),
        );
        let airport = airports[(i / 20) as usize % airports.len()];
        tasks.spawn(async move {
            let auth = format!("Bearer {token}");
            let sent = match kind {
                Kind::EntryPage => {
                    let page = 1 + (i / 20) % 5;
                    client.get(format!("{entries}?page={page}&per_page=50")).header("authorization", auth).send().await
                }
                Kind::Results => client.get(&results).header("authorization", auth).send().await,
                Kind::AirportSearch => {
                    client
                        .get(format!("{base}/api/v1/reference/airports?q={airport}"))
                        .header("authorization", auth)
                        .send()
                        .await
                }
                Kind::Session => {
                    client.get(format!("{base}/api/v1/session")).header("authorization", auth).send().await
                }
                Kind::CreateEntry => {
                    let body = serde_json::json!({"entry_type": "scientific", "data": {
                        "equipment_id": format!("LOAD-{i}"), "name": "Centrifuge", "equipment_class": "Centrifugation",
                        "sub_class": "Ultra centrifuges", "active_usage_hours_per_week": 40,
                        "standby_usage_hours_per_week": 128}});
                    client.post(&entries).header("authorization", auth).json(&body).send().await
                }
                Kind::DeleteEntry => {
                    let id = created.lock().expect("not poisoned").pop();
                    match id {
                        Some(id) => {
                            client
                                .delete(format!("{base}/api/v1/entries/{id}"))
                                .header("authorization", auth)
                                .send()
                                .await
                        }
                        None => client.get(&results).header("authorization", auth).send().await,
                    }
                }
            };
            let error = match sent {
                Err(e) => Some(format!("transport: {e}")),
                Ok(res) => {
                    let status = res.status();
                    let body = res.bytes().await.unwrap_or_default();
                    if !status.is_success() {
                        Some(format!(
                            "{status}: {}",
                            String::from_utf8_lossy(&body).chars().take(200).collect::<String>()
                        ))
                    } else {
                        if kind == Kind::CreateEntry
                            && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body)
                            && let Some(id) = v["entry_id"].as_str()
                        {
                            created.lock().expect("not poisoned").push(id.to_owned());
                        }
                        None
                    }
                }
            };
            outcomes.lock().expect("not poisoned").push(Outcome { kind, latency: scheduled.elapsed(), error });
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed().as_secs_f64();

    let outcomes = std::mem::take(&mut *outcomes.lock().expect("not poisoned"));
    let mut all: Vec<f64> = outcomes.iter().map(|o| o.latency.as_secs_f64() * 1000.0).collect();
    let mut by_kind: BTreeMap<Kind, Vec<f64>> = BTreeMap::new();
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    for o in &outcomes {
        by_kind.entry(o.kind).or_default().push(o.latency.as_secs_f64() * 1000.0);
        if let Some(e) = &o.error {
            *errors.entry(format!("{}: {e}", o.kind.name())).or_default() += 1;
        }
    }
    let kinds: serde_json::Map<String, serde_json::Value> =
        by_kind.iter_mut().map(|(k, l)| (k.name().to_owned(), summary(l))).collect();
    let report = serde_json::json!({
        "requests": outcomes.len(),
        "seconds": elapsed,
        "achieved_rps": outcomes.len() as f64 / elapsed,
        "target_rps": rate,
        "errors": errors.values().sum::<u64>(),
        "error_kinds": errors,
        "latency": summary(&mut all),
        "by_kind": kinds,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
