"""Start the real Serve app on the tests' local Ray, on a free loopback port."""
from __future__ import annotations

import socket
import time

import requests

# a loaded 2-core box starts the tiny app's replicas in well under a minute; the margin is for CI neighbours
HEALTHY_WITHIN_S = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(index_dir: str, config, name: str, ingress_env: dict | None = None) -> str:
    """serve.start on a fresh port + serve.run the harmonize app; returns the base URL once /v1/health is 200."""
    from ray import serve

    from actors.serve_app import harmonize_app

    config.serve.port = free_port()
    base, last = f"http://127.0.0.1:{config.serve.port}", None
    try:
        serve.start(http_options={"host": "127.0.0.1", "port": config.serve.port})
        serve.run(harmonize_app(index_dir, config, ingress_env=ingress_env), name=name, route_prefix="/")
        deadline = time.time() + HEALTHY_WITHIN_S
        while time.time() < deadline:
            try:
                r = requests.get(f"{base}/v1/health", timeout=10)
                if r.status_code == 200:
                    return base
                last = r.text[:500]
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
    except BaseException:
        serve.shutdown()  # a failed deploy keeps retrying its replicas, holding CPUs every later test needs
        raise
    try:
        status = serve.status().applications.get(name)
    except Exception as e:  # noqa: BLE001  (the status is only for the message)
        status = repr(e)
    finally:
        serve.shutdown()  # an app left running holds its CPUs and starves every later test's deployments
    raise RuntimeError(f"Serve app {name} did not become healthy at {base} in {HEALTHY_WITHIN_S} s: {last}; "
                       f"status: {status}")


def stop_app() -> None:
    from ray import serve

    serve.shutdown()
