#!/usr/bin/env python3
"""deploy/docker-compose.yml against deploy/local/cluster and the node.

  compose_test.py config [COMPOSE_FILE]     (ctest compose_config)
    `docker-compose config` accepts the file; its node services are the nodes
    of `deploy/local/cluster --print-topology --tls` with the same roles,
    ports, peers, advertised addresses and option names; and the file holds
    together: databases, health checks, volumes, secrets, TLS files.
  compose_test.py node NODE_BIN [COMPOSE_FILE]   (ctest compose_node)
    every option the compose nodes get is one NODE_BIN knows (CAF ignores
    unknown INI keys without a word), and deploy/compose-secrets makes every
    file the compose file mounts as a secret.

Prints every difference and exits 1 when there is one.
"""
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

import yaml

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMPOSE_FILE = os.path.join(ROOT, "deploy", "docker-compose.yml")
SECRET_OPTION = re.compile(r"[a-z]+\.[a-z-]+")  # streamify-entrypoint's rule

# Options whose values both deployments must share; peers and advertise are
# compared as the nodes they name; for a database URL the database counts;
# the other options are compared by name (their values are paths, hosts and
# secrets of the deployment).
SAME_VALUE = {"roles", "access-log", "cluster.port", "cluster.tls",
              "admin.port", "admin.name", "http.port"}

problems = []


def problem(text):
    problems.append(text)


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def finish(summary):
    if problems:
        for text in problems:
            print("FAIL:", text)
        print(f"{len(problems)} difference(s)")
        sys.exit(1)
    print(summary)


# --- the compose side -------------------------------------------------------

def compose_config(path):
    result = run(["docker-compose", "-f", path, "config"])
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        print(f"FAIL: docker-compose config rejects {path} "
              f"(exit {result.returncode})")
        sys.exit(1)
    return yaml.safe_load(result.stdout)


def read_ini(path):
    """CAF's INI: [section], key=value, ; comments; [global] has no prefix."""
    options, section = {}, None
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith(";"):
                continue
            header = re.fullmatch(r"\[([a-z-]+)\]", line)
            if header:
                section = header.group(1)
                continue
            key, sep, value = (part.strip() for part in line.partition("="))
            if not sep or section is None:
                problem(f"{path}:{number}: not a key=value in a section")
                continue
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            options[key if section == "global" else f"{section}.{key}"] = value
    return options


def mounts(service):
    """target -> source of a service's volumes (short syntax in config)."""
    out = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            out[volume["target"]] = volume["source"]
        else:
            parts = volume.split(":")
            out[parts[1]] = parts[0]
    return out


def secret_targets(service):
    """target -> secret name of a service's secrets."""
    out = {}
    for secret in service.get("secrets", []):
        if isinstance(secret, str):
            secret = {"source": secret}
        out[secret.get("target", secret["source"])] = secret["source"]
    return out


def compose_nodes(config):
    """Every streamify-node service's options, as the node gets them."""
    nodes = {}
    for name, service in config["services"].items():
        if service.get("build", {}).get("dockerfile") != "deploy/Dockerfile":
            continue
        options, config_file = {}, None
        for arg in service.get("command", []):
            m = re.fullmatch(r"--([a-z.-]+)=(.*)", arg)
            if not m:
                problem(f"{name}: command argument {arg!r} is not --name=value")
            elif m.group(1) == "config-file":
                config_file = m.group(2)
            else:
                options[m.group(1)] = m.group(2)
        source = mounts(service).get(config_file)
        if config_file is None or source is None:
            problem(f"{name}: no --config-file mounted from config/")
        elif not source.startswith(os.path.join(ROOT, "config") + os.sep):
            problem(f"{name}: its configuration {source} is not in config/")
        else:
            # The command line wins over the file (CAF), so it goes last.
            options = {**read_ini(source), **options}
        for target in secret_targets(service):
            if SECRET_OPTION.fullmatch(target):
                options[target] = "<secret>"
        nodes[name] = options
    return nodes


# --- the local side ---------------------------------------------------------

def local_nodes():
    env = {k: v for k, v in os.environ.items()
           if k not in ("STREAMIFY_DATA_DIR", "STREAMIFY_PG_PORT",
                        "STREAMIFY_HTTP_PORT", "STREAMIFY_CLUSTER_PORT",
                        "STREAMIFY_ADMIN_PORT")}
    script = os.path.join(ROOT, "deploy", "local", "cluster")
    result = run([script, "--print-topology", "--tls"], env=env)
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        print(f"FAIL: {script} --print-topology --tls: exit {result.returncode}")
        sys.exit(1)
    nodes = {}
    for line in result.stdout.splitlines():
        node, option, value = line.split("\t")
        nodes.setdefault(node, {})[option] = value
    return nodes


# --- comparing --------------------------------------------------------------

def addresses(nodes, host_of):
    """(host, port) -> node for every node publishing on cluster.port."""
    return {(host_of(node), opts["cluster.port"]): node
            for node, opts in nodes.items() if "cluster.port" in opts}


def resolve(address, by_address):
    host, _, port = address.rpartition(":")
    return by_address.get((host, port), f"?{address}")


def normalized(nodes, host_of):
    by_address = addresses(nodes, host_of)
    out = {}
    for node, opts in nodes.items():
        view = {}
        for option, value in opts.items():
            if option in SAME_VALUE:
                view[option] = value
            elif option == "cluster.peers":
                view[option] = sorted(
                    f"{entry.partition('@')[0]}@"
                    f"{resolve(entry.partition('@')[2], by_address)}"
                    for entry in value.split(",") if entry)
            elif option == "cluster.advertise":
                view[option] = resolve(value, by_address)
            elif option.endswith(".database-url"):
                view[option] = urllib.parse.urlparse(value).path.lstrip("/")
            else:
                view[option] = "(set)"
        out[node] = view
    return out


def compare(local, compose):
    for node in sorted(set(local) - set(compose)):
        problem(f"node {node} of deploy/local/cluster is not in the compose file")
    for node in sorted(set(compose) - set(local)):
        problem(f"node {node} of the compose file is not in deploy/local/cluster")
    for node in sorted(set(local) & set(compose)):
        a, b = local[node], compose[node]
        for option in sorted(set(a) | set(b)):
            if option not in b:
                problem(f"{node}: {option} is set by deploy/local/cluster only")
            elif option not in a:
                problem(f"{node}: {option} is set by the compose file only")
            elif a[option] != b[option]:
                problem(f"{node}: {option} is {a[option]} in deploy/local/cluster"
                        f" but {b[option]} in the compose file")


def check_billing_views(nodes, where):
    """Every node that uses billing knows the same billing nodes."""
    billing = sorted(n for n, o in nodes.items() if o.get("roles") == "billing")
    for node, opts in nodes.items():
        known = {p.partition("@")[2] for p in opts.get("cluster.peers", [])
                 if p.startswith("billing@")}
        if opts.get("roles") == "billing":
            known.add(opts.get("cluster.advertise", node))
        if known and sorted(known) != billing:
            problem(f"{where}: {node} knows the billing nodes {sorted(known)},"
                    f" not {billing}")


# --- the compose file on its own ---------------------------------------------

def check_compose(config, nodes):
    services = config["services"]
    named_volumes = set(config.get("volumes") or {})
    secret_files = {name: s.get("file", "") for name, s in
                    (config.get("secrets") or {}).items()}
    databases = {name: s for name, s in services.items()
                 if str(s.get("image", "")).startswith("postgres:")}
    if len(databases) != 5:
        problem(f"{len(databases)} PostgreSQL services, not 5: {sorted(databases)}")
    data_volumes = set()
    for name, db in databases.items():
        if db["image"] != "postgres:15":
            problem(f"{name}: image {db['image']}, not postgres:15")
        test = " ".join(db.get("healthcheck", {}).get("test", []))
        if "pg_isready" not in test:
            problem(f"{name}: no pg_isready health check")
        source = mounts(db).get("/var/lib/postgresql/data")
        if source not in named_volumes:
            problem(f"{name}: no named volume at /var/lib/postgresql/data")
        elif source in data_volumes:
            problem(f"{name}: shares the volume {source}")
        data_volumes.add(source)
        env = db.get("environment", {})
        if env.get("POSTGRES_PASSWORD_FILE") != "/run/secrets/postgres-password" \
                or "postgres-password" not in secret_targets(db):
            problem(f"{name}: its password is not the postgres-password secret")

    video_volumes = set()
    for node, opts in nodes.items():
        service = services[node]
        where = mounts(service)
        targets = secret_targets(service)
        healthy_deps = {d for d, c in (service.get("depends_on") or {}).items()
                        if c.get("condition") == "service_healthy"}
        for option, value in opts.items():
            if not option.endswith(".database-url"):
                continue
            url = urllib.parse.urlparse(value)
            db = databases.get(url.hostname)
            if db is None:
                problem(f"{node}: {option} names {url.hostname}, no PostgreSQL service")
                continue
            env = db.get("environment", {})
            if env.get("POSTGRES_DB") != url.path.lstrip("/") \
                    or env.get("POSTGRES_USER") != url.username:
                problem(f"{node}: {option} is not {url.hostname}'s database and user")
            if url.password:
                problem(f"{node}: {option} holds a password")
            if url.hostname not in healthy_deps:
                problem(f"{node}: does not wait for {url.hostname} to be healthy")
            if "postgres-password" not in targets:
                problem(f"{node}: has no postgres-password secret")
        if "storage.data-dir" in opts:
            source = where.get(opts["storage.data-dir"])
            if source not in named_volumes:
                problem(f"{node}: no named volume at storage.data-dir "
                        f"{opts['storage.data-dir']}")
            video_volumes.add(source)
        if opts.get("roles") == "gateway":
            if opts.get("http.bind") != "0.0.0.0":
                problem(f"{node}: http.bind is not 0.0.0.0")
            if service.get("ports"):
                problem(f"{node}: publishes a port; only the edge may")
            check_edge(services, node, opts, secret_files)
            health = f"http://127.0.0.1:{opts.get('http.port')}/health"
        else:
            if opts.get("cluster.bind") != "0.0.0.0":
                problem(f"{node}: cluster.bind is not 0.0.0.0")
            health = f"tcp://127.0.0.1:{opts.get('cluster.port')}"
        if health not in service.get("healthcheck", {}).get("test", []):
            problem(f"{node}: its health check does not check {health}")
        if opts.get("cluster.tls") != "true":
            problem(f"{node}: cluster.tls is not true")
        expected = {"openssl.cafile": "ca.pem",
                    "openssl.certificate": f"{node}.pem",
                    "openssl.key": f"{node}.key"}
        for option, file in expected.items():
            path = opts.get(option, "")
            target = path[len("/run/secrets/"):] \
                if path.startswith("/run/secrets/") else None
            secret = targets.get(target)
            if secret is None:
                problem(f"{node}: {option} {path!r} is not one of its secrets")
            elif secret_files.get(secret) != os.path.join(
                    ROOT, "deploy", "secrets", "tls", file):
                problem(f"{node}: {option} is {secret_files.get(secret)},"
                        f" not deploy/secrets/tls/{file}")
    if len(video_volumes) > 1:
        problem(f"the media folder is on several volumes: {sorted(video_volumes)}")


def check_edge(services, gateway, opts, secret_files):
    """The edge publishes HTTPS and HTTP, proxies to the gateway's http.port
    with the public certificate, and the gateway trusts its network."""
    edge = services.get("edge")
    if edge is None:
        problem("no edge service in front of the gateway")
        return
    published = sorted(p.get("target") for p in edge.get("ports", []))
    if published != [8080, 8443]:
        problem(f"edge: publishes {published}, not [8080, 8443]")
    upstream = f"{gateway}:{opts.get('http.port')}"
    if edge.get("environment", {}).get("STREAMIFY_GATEWAY") != upstream:
        problem(f"edge: STREAMIFY_GATEWAY is not {upstream}")
    targets = secret_targets(edge)
    for target, file in (("edge.pem", "edge.pem"), ("edge.key", "edge.key")):
        if secret_files.get(targets.get(target)) != os.path.join(
                ROOT, "deploy", "secrets", "public", file):
            problem(f"edge: {target} is not deploy/secrets/public/{file}")
    if "http.trusted-proxies" not in opts:
        problem(f"{gateway}: trusts no proxy, so every client is the edge")


# --- the modes ----------------------------------------------------------------

def check_config(path):
    config = compose_config(path)
    compose = compose_nodes(config)
    local = local_nodes()
    check_compose(config, compose)
    compose_view = normalized(compose, lambda node: node)
    local_view = normalized(local, lambda node: "127.0.0.1")
    compare(local_view, compose_view)
    check_billing_views(local_view, "deploy/local/cluster")
    check_billing_views(compose_view, "compose")
    summary = "; ".join(
        f"{node} ({opts.get('roles')}, port {opts.get('cluster.port', '-')},"
        f" {len(opts)} options)" for node, opts in sorted(compose.items()))
    finish(f"docker-compose config: ok; the compose file and "
           f"deploy/local/cluster agree on {len(compose)} nodes: {summary}")


def check_node(node_bin, path):
    config = compose_config(path)
    result = run([node_bin, "--long-help"])
    known = set(re.findall(r"--([a-z][a-z0-9.-]*)[=\s]",
                           result.stdout + result.stderr))
    if "cluster.port" not in known:
        print(f"FAIL: {node_bin} --long-help lists no options")
        sys.exit(1)
    nodes = compose_nodes(config)
    for node, opts in sorted(nodes.items()):
        for option in sorted(set(opts) - known):
            problem(f"{node}: {option} is no option of {node_bin}")
    secrets_dir = os.path.join(ROOT, "deploy", "secrets")
    with tempfile.TemporaryDirectory() as tmp:
        made = run([os.path.join(ROOT, "deploy", "compose-secrets"), tmp])
        if made.returncode != 0:
            problem(f"deploy/compose-secrets failed (exit {made.returncode}): "
                    f"{made.stderr.strip()}")
        else:
            for name, secret in sorted((config.get("secrets") or {}).items()):
                relative = os.path.relpath(secret["file"], secrets_dir)
                if not os.path.isfile(os.path.join(tmp, relative)):
                    problem(f"secret {name}: deploy/compose-secrets makes no "
                            f"{relative}")
    finish(f"{node_bin} knows every option of the {len(nodes)} compose nodes;"
           f" deploy/compose-secrets makes all "
           f"{len(config.get('secrets') or {})} secret files")


def main(argv):
    if len(argv) >= 2 and argv[1] == "config" and len(argv) <= 3:
        check_config(argv[2] if len(argv) == 3 else COMPOSE_FILE)
    elif len(argv) >= 3 and argv[1] == "node" and len(argv) <= 4:
        check_node(argv[2], argv[3] if len(argv) == 4 else COMPOSE_FILE)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
