"""Serve the function app locally: ``python -m local_host [--demo] [--port N]``.

``PORT`` (default 7071), ``COLLECTIONS_SQLITE_PATH`` and ``COLLECTIONS_DEMO_DATA`` are read
from the environment like every other setting. With demo data on (the default) an empty store
is filled with the demo ledger and precomputed before the first request; ``--demo`` reloads
the demo ledger into a store that already has data (the load is idempotent).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import UTC, datetime

from local_host.server import LocalHost, iter_route_lines
from shared import service
from shared.settings import Settings, SettingsError

logger = logging.getLogger("local_host")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_host", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 7071))
    parser.add_argument(
        "--demo",
        action="store_true",
        help="load the demo ledger even if the store already has data, then precompute",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )

    try:
        settings = Settings.from_environ()
    except SettingsError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    service.configure(settings)
    if args.demo or (settings.demo_data and not service.store().list_companies()):
        load_demo(datetime.now(UTC))

    # The function app is imported after the settings are checked: a bad setting stops the
    # start with its own message rather than an import error.
    from function_app import app

    server = LocalHost((args.host, args.port), app)
    print(
        f"Serving the function app on {server.base_url}/api/ and the web app on {server.base_url}/",
        flush=True,
    )
    for line in iter_route_lines(server.routes):
        print(line, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        service.reset()
    return 0


def load_demo(now: datetime) -> None:
    """Write the demo ledger dated around ``now`` and precompute every company."""
    from shared import precompute
    from shared.demo_data import demo_batch

    started = time.perf_counter()
    store = service.store()
    summary = store.write_batch(demo_batch(now.date()))
    reports = precompute.precompute_all(store, service.settings(), now)
    logger.info(
        "Loaded the demo ledger (%s records written) and precomputed %s companies in %.1f s.",
        summary.total_written,
        len(reports),
        time.perf_counter() - started,
    )


if __name__ == "__main__":
    sys.exit(main())
