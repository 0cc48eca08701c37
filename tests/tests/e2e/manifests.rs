//! The manifests agree with the code and with the one definition of the cloud resources:
//! every variable the code reads is provided by the manifests or documented with its default;
//! the queue names, the sweeper's dead-letter queues, the SQS sources and the steps' timeouts
//! follow `knative/cloud-resources.yaml`.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    co2_e2e::data_dir().join("..")
}

/// `KEY=value` lines of an env file.
fn env_keys(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Every YAML document of the files under `dir`.
fn documents(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            for doc in serde_yaml_ng::Deserializer::from_str(&text) {
                out.push(<Value as serde::Deserialize>::deserialize(doc).unwrap());
            }
        }
    }
    out
}

/// The Rust sources of what is deployed (not tests, not the test kit).
fn deployed_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "tests" | "testkit" | "target" | "fixtures") {
                deployed_sources(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The environment variables the deployed code reads by name.
fn variables_read() -> BTreeSet<String> {
    let mut files = Vec::new();
    for dir in ["functions", "shared", "tools"] {
        deployed_sources(&repo().join(dir), &mut files);
    }
    let mut names = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for reader in ["required_var(\"", "var_parsed(\"", "var(\"", "var_os(\""] {
            for (i, _) in text.match_indices(reader) {
                let rest = &text[i + reader.len()..];
                let name: String =
                    rest.chars().take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_').collect();
                if !name.is_empty() && rest[name.len()..].starts_with('"') {
                    names.insert(name);
                }
            }
        }
    }
    names
}

/// The names in the first column of the README's configuration table.
fn documented() -> BTreeSet<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    readme
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| l.split('|').nth(1))
        .flat_map(|cell| cell.split('`').skip(1).step_by(2).map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

#[test]
fn every_variable_the_code_reads_is_provided_by_the_manifests_or_documented() {
    let base = co2_e2e::knative_dir().join("base");
    let mut provided: BTreeSet<String> = env_keys(&base.join("config.env")).into_keys().collect();
    for secrets in ["database.example.env", "oidc.example.env", "aws.example.env", "mail.example.env"] {
        provided.extend(env_keys(&base.join(secrets)).into_keys());
    }
    for doc in documents(&base.join("functions")).iter().chain(&documents(&base.join("database"))) {
        let spec = &doc["spec"]["template"]["spec"];
        for c in spec["containers"].as_array().into_iter().flatten() {
            provided.extend(
                c["env"].as_array().into_iter().flatten().filter_map(|e| e["name"].as_str()).map(str::to_owned),
            );
        }
    }
    provided.extend(["SESSION_PUBLIC_KEY".to_owned()]); // a file of the ConfigMap (kustomization.yaml)
    // Set by the platform that runs the binary.
    let platform = ["PORT", "AWS_LAMBDA_RUNTIME_API"];
    let documented = documented();
    let read = variables_read();
    assert!(read.len() > 30 && read.contains("DATABASE_URL"), "the scan finds the reads: {read:?}");
    let missing: Vec<&String> = read
        .iter()
        .filter(|v| !provided.contains(*v) && !documented.contains(*v) && !platform.contains(&v.as_str()))
        .collect();
    assert!(missing.is_empty(), "read by the code, neither in the manifests nor documented in README: {missing:?}");

    // And the other way: nothing in the ConfigMap that no code reads (a typo would be silent).
    let external = ["RUST_LOG", "AWS_REGION"]; // tracing's filter, the AWS SDK
    let unread: Vec<String> = env_keys(&base.join("config.env"))
        .into_keys()
        .filter(|k| !read.contains(k) && !external.contains(&k.as_str()))
        .collect();
    assert!(unread.is_empty(), "set in config.env, read by nothing: {unread:?}");
}

#[test]
fn the_queues_sources_and_sweeper_follow_the_cloud_resources_file() {
    let res = cloud_resources::Resources::load(&cloud_resources::Resources::repository_file()).unwrap();
    let base = co2_e2e::knative_dir().join("base");
    let config = env_keys(&base.join("config.env"));
    for q in &res.queues {
        assert_eq!(config.get(&q.env), Some(&q.name), "config.env {} names the queue", q.env);
    }
    assert_eq!(config["QUEUE_DEAD_LETTERS"], res.dead_letter_queues().join(","), "the sweeper reads every DLQ");
    assert_eq!(config["S3_BUCKET"], res.bucket.name);

    let sources: Vec<Value> =
        documents(&base.join("eventing")).into_iter().filter(|d| d["kind"] == "IntegrationSource").collect();
    assert_eq!(sources.len(), res.queues.len(), "one source per queue");
    for q in &res.queues {
        let src = sources
            .iter()
            .find(|s| {
                s["spec"]["aws"]["sqs"]["arn"].as_str().is_some_and(|a| a.rsplit(':').next() == Some(q.name.as_str()))
            })
            .unwrap_or_else(|| panic!("no source reads {}", q.name));
        assert_eq!(src["spec"]["sink"]["ref"]["name"], q.consumer.as_str(), "{} goes to its step", q.name);
        assert_eq!(src["spec"]["aws"]["sqs"]["visibilityTimeout"], res.queue_defaults.visibility_timeout_secs);
        assert_eq!(src["spec"]["aws"]["sqs"]["region"], res.region.as_str());
    }
    // A message stays hidden longer than its step may work on it.
    for doc in documents(&base.join("functions")) {
        let name = doc["metadata"]["name"].as_str().unwrap();
        if res.queues.iter().any(|q| q.consumer == name) {
            let timeout = doc["spec"]["template"]["spec"]["timeoutSeconds"].as_u64().unwrap();
            assert!(
                timeout < u64::from(res.queue_defaults.visibility_timeout_secs),
                "{name} times out after {timeout} s"
            );
        }
    }
    // Every function the file grants something to exists and runs as its own identity (whose
    // IAM role is that function's policy); the others share one without any cloud role.
    let accounts: BTreeSet<String> = documents(&base)
        .iter()
        .filter(|d| d["kind"] == "ServiceAccount")
        .map(|d| d["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    let functions = documents(&base.join("functions"));
    let services: BTreeSet<&str> = functions.iter().map(|d| d["metadata"]["name"].as_str().unwrap()).collect();
    for f in res.functions.keys() {
        assert!(services.contains(f.as_str()), "{f} is not a function");
    }
    for doc in &functions {
        let name = doc["metadata"]["name"].as_str().unwrap();
        let account = doc["spec"]["template"]["spec"]["serviceAccountName"].as_str().unwrap();
        let expected = if res.functions.contains_key(name) { format!("co2-{name}") } else { "co2-functions".into() };
        assert_eq!(account, expected, "{name}'s identity");
        assert!(accounts.contains(account), "{account} is declared");
    }
}
