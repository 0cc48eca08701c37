#!/usr/bin/env python3
"""`make bench`: figures for the release build on this machine.

1. Cold start of every function as a person pays it: exec of the release binary → its first
   authenticated, database-backed 200 (median of N), and `podman run` of its image (built by
   knative/images.sh) → the same 200; exec → /healthz; idle resident memory; image size.
2. Upload to totals: a generated 10,000-row equipment file (deterministic, seed 42) through the
   embedded server — PUT of the bytes until the job has succeeded and the module total is visible;
   one entry created by hand; listings of a 5,000-entry module.
3. Large files: 100,000-row equipment and plane files, PUT → totals visible.
4. Recalculation: 800,000 equipment entries in 71 units computed again on an admin's request
   (admin request → job succeeded), a unit-year XLSX export of 100,000 entries, and the peak RSS
   of each step function, which runs as its own process there.
5. Load (`--only-load`, also `make load`): 60 s of open-loop mixed load at 200 requests/s (85 %
   reads, 15 % writes; tools/load) against the release server with its pools through PgBouncer
   in transaction pooling, reads on a streaming replica (scripts/db-tier.sh): latency quantiles,
   errors, achieved rate and server CPU per request.

Environment (DATABASE_URL, SESSION_*, LOCAL_BLOB_*) comes from scripts/dev-env.sh via the Makefile.
"""
import argparse, csv, gzip, http.client, io, json, os, random, signal, socket, statistics, subprocess, sys, time, urllib.parse, uuid

FUNCTIONS = ["api-session", "api-workspace", "api-results", "api-backoffice", "api-entries", "api-uploads", "api-reference", "api-access", "api-docs", "web",
             "step-ingest", "step-compute", "step-aggregate", "step-export"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthz(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=0.5)
        c.request("GET", "/healthz")
        ok = c.getresponse().status == 200
        c.close()
        return ok
    except OSError:
        return False


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cold_start(binary, runs):
    """exec → first 200 on /healthz (no I/O), median of `runs`, and the idle RSS."""
    times, rss = [], []
    for _ in range(runs):
        port = free_port()
        env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", RUST_LOG="warn")
        t0 = time.perf_counter()
        p = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not healthz(port):
            if p.poll() is not None:
                raise SystemExit(f"{binary} exited with {p.returncode} before answering")
            time.sleep(0.0005)
        times.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.2)
        rss.append(rss_kib(p.pid))
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
    return statistics.median(times), min(times), max(times), statistics.median(rss) / 1024


def cloudevent(body):
    """A message as Knative's SQS source POSTs it (binary mode)."""
    return {"ce-specversion": "1.0", "ce-id": uuid.uuid4().hex, "ce-type": "dev.knative.connector.event.aws-sqs",
            "ce-source": "dev.knative.eventing.aws-sqs-source", "Content-Type": "application/json"}, body


def first_request(name, tokens, job_id):
    """What a person (or the SQS source) first asks each function: (method, path, token, headers,
    raw body). Every one needs the session and the database, except web and api-docs, which have
    neither; a step's message names a job it reads from the database (an unknown one: it is
    acknowledged as poison once the database said so)."""
    nobody = str(uuid.uuid4())
    principal, admin = tokens["principal"], tokens["admin"]
    api = {
        "api-session": ("GET", "/api/v1/session", principal),
        "api-workspace": ("GET", "/api/v1/units/9001/years/2025/report", principal),
        "api-results": ("GET", "/api/v1/results/units/9001/years/2025", principal),
        "api-backoffice": ("GET", "/api/v1/backoffice/years", admin),
        "api-entries": ("GET", "/api/v1/entries/units/9001/years/2025/modules/equipment", principal),
        "api-uploads": ("GET", f"/api/v1/jobs/{job_id}", principal),
        "api-reference": ("GET", "/api/v1/reference/airports?q=GVA", principal),
        "api-access": ("GET", "/api/v1/backoffice/roles", admin),
        "api-docs": ("GET", "/docs/openapi.json", None),
        "web": ("GET", "/", None),
    }
    if name in api:
        method, path, token = api[name]
        return method, path, token, {}, None
    message = {
        "step-ingest": {"Records": [{"eventName": "ObjectCreated:Put", "eventSource": "aws:s3",
                                     "s3": {"bucket": {"name": "co2"}, "object": {"key": f"uploads/{nobody}/e.csv",
                                                                                  "size": 10, "eTag": "0"}}}]},
        "step-compute": {"kind": "compute", "version": 1, "job_id": nobody, "report_module_id": nobody},
        "step-aggregate": {"kind": "aggregate", "version": 1, "job_id": nobody, "report_module_id": nobody},
        "step-export": {"kind": "export", "version": 1, "job_id": nobody},
    }[name]
    headers, body = cloudevent(json.dumps(message).encode())
    return "POST", "/", None, headers, body


def answered(port, req):
    """The request's status, or None while nothing listens."""
    method, path, token, headers, body = req
    try:
        return request(port, method, path, token=token, raw=body, headers=headers)[0]
    except OSError:
        return None


def cold_start_first_request(binary, name, runs, tokens, job_id):
    """exec → the first request of `first_request` answered 200, median of `runs`."""
    times = []
    for _ in range(runs):
        port = free_port()
        env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", RUST_LOG="warn")
        req = first_request(name, tokens, job_id)
        t0 = time.perf_counter()
        p = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        status = None
        while status is None:
            if p.poll() is not None:
                raise SystemExit(f"{binary} exited with {p.returncode} before answering")
            status = answered(port, req)
            if status is None:
                time.sleep(0.0005)
        times.append((time.perf_counter() - t0) * 1000)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
        if status != 200:
            raise SystemExit(f"{name}: the first request answered {status}")
    return statistics.median(times)


# podman's settings on this kind of machine (the file says why).
PODMAN_CONF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "podman-containers.conf")


def image_cold_start(name, image, runs, tokens, job_id):
    """`podman run` of the function's image → the first request answered 200 (what a container
    runtime adds to the exec), median of `runs`, and the container's idle RSS."""
    penv = dict(os.environ, CONTAINERS_CONF=PODMAN_CONF)
    # The configuration variables (scripts/dev-env.sh); the image has its own DATA_DIR and WEB_ROOT.
    prefixes = ("DATABASE_", "CO2_PROFILE", "SESSION_", "LOCAL_BLOB_", "BLOB_", "QUEUE_", "PUBLIC_BASE_URL")
    config = {k: v for k, v in os.environ.items() if k.startswith(prefixes)}
    times, rss = [], []
    for i in range(runs):
        port = free_port()
        env = {k: v for k, v in config.items() if "\n" not in v}
        env.update(PORT=str(port), HOST="127.0.0.1", RUST_LOG="warn")
        storage = os.environ["LOCAL_BLOB_DIR"]
        args = ["podman", "run", "--rm", "--detach", "--network", "host", "--name", f"co2-bench-{name}-{i}",
                "--volume", f"{storage}:{storage}"]
        # Multi-line values (the session keys) travel through podman's own environment.
        keys = {k: v for k, v in config.items() if "\n" in v}
        for k, v in env.items():
            args += ["--env", f"{k}={v}"]
        for k in keys:
            args += ["--env", k]
        req = first_request(name, tokens, job_id)
        t0 = time.perf_counter()
        subprocess.run(args + [image], env=dict(penv, **keys), check=True, stdout=subprocess.DEVNULL)
        status = None
        while status is None:
            status = answered(port, req)
            if status is None:
                time.sleep(0.001)
                if time.perf_counter() - t0 > 30:
                    raise SystemExit(f"{image} did not answer")
        times.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise SystemExit(f"{image}: the first request answered {status}")
        time.sleep(0.2)
        pid = subprocess.run(["podman", "inspect", "--format", "{{.State.Pid}}", f"co2-bench-{name}-{i}"], env=penv,
                             capture_output=True, text=True, check=True).stdout.strip()
        rss.append(rss_kib(int(pid)))
        subprocess.run(["podman", "rm", "-f", "-t", "2", f"co2-bench-{name}-{i}"], env=penv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return statistics.median(times), statistics.median(rss) / 1024


def build_images(bin_dir):
    """knative/images.sh over the release binaries: {function: (image, bytes)}."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    out = subprocess.run(["bash", os.path.join(root, "knative/images.sh"), "--bin-dir", bin_dir, "--tag", "bench"]
                         + FUNCTIONS, capture_output=True, text=True, check=True).stdout
    images = {}
    for line in out.splitlines():
        image, size = line.split("\t")
        images[image.rsplit("/", 1)[1].split(":")[0]] = (image, int(size))
    return images


def cold_starts(a):
    """Cold start as a person pays it, for every function: the release binary's exec and its
    image's `podman run` to the first authenticated, database-backed 200; idle RSS; image size."""
    port, env, server = fresh_server(a.bin_dir)
    try:
        tokens = {}
        for persona, unit in (("principal", "9001"), ("admin", None)):
            body = {"persona": persona, **({"unit": unit} if unit else {})}
            tokens[persona] = request(port, "POST", "/api/v1/auth/dev-login", body)[1]["token"]
        status, up = request(port, "POST", "/api/v1/uploads", {"unit": "9001", "year": 2025, "module": "equipment",
                                                                "filename": "e.csv", "mode": "replace"},
                             token=tokens["principal"])
        job_id = up["job_id"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    # The sessions' issuer is the base URL they were signed under: every function gets it. And
    # the cluster's environment: no backtraces captured for every logged error (a first capture
    # costs tens of milliseconds).
    os.environ["PUBLIC_BASE_URL"] = env["PUBLIC_BASE_URL"]
    for var in ("RUST_BACKTRACE", "RUST_LIB_BACKTRACE"):
        os.environ.pop(var, None)
    images = build_images(a.bin_dir) if not a.no_images else {}
    print(f"\ncold start to the first authenticated, database-backed 200 (web, api-docs: first page), release build")
    print(f"  binary: exec → 200, median of {a.runs}; image: podman run → 200, median of {a.image_runs}; idle RSS")
    print(f"{'function':<16}{'binary ms':>10}{'healthz ms':>11}{'RSS MiB':>9}{'image ms':>10}{'image RSS':>10}{'image MB':>10}")
    for name in FUNCTIONS:
        binary = os.path.join(a.bin_dir, name)
        first = cold_start_first_request(binary, name, a.runs, tokens, job_id)
        health, _, _, rss = cold_start(binary, a.runs)
        if name in images:
            image, size = images[name]
            img_ms, img_rss = image_cold_start(name, image, a.image_runs, tokens, job_id)
            tail = f"{img_ms:>10.1f}{img_rss:>10.1f}{size / 1e6:>10.1f}"
        else:
            tail = f"{'-':>10}{'-':>10}{'-':>10}"
        print(f"{name:<16}{first:>10.1f}{health:>11.1f}{rss:>9.1f}{tail}")
    for name, (image, _) in images.items():
        subprocess.run(["podman", "rmi", "-f", image], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def request(port, method, path, body=None, token=None, raw=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = dict(headers or {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    payload = r.read()
    c.close()
    return r.status, (json.loads(payload) if payload[:1] in (b"{", b"[") else payload)


def equipment_file(rows, factors_csv):
    rnd = random.Random(42)
    with open(factors_csv) as f:
        factors = list(csv.DictReader(f))
    weights = {"scientific": 60, "it": 30, "other": 10}
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["equipment_id", "name", "equipment_class", "sub_class", "active_usage_hours_per_week",
                "standby_usage_hours_per_week", "note", "kg_co2eq", "equipment_category"])
    for i in range(rows):
        cat = rnd.choices(list(weights), list(weights.values()))[0]
        pool = [f for f in factors if f["equipment_category"] == cat] or factors
        f = rnd.choice(pool)
        if rnd.random() < 0.4:
            a = s = ""
        else:
            a = rnd.choice([0, 5, 10, 20, 40, 60, 168])
            s = rnd.choice([168 - a, 0])
        w.writerow([f"BENCH-{i:06d}", f"Device {i}", f["equipment_class"], f["sub_class"], a, s, "", "", cat])
    return out.getvalue().encode()


AIRPORTS = ["GVA", "ZRH", "BSL", "JFK", "LHR", "CDG", "FRA", "AMS", "BCN", "ATH", "SIN", "NRT", "SFO", "YUL", "LIS",
            "MAD", "FCO", "VIE", "CPH", "OSL", "DXB", "BOS", "ORD", "GRU", "JNB", "SYD", "PEK", "DEL", "IST", "MUC"]


def plane_file(rows):
    rnd = random.Random(42)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["origin_iata", "destination_iata", "user_institutional_id", "departure_date", "number_of_trips",
                "cabin_class", "note", "kg_co2eq"])
    for i in range(rows):
        a, b = rnd.sample(AIRPORTS, 2)
        w.writerow([a, b, f"{300000 + i % 500}", f"2025-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                    rnd.choice([1, 1, 1, 2, 3]), rnd.choice(["economy"] * 8 + ["business", "first"]), "", ""])
    return out.getvalue().encode()


def put_and_wait(port, token, module, entry_type, data, mode="replace"):
    """Registers an upload, PUTs the bytes, waits for the job and reads the results; returns (seconds to
    the job's end, seconds to the results, the job, the results)."""
    body = {"unit": "9001", "year": 2025, "module": module, "filename": "bench.csv", "mode": mode}
    if entry_type:
        body["entry_type"] = entry_type
    _, up = request(port, "POST", "/api/v1/uploads", body, token)
    url = urllib.parse.urlsplit(up["put_url"])
    t0 = time.perf_counter()
    status, _ = request(port, "PUT", f"{url.path}?{url.query}", raw=data)
    assert status == 200, status
    while True:
        _, job = request(port, "GET", f"/api/v1/jobs/{up['job_id']}", token=token)
        if job["state"] in ("succeeded", "failed"):
            break
        time.sleep(0.005)
    t_job = time.perf_counter() - t0
    _, results = request(port, "GET", "/api/v1/units/9001/years/2025/results", token=token)
    return t_job, time.perf_counter() - t0, job, results


def hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def psql(sql):
    subprocess.run(["psql", os.environ["DATABASE_URL"], "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, PGOPTIONS="--client-min-messages=warning"))


STEPS = {"step-ingest": "co2-ingest", "step-compute": "co2-compute", "step-aggregate": "co2-aggregate",
         "step-export": "co2-export"}


def large_files_and_recalculation(bin_dir, rows, units, per_unit, step_logs=None):
    """The large phase. Each step runs as its own process (its release binary, as Knative runs it),
    fed by the embedded server's queue pumps over HTTP (STEP_URLS), so its peak RSS is its own."""
    port = free_port()
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", RUST_LOG="warn",
               MAX_UPLOAD_BYTES=str(256 * 1024 * 1024), CO2_PROFILE="dev")
    psql("drop schema public cascade; create schema public")
    subprocess.run([os.path.join(bin_dir, "migrate"), "--seed-demo"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    steps, urls = {}, []
    if step_logs:
        os.makedirs(step_logs, exist_ok=True)
    for name, queue in STEPS.items():
        step_port = free_port()
        # With --step-logs each step logs at info level (its phase timings) into DIR/<step>.log.
        log = open(os.path.join(step_logs, f"{name}.log"), "w") if step_logs else subprocess.DEVNULL
        step_env = dict(env, PORT=str(step_port), RUST_LOG="info" if step_logs else "warn")
        steps[name] = (subprocess.Popen([os.path.join(bin_dir, name)], env=step_env, stdout=log,
                                        stderr=subprocess.STDOUT), step_port)
        urls.append(f"{queue}=http://127.0.0.1:{step_port}/")
    for proc, step_port in steps.values():
        while not healthz(step_port):
            time.sleep(0.01)
    server = subprocess.Popen([os.path.join(bin_dir, "devstack")], env=dict(env, STEP_URLS=",".join(urls)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = {}
    try:
        while not healthz(port):
            time.sleep(0.01)
        token = request(port, "POST", "/api/v1/auth/dev-login", {"persona": "principal", "unit": "9001"})[1]["token"]
        admin = request(port, "POST", "/api/v1/auth/dev-login", {"persona": "admin"})[1]["token"]
        factors = os.path.join(os.environ["DATA_DIR"], "factors/2025/equipments_factors.csv")
        for label, module, det, data in [("equipment", "equipment", None, equipment_file(rows, factors)),
                                         ("plane", "professional_travel", "plane", plane_file(rows))]:
            t_job, t_totals, job, _ = put_and_wait(port, token, module, det, data)
            assert job["state"] == "succeeded" and job["rows_ok"] == rows, job
            out[label] = (t_job, t_totals, len(data))
        # The 100k equipment entries of 9001 plus `per_unit` of them copied into each of `units` new units
        # (70 × 10,000 + 100,000 = 800,000), all recalculated by one admin request.
        for i in range(units):
            status, _ = request(port, "POST", "/api/v1/backoffice/units", {"institutional_id": f"B{i:03d}",
                                "name": f"Bench unit {i}", "parent": "ENAC"}, admin)
            assert status == 201, status
        psql(f"""
            insert into data_entry (report_module_id, data_entry_type, data, source)
            select rm.report_module_id, d.data_entry_type, d.data, 'manual'
            from report_module rm join report r using (report_id) join unit u using (unit_id)
            cross join (select d.data_entry_type, d.data from data_entry d join report_module m using (report_module_id)
                        join report r2 using (report_id) join unit u2 using (unit_id)
                        where u2.institutional_id = '9001' and r2.report_year_id = 2025 and m.module = 'equipment'
                        limit {per_unit}) d
            where u.institutional_id like 'B%' and r.report_year_id = 2025 and rm.module = 'equipment'""")
        psql("analyze")
        t0 = time.perf_counter()
        status, started = request(port, "POST", "/api/v1/backoffice/recalculations", {"year": 2025, "module": "equipment"}, admin)
        assert status == 202, (status, started)
        while True:
            _, job = request(port, "GET", f"/api/v1/jobs/{started['job_id']}", token=admin)
            if job["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.05)
        t_recalc = time.perf_counter() - t0
        assert job["state"] == "succeeded", job
        out["recalculation"] = (t_recalc, started["entries"], started["slices"])
        # The unit-year workbook of 9001 (100,000 equipment entries and their emission rows).
        t0 = time.perf_counter()
        status, export = request(port, "POST", "/api/v1/exports",
                                 {"kind": "unit_year", "format": "xlsx", "year": 2025, "unit": "9001", "basis": "all"}, token)
        assert status == 202, (status, export)
        while True:
            _, export = request(port, "GET", f"/api/v1/exports/{export['job_id']}", token=token)
            if export["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.05)
        assert export["state"] == "succeeded", export
        out["export"] = (time.perf_counter() - t0, export["entries"], export["bytes"])
        out["hwm"] = {name: hwm_kib(proc.pid) / 1024 for name, (proc, _) in steps.items()}
        out["hwm"]["devstack (APIs, pumps)"] = hwm_kib(server.pid) / 1024
        return out
    finally:
        for proc in [server] + [p for p, _ in steps.values()]:
            proc.send_signal(signal.SIGTERM)
        for proc in [server] + [p for p, _ in steps.values()]:
            proc.wait(timeout=30)


def fresh_server(bin_dir, pools=None):
    """The embedded server (release) on a fresh database with the demo lab: what an earlier run
    left (800,000 entries) would weigh on the figures. `pools` may point the server's database
    URLs elsewhere (PgBouncer); migrations always go to the database directly. Returns (port,
    env, process)."""
    port = free_port()
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", RUST_LOG="warn")
    psql("drop schema public cascade; create schema public")
    subprocess.run([os.path.join(bin_dir, "migrate"), "--seed-demo"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env.update(pools or {})
    server = subprocess.Popen([os.path.join(bin_dir, "devstack")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not healthz(port):
        time.sleep(0.01)
    return port, env, server


def upload_to_totals(bin_dir, rows, repeats):
    port, env, server = fresh_server(bin_dir)
    try:
        data = equipment_file(rows, os.path.join(os.environ["DATA_DIR"], "factors/2025/equipments_factors.csv"))
        _, login = request(port, "POST", "/api/v1/auth/dev-login", {"persona": "principal", "unit": "9001"})
        token = login["token"]
        results = []
        for _ in range(repeats):
            t_job, t_totals, job, res = put_and_wait(port, token, "equipment", None, data)
            equipment = next(m for m in res["modules"] if m["module"] == "equipment")
            assert job["state"] == "succeeded", job
            results.append((t_job, t_totals, job["rows_ok"], equipment["totals"]["total_t"]))
        # One entry by hand: validate + compute + re-aggregate, in one request.
        entry_ms = []
        for i in range(30):
            body = {"entry_type": "scientific", "data": {"equipment_id": f"ONE-{i}", "name": "Centrifuge",
                    "equipment_class": "Centrifugation", "sub_class": "Ultra centrifuges",
                    "active_usage_hours_per_week": 40, "standby_usage_hours_per_week": 128}}
            t0 = time.perf_counter()
            status, _ = request(port, "POST", "/api/v1/entries/units/9001/years/2025/modules/equipment", body, token)
            entry_ms.append((time.perf_counter() - t0) * 1000)
            assert status == 201, status
        # Listing a module of 5,000 entries.
        put_and_wait(port, token, "equipment", None,
                     equipment_file(5000, os.path.join(os.environ["DATA_DIR"], "factors/2025/equipments_factors.csv")))
        listing = {}
        for label, query in [("page of 50", "?page=7&per_page=50"), ("page of 500 by kg", "?per_page=500&sort=-kg_co2eq")]:
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                status, page = request(port, "GET", f"/api/v1/entries/units/9001/years/2025/modules/equipment{query}", token=token)
                times.append((time.perf_counter() - t0) * 1000)
                assert status == 200 and page["total"] >= 5000, (status, page.get("total"))
            listing[label] = statistics.median(times)
        return results, rss_kib(server.pid) / 1024, statistics.median(entry_ms), listing
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def cpu_seconds(pid):
    """User + system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids_of(pattern):
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def load(bin_dir, rate, seconds):
    """The release server behind PgBouncer (transaction pooling) with a streaming replica, a unit
    with 2,000 equipment entries, then `co2-load`. Returns its report plus CPU per request."""
    here = os.path.dirname(os.path.abspath(__file__))
    state = os.path.realpath(os.path.join(here, "..", ".local", "bench-db-tier"))
    primary_port = int(os.environ.get("CO2_PG_PORT", "25432"))
    tier = subprocess.run(["bash", os.path.join(here, "db-tier.sh"), "start", state, str(primary_port)],
                          capture_output=True, text=True, check=True).stdout
    ports = dict(line.removeprefix("export ").split("=", 1) for line in tier.splitlines() if line.startswith("export "))
    db = urllib.parse.urlparse(os.environ["DATABASE_URL"]).path
    try:
        via = lambda host_port: f"postgres://postgres@{host_port}{db}"
        # The embedded server hosts every function, so its pools are the size of several pods'.
        port, env, server = fresh_server(bin_dir, {"DATABASE_URL": via(ports["CO2_TEST_PGBOUNCER"]),
                                                   "DATABASE_READ_URL": via(ports["CO2_TEST_PGBOUNCER_READ"]),
                                                   "DATABASE_MAX_CONNECTIONS": "16"})
        try:
            _, login = request(port, "POST", "/api/v1/auth/dev-login", {"persona": "principal", "unit": "9001"})
            token = login["token"]
            put_and_wait(port, token, "equipment", None,
                         equipment_file(2000, os.path.join(os.environ["DATA_DIR"], "factors/2025/equipments_factors.csv")))
            bouncers = pids_of(f"pgbouncer -d -q {state}")
            watched = {"server": [server.pid], "pgbouncer": bouncers, "postgres": pids_of("postgres")}
            before = {k: sum(cpu_seconds(p) for p in v) for k, v in watched.items()}
            out = subprocess.run([os.path.join(bin_dir, "co2-load"), f"http://127.0.0.1:{port}", token,
                                  "--rate", str(rate), "--seconds", str(seconds)],
                                 capture_output=True, text=True, check=True).stdout
            report = json.loads(out)
            cpu = {}
            for k, v in watched.items():
                now = 0.0
                for p in v:
                    try:
                        now += cpu_seconds(p)
                    except FileNotFoundError:
                        pass
                cpu[k] = (now - before[k]) * 1000 / max(report["requests"], 1)
            report["cpu_ms_per_request"] = cpu
            return report
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
    finally:
        subprocess.run(["bash", os.path.join(here, "db-tier.sh"), "stop", state], check=False)


def spa_bundle(dist, full_app=False):
    """Bytes (raw, gzipped) of what the first load fetches: the page, the stylesheet, the boot
    script, the first-load bundle's script and wasm and the script snippets; with `full_app`, the
    full app's script and wasm instead (what boot.js loads for the IT manager's area, a unit's
    simulation and plans)."""
    raw = gz = 0
    for root, _, files in os.walk(dist):
        for name in files:
            if name.endswith(".gz"):
                continue
            if name.startswith("co2_full") != full_app and name.startswith(("co2_full", "co2_web")):
                continue
            path = os.path.join(root, name)
            raw += os.path.getsize(path)
            gz += os.path.getsize(path + ".gz") if os.path.exists(path + ".gz") else len(gzip.compress(open(path, "rb").read(), 9))
    return raw, gz


def home_tti(bin_dir, runs):
    """Time to interactive of the home page in headless Chromium (tests/browser/tti.mjs) against
    the release server with the demo lab."""
    port, env, server = fresh_server(bin_dir)
    try:
        here = os.path.dirname(os.path.abspath(__file__))
        out = subprocess.run(["node", os.path.join(here, "..", "tests", "browser", "tti.mjs"), str(runs)],
                             env=dict(env, CO2_BASE_URL=f"http://127.0.0.1:{port}"), check=True,
                             capture_output=True, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--big-rows", type=int, default=100_000)
    ap.add_argument("--units", type=int, default=70)
    ap.add_argument("--per-unit", type=int, default=10_000)
    ap.add_argument("--only-large", action="store_true", help="only the large files and the recalculation")
    ap.add_argument("--only-spa", action="store_true", help="only the SPA's bundle size and time to interactive")
    ap.add_argument("--only-load", action="store_true", help="only the mixed load through PgBouncer")
    ap.add_argument("--only-cold", action="store_true", help="only the cold starts (binaries and images)")
    ap.add_argument("--image-runs", type=int, default=5, help="cold starts of each image under podman")
    ap.add_argument("--no-images", action="store_true", help="cold starts of the binaries only")
    ap.add_argument("--rate", type=int, default=200, help="load: requests per second")
    ap.add_argument("--seconds", type=int, default=60, help="load: duration")
    ap.add_argument("--step-logs", metavar="DIR", help="write each step's info-level log (phase timings) to DIR")
    a = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; release binaries in {a.bin_dir}")
    if a.only_large:
        return large(a)
    if a.only_spa:
        return spa(a)
    if a.only_load:
        return load_figures(a)
    if a.only_cold:
        return cold_starts(a)
    cold_starts(a)
    print(f"\nupload to totals: {a.rows}-row equipment file, embedded server (PUT → job succeeded → results read)")
    results, rss, entry_ms, listing = upload_to_totals(a.bin_dir, a.rows, a.repeats)
    for i, (tj, tt, ok, total) in enumerate(results, 1):
        print(f"  run {i}: job succeeded after {tj*1000:.0f} ms, totals read after {tt*1000:.0f} ms "
              f"({ok} rows ok, equipment {total:.1f} t CO2e)")
    print(f"  median to totals: {statistics.median(r[1] for r in results)*1000:.0f} ms")
    print(f"\ncreating one entry (validate + compute + re-aggregate), median of 30: {entry_ms:.1f} ms")
    for label, ms in listing.items():
        print(f"listing a module of 5,000 entries, {label}, median of 20: {ms:.1f} ms")
    print(f"embedded server RSS after all of this: {rss:.1f} MiB")
    spa(a)
    large(a)
    load_figures(a)


def load_figures(a):
    print(f"\nload: {a.seconds} s open-loop at {a.rate} requests/s (85 % reads, 15 % writes), release server, "
          "pools through PgBouncer (transaction pooling), reads on a streaming replica")
    r = load(a.bin_dir, a.rate, a.seconds)
    lat = r["latency"]
    print(f"  {r['requests']} requests in {r['seconds']:.1f} s = {r['achieved_rps']:.1f} requests/s; "
          f"errors: {r['errors']}")
    print(f"  latency from scheduled start: p50 {lat['p50_ms']:.1f} ms, p90 {lat['p90_ms']:.1f} ms, "
          f"p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms")
    for kind, k in r["by_kind"].items():
        print(f"    {kind:<28}{k['count']:>7}  p50 {k['p50_ms']:>6.1f}  p99 {k['p99_ms']:>6.1f}  max {k['max_ms']:>7.1f} ms")
    cpu = r["cpu_ms_per_request"]
    print(f"  CPU per request: server {cpu['server']:.2f} ms, PgBouncer {cpu['pgbouncer']:.2f} ms, "
          f"PostgreSQL {cpu['postgres']:.2f} ms")
    for kind, n in r["error_kinds"].items():
        print(f"  error: {n} × {kind}")


def spa(a):
    here = os.path.dirname(os.path.abspath(__file__))
    raw, gz = spa_bundle(os.path.join(here, "..", "frontend-dioxus", "dist"))
    print(f"\nSPA first load (frontend-dioxus/dist): {raw / 1024:.0f} KiB raw, {gz / 1024:.0f} KiB gzipped (target ≤ 700 KB)")
    raw, gz = spa_bundle(os.path.join(here, "..", "frontend-dioxus", "dist"), full_app=True)
    print(f"SPA full app (IT manager, simulation, plans; loaded instead): {raw / 1024:.0f} KiB raw, {gz / 1024:.0f} KiB gzipped")
    tti = home_tti(a.bin_dir, 7)
    print(f"home page time to interactive, headless Chromium, 7 cold loads: median {tti['median_ms']} ms "
          f"(runs {tti['runs']}), {tti['transfer_bytes'] / 1024:.0f} KiB transferred")


def large(a):
    print(f"\nlarge files, recalculation and export (each step its own process, {os.cpu_count()} deliveries at once)")
    big = large_files_and_recalculation(a.bin_dir, a.big_rows, a.units, a.per_unit, a.step_logs)
    for label in ("equipment", "plane"):
        tj, tt, size = big[label]
        print(f"  {a.big_rows}-row {label} file ({size / 1048576:.1f} MiB): job succeeded after {tj*1000:.0f} ms, "
              f"totals read after {tt*1000:.0f} ms")
    t, entries, slices = big["recalculation"]
    print(f"  recalculation of {entries} equipment entries ({slices} slices): {t:.1f} s "
          f"({entries / t:.0f} entries/s)")
    t, entries, size = big["export"]
    print(f"  unit-year XLSX export of {entries} entries ({size / 1048576:.1f} MiB): {t:.1f} s")
    print("  peak RSS during all of the above:")
    for name, mib in big["hwm"].items():
        print(f"    {name:<24}{mib:>8.1f} MiB")


if __name__ == "__main__":
    sys.exit(main())

