//! The functions' images as a cluster's nodes run them: built by `knative/images.sh` (the
//! script `make images` runs: `buildah from scratch`, the binary and exactly the libraries it
//! loads, no registry), started under podman with the environment their Knative Service gives
//! them, answering through the database tier and moto.
//!
//! The images here are built from the test build's binaries (`CO2_BIN_DIR`); `make images`
//! builds the release ones and holds each to its size limit.

use co2_e2e::cluster::{free_port, one_by_one, service, session_token};
use reqwest::StatusCode;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// podman's settings on this kind of machine (the file says why).
fn containers_conf() -> PathBuf {
    co2_e2e::knative_dir().join("../scripts/podman-containers.conf")
}

fn checked(what: &str, out: Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// podman with this machine's settings.
fn podman(conf: &Path) -> Command {
    let mut c = Command::new("podman");
    c.env("CONTAINERS_CONF", conf);
    c
}

/// A container removed, with its image, when dropped.
struct Container {
    name: String,
    image: String,
    conf: PathBuf,
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = podman(&self.conf).args(["rm", "-f", "-t", "2", &self.name]).output();
        let _ = podman(&self.conf).args(["rmi", "-f", &self.image]).output();
    }
}

impl Container {
    fn logs(&self) -> String {
        let out = podman(&self.conf).args(["logs", &self.name]).output().unwrap();
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    }

    /// The uid the container's process runs as, read from the host's view of it.
    fn process_uid(&self) -> u32 {
        let pid = checked(
            "podman inspect",
            podman(&self.conf).args(["inspect", "--format", "{{.State.Pid}}", &self.name]).output().unwrap(),
        );
        let status = std::fs::read_to_string(format!("/proc/{}/status", pid.trim())).unwrap();
        let uid = status.lines().find_map(|l| l.strip_prefix("Uid:")).unwrap();
        uid.split_whitespace().next().unwrap().parse().unwrap()
    }
}

/// Builds the images of `functions` from the test build's binaries; their names and sizes.
fn build_images(functions: &[&str], tag: &str) -> BTreeMap<String, (String, u64)> {
    let bin_dir = co2_e2e::binary(functions[0]).parent().unwrap().to_owned();
    let out = Command::new("bash")
        .arg(co2_e2e::knative_dir().join("images.sh"))
        .arg("--bin-dir")
        .arg(&bin_dir)
        .args(["--tag", tag])
        .args(functions)
        .output()
        .expect("bash");
    let listing = checked("knative/images.sh", out);
    listing
        .lines()
        .map(|l| {
            let (name, size) = l.split_once('\t').unwrap();
            let function = name.rsplit('/').next().unwrap().split(':').next().unwrap().to_owned();
            (function, (name.to_owned(), size.parse().unwrap()))
        })
        .collect()
}

async fn wait_healthy(http: &reqwest::Client, port: u16, container: &Container) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = http.get(format!("http://127.0.0.1:{port}/healthz")).send().await
            && r.status() == StatusCode::OK
        {
            return;
        }
        assert!(Instant::now() < deadline, "{} never answered /healthz:\n{}", container.name, container.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An API function and a step, each from its image under podman: the API answers an
/// authenticated request from the database (through PgBouncer), the step is ready (its database
/// reachable) and takes a CloudEvent; both run as the image's unprivileged user.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn images_from_scratch_serve_under_podman(pool: PgPool) {
    let (cloud, objects) = one_by_one(&pool, "http://127.0.0.1:8080").await;
    let conf = containers_conf();

    let tag = format!("test{}", cloud.suffix);
    let images = build_images(&["api-reference", "step-compute"], &tag);
    assert_eq!(images.len(), 2, "{images:?}");
    let http = reqwest::Client::new();
    let mut running = BTreeMap::new();
    for (function, (image, size)) in &images {
        assert!(*size > 0, "{image}: {size} bytes");
        let port = free_port();
        let mut env = service(function).environment(&objects);
        env.insert("PORT".into(), port.to_string());
        env.insert("HOST".into(), "127.0.0.1".into());
        let name = format!("co2-{function}{}", cloud.suffix);
        let mut run = podman(&conf);
        run.args(["run", "--detach", "--network", "host", "--name", &name]);
        for (k, v) in &env {
            run.arg("--env").arg(format!("{k}={v}"));
        }
        checked(&format!("podman run {image}"), run.arg(image).output().unwrap());
        let container = Container { name, image: image.clone(), conf: conf.clone() };
        wait_healthy(&http, port, &container).await;
        assert_eq!(container.process_uid(), 65532, "{function} runs as the image's unprivileged user");
        running.insert(function.clone(), (port, container));
    }

    // The API function reads the reference data through PgBouncer for a signed-in person.
    let keys = co2_e2e::cluster::cluster_session_keys(&cloud.suffix);
    let token = session_token(&pool, &keys, "standard", Some("9001")).await;
    let (port, container) = &running["api-reference"];
    let res = http
        .get(format!("http://127.0.0.1:{port}/api/v1/reference/airports?q=Geneva"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", container.logs());
    let airports: serde_json::Value = res.json().await.unwrap();
    assert!(
        airports.as_array().unwrap().iter().any(|a| a["iata_code"] == "GVA"),
        "Geneva's airport from the database: {airports}"
    );
    let anonymous =
        http.get(format!("http://127.0.0.1:{port}/api/v1/reference/airports?q=Geneva")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    // The step: its database is reachable, and a CloudEvent it cannot read is refused with the
    // envelope (the source would redeliver it), not a crash.
    let (port, container) = &running["step-compute"];
    let ready = http.get(format!("http://127.0.0.1:{port}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200, "{}", container.logs());
    let garbage = http.post(format!("http://127.0.0.1:{port}/")).body("{}").send().await.unwrap();
    assert_eq!(garbage.status(), 400);
    let body: serde_json::Value = garbage.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_cloudevent", "{body}");
    assert_eq!(container.process_uid(), 65532);
}
