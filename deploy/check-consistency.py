"""Cross-checks of the deployment files against the code, run by deploy/check.

The schema validators see that compose.yaml and the manifests are well
formed; this sees that they fit this application:

- every SHANLIAN__* variable names a real configuration key (the server
  refuses unknown keys at start-up, so a typo would stop it), read from the
  structs of api/src/config.rs;
- every command given to the image is a real `api` subcommand, read from
  api/src/cli.rs;
- compose: each service has an image or a build, depends_on names existing
  services without a cycle, and the passwords repeated in several places
  agree;
- Kubernetes: kustomization.yaml lists every manifest and nothing missing,
  the ConfigMap and Secret references (names and keys) resolve, selectors
  match their pods, the server's probes are /readyz and /healthz and its
  grace period covers the preStop pause and the 30 s shutdown;
- .dockerignore keeps every workspace member.

Prints each finding and exits 1 if there is any; prints nothing otherwise.
Usage: python3 deploy/check-consistency.py REPOSITORY_ROOT
"""

import fnmatch
import pathlib
import re
import sys
from urllib.parse import urlsplit

import yaml

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
APP_IMAGE = "shanlian"  # the image name the manifests use; kustomize rewrites it
COMPOSE_IMAGE = "shanlian:dev"

findings = []


def finding(where, message):
    findings.append(f"{where}: {message}")


# --- What the code defines --------------------------------------------------


def config_env_vars():
    """SHANLIAN__SECTION__KEY for every leaf of `Settings` in config.rs."""
    text = (ROOT / "api/src/config.rs").read_text(encoding="utf-8")
    structs = {}
    for name, body in re.findall(r"pub struct (\w+) \{(.*?)\n\}", text, re.S):
        structs[name] = re.findall(r"^\s*pub (\w+): ([\w:<>]+),", body, re.M)
    if "Settings" not in structs:
        finding("api/src/config.rs", "no `pub struct Settings` found: update deploy/check-consistency.py")
        return set()

    names = set()

    def walk(struct, path):
        for field, ty in structs[struct]:
            inner = re.sub(r"^Option<(.*)>$", r"\1", ty)
            if inner in structs:
                walk(inner, path + [field])
            else:
                names.add("SHANLIAN__" + "__".join(p.upper() for p in path + [field]))

    walk("Settings", [])
    return names


def cli_subcommands():
    """The kebab-case names of `enum Command` in cli.rs (clap's default)."""
    text = (ROOT / "api/src/cli.rs").read_text(encoding="utf-8")
    match = re.search(r"pub enum Command \{(.*?)\n\}", text, re.S)
    if not match:
        finding("api/src/cli.rs", "no `pub enum Command` found: update deploy/check-consistency.py")
        return set()
    variants = re.findall(r"^    ([A-Z]\w*)\s*[,{]", match.group(1), re.M)
    return {re.sub(r"(?<!^)([A-Z])", r"-\1", v).lower() for v in variants}


def default_shutdown_timeout():
    """server.shutdown_timeout_secs in the defaults of config.rs (30 before it existed)."""
    text = (ROOT / "api/src/config.rs").read_text(encoding="utf-8")
    match = re.search(r"^shutdown_timeout_secs = (\d+)$", text, re.M)
    return int(match.group(1)) if match else 30


def workspace_members():
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    match = re.search(r"members\s*=\s*\[(.*?)\]", text, re.S)
    return re.findall(r'"([^"]+)"', match.group(1)) if match else []


KNOWN_VARS = config_env_vars()
SUBCOMMANDS = cli_subcommands()


def check_env_name(where, name):
    if name.startswith("SHANLIAN__") and name not in KNOWN_VARS:
        finding(where, f"{name} is not a configuration key (see api/src/config.rs); the server would refuse to start")
    elif name.startswith("SHANLIAN_") and not name.startswith("SHANLIAN__") and name not in (
        "SHANLIAN_CONFIG",
        "SHANLIAN_APP_DB_PASSWORD",
    ):
        finding(where, f"{name}: one underscore after SHANLIAN, so the server ignores it (a typo of SHANLIAN__?)")


def check_command(where, args):
    if not args:
        return
    if args[0] not in SUBCOMMANDS:
        finding(where, f"`api {' '.join(args)}`: {args[0]!r} is not a subcommand of api (one of {sorted(SUBCOMMANDS)})")


def url_password(url):
    try:
        return urlsplit(url).password
    except ValueError:
        return None


# --- compose.yaml ------------------------------------------------------------


def check_compose():
    path = DEPLOY / "compose.yaml"
    where = "deploy/compose.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    services = doc.get("services") or {}
    if not services:
        finding(where, "no services")
        return
    for name, svc in services.items():
        here = f"{where} services.{name}"
        if "image" not in svc and "build" not in svc:
            finding(here, "has neither image nor build")
        deps = svc.get("depends_on") or {}
        for dep in deps if isinstance(deps, (list, dict)) else []:
            if dep not in services:
                finding(here, f"depends_on {dep!r}, which is not a service")
        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
        for key in env:
            check_env_name(here, key)
        if svc.get("image") == COMPOSE_IMAGE:
            command = svc.get("command")
            check_command(here, command if isinstance(command, list) else str(command or "serve").split())
            if env.get("SHANLIAN__SERVER__HOST") not in (None, "0.0.0.0"):
                finding(here, "SHANLIAN__SERVER__HOST must be 0.0.0.0 in a container")
    # No cycle in depends_on.
    state = {}

    def visit(name, trail):
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            finding(where, "depends_on cycle: " + " -> ".join(trail + [name]))
            return
        state[name] = "open"
        for dep in services.get(name, {}).get("depends_on") or {}:
            if dep in services:
                visit(dep, trail + [name])
        state[name] = "done"

    for name in services:
        visit(name, [])
    # The development passwords that appear in several services agree.
    server_env = (services.get("server") or {}).get("environment") or {}
    migrate_env = (services.get("migrate") or {}).get("environment") or {}
    role_env = (services.get("app-role") or {}).get("environment") or {}
    pg_env = (services.get("postgres") or {}).get("environment") or {}
    app_pw = url_password(server_env.get("SHANLIAN__DATABASE__URL", ""))
    if role_env and app_pw != role_env.get("SHANLIAN_APP_DB_PASSWORD"):
        finding(where, "the password in SHANLIAN__DATABASE__URL differs from app-role's SHANLIAN_APP_DB_PASSWORD")
    owner_pw = url_password(migrate_env.get("SHANLIAN__DATABASE__ADMIN_URL", ""))
    if owner_pw != pg_env.get("POSTGRES_PASSWORD") or role_env.get("PGPASSWORD") != pg_env.get("POSTGRES_PASSWORD"):
        finding(where, "the owner's password differs between postgres, migrate and app-role")
    if server_env.get("SHANLIAN__MAIL__WORKER_ENABLED") != "false":
        finding(where, "the server must run with SHANLIAN__MAIL__WORKER_ENABLED=false beside the worker service")


# --- Kubernetes ----------------------------------------------------------------


def pod_spec(obj):
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
        return (spec.get("template") or {}).get("spec") or {}
    if kind == "CronJob":
        return (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec") or {}
    return None


def check_k8s():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = kustomization.get("resources") or []
    files = sorted(p.name for p in K8S.glob("*.yaml") if p.name not in ("kustomization.yaml", "secret.example.yaml"))
    for name in listed:
        if not (K8S / name).is_file():
            finding("deploy/k8s/kustomization.yaml", f"lists {name}, which does not exist")
    for name in files:
        if name not in listed:
            finding("deploy/k8s/kustomization.yaml", f"does not list {name}")
    if "secret.example.yaml" in listed:
        finding("deploy/k8s/kustomization.yaml", "must not list secret.example.yaml (placeholders)")
    namespace = kustomization.get("namespace")
    image_names = {i.get("name") for i in kustomization.get("images") or []}
    if APP_IMAGE not in image_names:
        finding("deploy/k8s/kustomization.yaml", f"images: has no entry for {APP_IMAGE!r}")

    objects = []
    for name in files + ["secret.example.yaml"]:
        for obj in yaml.safe_load_all((K8S / name).read_text(encoding="utf-8")):
            if obj:
                objects.append((f"deploy/k8s/{name}", obj))

    config_maps, secrets = {}, {}
    for where, obj in objects:
        meta = obj.get("metadata") or {}
        if obj.get("kind") != "Namespace" and meta.get("namespace") != namespace:
            finding(where, f"{obj.get('kind')}/{meta.get('name')}: namespace is not {namespace!r}")
        if obj.get("kind") == "ConfigMap":
            config_maps[meta.get("name")] = set((obj.get("data") or {}).keys())
            for key in obj.get("data") or {}:
                check_env_name(where, key)
        if obj.get("kind") == "Secret":
            data = {**(obj.get("data") or {}), **(obj.get("stringData") or {})}
            secrets[meta.get("name")] = set(data)
            for key, value in data.items():
                check_env_name(where, key)
                if where.endswith("secret.example.yaml") and "CHANGE-ME" not in str(value):
                    finding(where, f"{key}: an example secret must be a CHANGE-ME placeholder")

    for where, obj in objects:
        kind, name = obj.get("kind"), (obj.get("metadata") or {}).get("name")
        here = f"{where} {kind}/{name}"
        pod = pod_spec(obj)
        if pod is None:
            continue
        if kind == "Deployment":
            selector = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
            labels = ((obj["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
            if not selector or any(labels.get(k) != v for k, v in selector.items()):
                finding(here, "selector.matchLabels do not match the pod template's labels")
        if not (pod.get("securityContext") or {}).get("runAsNonRoot"):
            finding(here, "pod securityContext.runAsNonRoot must be true")
        if ((pod.get("securityContext") or {}).get("seccompProfile") or {}).get("type") != "RuntimeDefault":
            finding(here, "pod securityContext.seccompProfile must be RuntimeDefault (the namespace enforces restricted)")
        for container in (pod.get("initContainers") or []) + (pod.get("containers") or []):
            cwhere = f"{here} container {container.get('name')}"
            sc = container.get("securityContext") or {}
            if sc.get("allowPrivilegeEscalation") is not False:
                finding(cwhere, "allowPrivilegeEscalation must be false")
            if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
                finding(cwhere, "capabilities must drop ALL")
            if not (container.get("resources") or {}).get("limits"):
                finding(cwhere, "has no resource limits")
            if container.get("image") == APP_IMAGE:
                check_command(cwhere, container.get("args") or ["serve"])
            for env in container.get("env") or []:
                check_env_name(cwhere, env.get("name", ""))
                ref = (env.get("valueFrom") or {}).get("secretKeyRef") or (env.get("valueFrom") or {}).get(
                    "configMapKeyRef"
                )
                if ref:
                    pool = secrets if "secretKeyRef" in env["valueFrom"] else config_maps
                    if ref.get("key") not in pool.get(ref.get("name"), set()):
                        finding(cwhere, f"{env['name']} refers to {ref.get('name')}/{ref.get('key')}, which is not defined")
            for source in container.get("envFrom") or []:
                if "configMapRef" in source and source["configMapRef"].get("name") not in config_maps:
                    finding(cwhere, f"envFrom ConfigMap {source['configMapRef'].get('name')!r} is not defined")
                if "secretRef" in source and source["secretRef"].get("name") not in secrets:
                    finding(cwhere, f"envFrom Secret {source['secretRef'].get('name')!r} is not defined")

    # The server: probes, grace period, Service selector.
    server = next((o for _, o in objects if o.get("kind") == "Deployment" and o["metadata"]["name"] == "shanlian-server"), None)
    if server is None:
        finding("deploy/k8s", "no Deployment shanlian-server")
        return
    pod = pod_spec(server)
    container = (pod.get("containers") or [{}])[0]
    if ((container.get("readinessProbe") or {}).get("httpGet") or {}).get("path") != "/readyz":
        finding("deploy/k8s/server-deployment.yaml", "the readiness probe must be GET /readyz")
    if ((container.get("livenessProbe") or {}).get("httpGet") or {}).get("path") != "/healthz":
        finding("deploy/k8s/server-deployment.yaml", "the liveness probe must be GET /healthz")
    env = {e.get("name"): e.get("value") for e in container.get("env") or []}
    if env.get("SHANLIAN__MAIL__WORKER_ENABLED") != "false":
        finding("deploy/k8s/server-deployment.yaml", "servers must run with SHANLIAN__MAIL__WORKER_ENABLED=false")
    pre_stop = ((((container.get("lifecycle") or {}).get("preStop") or {}).get("sleep")) or {}).get("seconds", 0)
    grace = pod.get("terminationGracePeriodSeconds", 30)
    shutdown = default_shutdown_timeout()
    for source in container.get("envFrom") or []:
        for _, obj in objects:
            if obj.get("kind") == "ConfigMap" and obj["metadata"]["name"] == (source.get("configMapRef") or {}).get("name"):
                shutdown = int((obj.get("data") or {}).get("SHANLIAN__SERVER__SHUTDOWN_TIMEOUT_SECS", shutdown))
    shutdown = int(env.get("SHANLIAN__SERVER__SHUTDOWN_TIMEOUT_SECS") or shutdown)
    if grace <= pre_stop + shutdown:
        finding(
            "deploy/k8s/server-deployment.yaml",
            f"terminationGracePeriodSeconds {grace} must exceed the preStop pause ({pre_stop} s)"
            f" + server.shutdown_timeout_secs ({shutdown} s)",
        )
    labels = server["spec"]["template"]["metadata"]["labels"]
    for where, obj in objects:
        if obj.get("kind") == "Service":
            selector = (obj.get("spec") or {}).get("selector") or {}
            if not selector or any(labels.get(k) != v for k, v in selector.items()):
                finding(where, "the Service's selector does not match the server pods")


# --- .dockerignore -------------------------------------------------------------


def check_dockerignore():
    path = ROOT / ".dockerignore"
    if not path.is_file():
        finding(".dockerignore", "missing")
        return
    patterns = [
        line.strip().rstrip("/")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("!")
    ]
    for member in workspace_members():
        for probe in (member, f"{member}/Cargo.toml", f"{member}/src"):
            hit = next((p for p in patterns if fnmatch.fnmatch(probe, p)), None)
            if hit:
                finding(".dockerignore", f"{hit!r} excludes {probe}, which the build needs")
    for needed in ("Cargo.toml", "Cargo.lock"):
        if any(fnmatch.fnmatch(needed, p) for p in patterns):
            finding(".dockerignore", f"excludes {needed}")


check_compose()
check_k8s()
check_dockerignore()

for line in findings:
    print(line)
sys.exit(1 if findings else 0)
